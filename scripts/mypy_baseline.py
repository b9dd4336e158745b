"""Run mypy (django-stubs; configured in pyproject.toml) and hold its errors to a baseline that only shrinks.

mypy arrived after most of the code, which it finds about 300 errors in: request.user typed as
`User | AnonymousUser` where LoginRequiredMiddleware guarantees a User, openpyxl's optional worksheets, form
fields reached through `self.fields[...]`. They are fixed file by file as each file is worked on. Until then
`scripts/mypy-baseline.txt` records how many errors of each code each file has, and this check fails when

- a file gains an error code or more errors of a code than the baseline allows (new code is held to mypy), or
- a file has fewer than its baseline (a fix must be recorded, so the allowance cannot be spent again).

Counts per file and code, not lines, so the baseline survives edits and merges. Line numbers of the current
errors are printed for whatever fails. mypy has no baseline of its own; per-module `disable_error_code`
overrides would let new errors of a disabled code in.

    python scripts/mypy_baseline.py            # the check `make lint` runs
    python scripts/mypy_baseline.py --update   # after fixing errors: record the smaller counts
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "mypy-baseline.txt"
HEADER = (
    "# mypy errors allowed per file and error code; may only shrink (scripts/mypy_baseline.py --update).\n"
    "# file  code  count\n"
)

Key = tuple[str, str]


def run_mypy() -> list[dict[str, object]]:
    env = {
        **os.environ,
        # The django-stubs plugin loads pufa.settings, which needs a key; this is an analysis, not a deployment.
        "PUFA_INSECURE_DEV_KEY": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    }
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--output", "json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    errors = []
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry["severity"] == "error":
                errors.append(entry)
    if out.returncode not in (0, 1) or (out.returncode == 1 and not errors):
        sys.exit(f"mypy did not run:\n{out.stdout}{out.stderr}")
    return errors


def read_baseline() -> Counter[Key]:
    counts: Counter[Key] = Counter()
    if BASELINE.exists():
        for line in BASELINE.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                path, code, count = line.split()
                counts[(path, code)] = int(count)
    return counts


def write_baseline(counts: Counter[Key]) -> None:
    lines = [f"{path}  {code}  {count}\n" for (path, code), count in sorted(counts.items())]
    BASELINE.write_text(HEADER + "".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="record the current counts (only after fixing)")
    args = parser.parse_args()

    errors = run_mypy()
    current: Counter[Key] = Counter((str(e["file"]), str(e["code"])) for e in errors)
    baseline = read_baseline()
    grown = {k: n for k, n in current.items() if n > baseline.get(k, 0)}
    shrunk = {k: n for k, n in baseline.items() if current.get(k, 0) < n}

    if args.update:
        if grown and BASELINE.exists():
            print("Not recorded: the baseline may only shrink. Fix these first:", file=sys.stderr)
            report(grown, baseline, errors)
            return 1
        write_baseline(current)
        print(f"mypy baseline: {sum(current.values())} errors in {len({p for p, _ in current})} files recorded.")
        return 0

    if grown:
        print("mypy: new errors beyond scripts/mypy-baseline.txt (fix them; the baseline may only shrink):")
        report(grown, baseline, errors)
    if shrunk:
        print("mypy: fewer errors than the baseline — record it with `python scripts/mypy_baseline.py --update`:")
        for (path, code), n in sorted(shrunk.items()):
            print(f"  {path} [{code}]: {current.get((path, code), 0)} now, baseline {n}")
    if grown or shrunk:
        return 1
    print(f"mypy: {sum(current.values())} known errors (baseline), none new.")
    return 0


def report(grown: dict[Key, int], baseline: Counter[Key], errors: list[dict[str, object]]) -> None:
    for (path, code), n in sorted(grown.items()):
        print(f"  {path} [{code}]: {n}, baseline {baseline.get((path, code), 0)}")
        for e in errors:
            if (e["file"], e["code"]) == (path, code):
                print(f"    {path}:{e['line']}: {e['message']}")


if __name__ == "__main__":
    sys.exit(main())
