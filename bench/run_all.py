"""`make bench`: generate the benchmark city (once) and run every benchmark script in turn.

Each script prints its own figures; this one only runs them, on the database named by PUFA_DATABASE_URL
(SQLite var/bench.sqlite3 by default). Set BENCH_SCALE for a quicker, smaller city (1 = the full city).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCALE = os.environ.get("BENCH_SCALE", "1")
SCRIPTS = [
    ["plan_import.py"],
    ["citygen.py", "--scale", SCALE],
    ["ledger_list.py", "--with-listeners"],
    ["progress_bench.py", "--scale", SCALE],
    ["portal_bench.py"],
    ["reports_bench.py"],
    ["growth.py", "--small", str(float(SCALE) / 10), "--large", SCALE],  # a second city, a tenth the size
    ["throughput.py"],  # gunicorn + wrk on loopback
    ["page_cpu.py"],  # the same pages' CPU ms per request, in-process
    ["cluster_bench.py"],  # scripts/cluster.sh: nginx + 2 app servers, 1 vs 2 servers, one killed under load
    ["cluster_load.py"],  # Locust's mixed load on the cluster with faults, then the reconciliation
]


def main() -> int:
    failed = []
    for script, *args in SCRIPTS:
        path = HERE / script
        if not path.exists():
            print(f"== {script}: missing, skipped")
            continue
        print(f"== {script} {' '.join(args)}", flush=True)
        result = subprocess.run([sys.executable, str(path), *args], check=False)  # noqa: S603
        if result.returncode != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
