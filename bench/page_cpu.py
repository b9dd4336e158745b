"""Benchmark: CPU milliseconds per request of the pages bench/throughput.py loads, in-process (issue 14).

Under concurrency a page's throughput is bounded by the CPU one request costs the server; on a shared machine
wall times and req/s measure the neighbours as much as the page, while the CPU time of this process (its
SQLite queries included) moves much less. Each page is requested through Django's test Client with
production settings (DEBUG off, connections kept), interleaved with the plain logged-in page (the
notification list) in --rounds rounds of --requests requests; printed per page: the fastest and the median
round's CPU ms per request, and the plain page's fastest round over the page's (the ratio throughput would
have if CPU were all). Then the load average.

    .venv/bin/python bench/citygen.py --scale 0.1            # once: the city (PUFA_DATABASE_URL)
    .venv/bin/python bench/progress_bench.py --skip-daily     # once: its rollups and statuses
    .venv/bin/python bench/page_cpu.py [page …]               # pages: plain dash-city dash-district …
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import citygen  # noqa: E402 - after the path to bench/ is set

PAGES = (
    "plain",
    "dash-city",
    "dash-district",
    "dash-street",
    "ledger-district",
    "ledger-street",
    "ledger-liaison",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", metavar="page", help=f"default: all of {', '.join(PAGES)}")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--requests", type=int, default=5, help="requests per page in each round")
    args = parser.parse_args()
    if unknown := set(args.pages) - set(PAGES):
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    os.environ.setdefault("PUFA_DB_CONN_MAX_AGE", "60")  # as gunicorn serves them (docs/deploy.md)
    citygen.setup()
    from django.test import Client
    from django.urls import reverse

    from pufa.org.models import Region, Unit, User

    if not Region.objects.filter(code=citygen.CITY_CODE).exists():
        raise SystemExit("no bench city in this database: run bench/citygen.py first")
    org = citygen.generate_org()
    street = Unit.objects.select_related("region").get(pk=int(org.usernames["street_office"][1:])).region
    district = Region.objects.get(pk=org.district_ids[0])
    dashboard, ledger = reverse("progress:dashboard"), reverse("ledger:activity-list")
    paths = {
        "plain": ("city_office", reverse("notification-list")),
        "dash-city": ("city_office", dashboard),
        "dash-district": ("district_office", f"{dashboard}?region={district.pk}"),
        "dash-street": ("street_office", f"{dashboard}?region={street.pk}"),
        "ledger-district": ("district_office", ledger),
        "ledger-street": ("street_office", ledger),
        "ledger-liaison": ("community_liaison", ledger),
    }
    wanted = ["plain", *(p for p in args.pages or PAGES if p != "plain")]
    clients = {}
    for role in {paths[p][0] for p in wanted}:
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=org.usernames[role]))
    for page in wanted:  # warm: templates compiled, figures cached, every page answers
        for _ in range(3):
            status = clients[paths[page][0]].get(paths[page][1]).status_code
            if status != 200:
                raise SystemExit(f"{page}: HTTP {status}")
    rounds: dict[str, list[float]] = {p: [] for p in wanted}
    for _ in range(args.rounds):
        for page in wanted:
            client, path = clients[paths[page][0]], paths[page][1]
            started = time.process_time()
            for _ in range(args.requests):
                client.get(path)
            rounds[page].append((time.process_time() - started) / args.requests * 1000)
    print(f"database: {citygen.database_label()}; {args.rounds} rounds of {args.requests} requests per page")
    print(f"{'page':<18}{'CPU ms min':>11}{'median':>9}{'plain/page':>12}")
    plain = min(rounds["plain"])
    for page in wanted:
        ordered = sorted(rounds[page])
        print(f"{page:<18}{ordered[0]:>11.1f}{ordered[len(ordered) // 2]:>9.1f}{plain / ordered[0]:>12.2f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
