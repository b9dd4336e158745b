"""Benchmark: the whole upload → review → save import of a ~50-page plan, through the real views.

bench/plan_import.py times the parser alone; this times what the office waits for on each page: the
upload (read, parse, resolve every unit name against the issuing unit's region, keep the proposal in the
session), the review page (an editable form per task, REVIEW_PAGE_SIZE tasks a page), turning a page (its
edits merged into the session) and the save (all pages validated, then one transaction: plan, tasks, task
units, audit). The plan is the parser benchmark's ~50-page document, imported by the demo district's office
(埇桥区委依法治区办) so names are resolved against the whole district. Median of RUNS.

    .venv/bin/python bench/plan_import_review.py            # throwaway SQLite database under /tmp
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench \
        .venv/bin/python bench/plan_import_review.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

RUNS = 5


def main() -> None:
    if not os.environ.get("PUFA_DATABASE_URL"):
        os.environ["PUFA_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/plans-bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings")
    os.environ.setdefault("PUFA_INSECURE_DEV_KEY", "1")  # a local benchmark, not a deployment
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from plan_import import build_plan_lines
    from pufa.org.demo import seed_org
    from pufa.org.models import Unit, User
    from pufa.plans.forms import REVIEW_PAGE_SIZE, page_tasks, review_pages
    from pufa.plans.models import Plan

    seed_org()
    office = User.objects.get(username="quxfb")
    unit = Unit.objects.get(code="yq-fxb")
    text = "\n".join(build_plan_lines()).encode("utf-8")
    client = Client()
    client.force_login(office)

    uploads: list[float] = []
    reviews: list[float] = []
    turns: list[float] = []
    saves: list[float] = []
    counts = {}
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.post(
            reverse("plans:plan-import"),
            {"issuing_unit": unit.pk, "file": SimpleUploadedFile("五十页规划.txt", text)},
        )
        uploads.append(time.perf_counter() - started)
        assert response.status_code == 302, response.content.decode()[:2000]
        review_url = response["Location"]
        started = time.perf_counter()
        first_page = client.get(review_url)
        reviews.append(time.perf_counter() - started)
        assert first_page.status_code == 200
        token = review_url.rstrip("/").rsplit("/", 1)[-1]
        proposal = client.session["plans_import"][token]
        stored = proposal["data"]
        pages = review_pages(len(proposal["tasks"]))
        for page in range(1, pages + 1):  # the office pages through, posting each page's fields
            prefixes = ("plan-", *(f"t{i}-" for i in page_tasks(page, len(proposal["tasks"]))))
            data = {k: v for k, v in stored.items() if k.startswith(prefixes)}
            data.update({"page": str(page), "go": "save" if page == pages else str(page + 1)})
            started = time.perf_counter()
            saved = client.post(review_url, data)
            if page < pages:
                turns.append(time.perf_counter() - started)
                assert saved.status_code == 302, saved.content.decode()[:2000]
        saves.append(time.perf_counter() - started)
        assert saved.status_code == 302, saved.content.decode()[:3000]
        plan = Plan.objects.order_by("-pk").first()
        assert plan is not None
        counts = {
            "tasks": plan.tasks.count(),
            "task_units": sum(len(ids) for e in proposal["tasks"] for ids in e["units"].values()),
            "unresolved": sum(len(e["unresolved"]) for e in proposal["tasks"]),
            "html_kb": len(first_page.content) // 1024,
            "pages": pages,
        }
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"plan import through the pages — {len(text) // 1024} KB text, {engine}, median of {RUNS}")
    print(
        f"  tasks {counts['tasks']}, resolved task units {counts['task_units']}, "
        f"unresolved names {counts['unresolved']}, review {counts['pages']} pages of {REVIEW_PAGE_SIZE} tasks, "
        f"first page {counts['html_kb']} KB"
    )
    for label, values in (
        ("upload (read+parse+resolve)", uploads),
        ("review page (GET)", reviews),
        ("turn a page (POST)", turns),
        ("save (last page POST)", saves),
    ):
        print(f"  {label:<28} {statistics.median(values) * 1000:8.0f} ms   (max {max(values) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
