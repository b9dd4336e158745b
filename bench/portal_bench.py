"""Benchmark: the public portal with every unit of a city (~5,000) having a published responsibility list.

The city comes from citygen.generate_org (regions and ~5,000 units); this script adds a law catalogue and,
for every unit, a published list for this year with 5 items and 4 announced activities (tagged with laws,
audiences and domains; about a third carried out, i.e. linked to a counted ledger activity) — about 25,000
items and 20,000 announced activities. Rows are bulk-written, bypassing the services, as citygen does.

The portal pages (region index, a region's list page, a unit's list, the unit's laws, the month calendar,
the search) are requested anonymously through Django's test Client against the real views, each timed
three ways: "cold" with the cache emptied before every request (every query runs), "fresh" as the first view
of the page after a publish (see measure()), and "warm" (steady use). Median and 95th percentile in ms.

    .venv/bin/python bench/portal_bench.py                           # SQLite: var/bench_portal.sqlite3
    PUFA_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/pufa_bench_portal \
        .venv/bin/python bench/portal_bench.py
    add --fresh to rebuild the database first
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

RUNS = 30
SEED = 20260331
LAWS = [
    "宪法", "民法典", "法治宣传教育法", "治安管理处罚法", "道路交通安全法", "反电信网络诈骗法", "禁毒法", "国家安全法",
    "食品安全法", "消费者权益保护法", "反家庭暴力法", "妇女权益保障法", "未成年人保护法", "老年人权益保障法",
    "安全生产法", "消防法", "人民调解法", "法律援助法", "劳动合同法", "社会保险法", "个人信息保护法",
    "城市居民委员会组织法", "环境保护法", "大气污染防治法", "水污染防治法", "土地管理法", "行政处罚法",
    "行政许可法", "行政复议法", "教育法", "义务教育法", "传染病防治法", "基本医疗卫生与健康促进法", "药品管理法",
    "产品质量法", "广告法", "价格法", "劳动法", "就业促进法", "慈善法", "村民委员会组织法", "兵役法",
]  # fmt: skip
TOPICS = [
    ("“12·4”国家宪法日集中宣传", "宪法", (12, 1), (12, 7)),
    ("“美好生活·民法典相伴”主题宣讲", "民法典", (5, 1), (5, 31)),
    ("“3·15”消费者权益日宣传", "消费者权益保护法", (3, 15), (3, 15)),
    ("“4·15”全民国家安全教育日宣传", "国家安全法", (4, 15), (4, 15)),
    ("“6·26”国际禁毒日宣传", "禁毒法", (6, 20), (6, 26)),
    ("安全生产月宣传咨询", "安全生产法", (6, 1), (6, 30)),
    ("反电信网络诈骗宣传进社区", "反电信网络诈骗法", (4, 1), (4, 30)),
    ("“三八”妇女维权周宣传", "妇女权益保障法", (3, 1), (3, 8)),
    ("暑期未成年人保护法治课", "未成年人保护法", (7, 1), (7, 31)),
    ("法律援助进社区咨询", "法律援助法", (9, 1), (9, 30)),
    ("“11·9”消防宣传日", "消防法", (11, 1), (11, 9)),
    ("“12·2”全国交通安全日宣传", "道路交通安全法", (12, 2), (12, 2)),
]


def setup() -> None:
    if not os.environ.get("PUFA_DATABASE_URL"):
        (ROOT / "var").mkdir(exist_ok=True)
        os.environ["PUFA_DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench_portal.sqlite3'}"
    import citygen

    citygen.setup()


def fresh() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        connection.close()
        if name.name == "pufa.sqlite3":
            sys.exit("Refusing to delete the demo database.")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def generate_lists(year: int) -> int:
    """A published list for every unit of the city that has none for `year`; returns the number made."""
    from django.db import connection
    from django.utils import timezone

    import citygen
    from pufa.core.chinese import pinyin_key
    from pufa.core.models import ActivityKind, Audience, Domain
    from pufa.duties.models import DutyItem, DutyList, Law, PlannedActivity
    from pufa.ledger.models import Activity, ActivityUnit
    from pufa.org.models import Unit

    if DutyList.objects.filter(year=year).exists():
        return 0
    rng = random.Random(SEED)
    for short in LAWS:
        name = f"中华人民共和国{short}"
        level = "constitution" if short == "宪法" else "law"
        Law.objects.get_or_create(name=name, defaults={"pinyin": pinyin_key(name), "level": level})
    laws = {law.name.removeprefix("中华人民共和国"): law.pk for law in Law.objects.all()}
    audiences = list(Audience.objects.values_list("pk", flat=True))
    domains = list(Domain.objects.values_list("pk", flat=True))
    kinds = list(ActivityKind.objects.values_list("pk", flat=True))
    units = list(Unit.objects.select_related("region").order_by("pk"))
    now = timezone.now()

    list_id, item_id, planned_id = (citygen._next_id(m) for m in (DutyList, DutyItem, PlannedActivity))
    activity_id = citygen._next_id(Activity)
    lists, items, planned, acts, parts = [], [], [], [], []
    through = {
        "list_laws": [],
        "item_laws": [],
        "item_aud": [],
        "item_dom": [],
        "pa_laws": [],
        "pa_aud": [],
        "pa_dom": [],
    }
    for unit in units:
        lists.append(
            DutyList(
                pk=list_id,
                unit_id=unit.pk,
                year=year,
                status="published",
                summary=f"{unit.name}{year}年度普法工作安排。",
                internal_note="内部备注",
                submitted_at=now,
                filed_at=now,
                published_at=now,
            )
        )
        chosen = rng.sample(list(laws), 6)
        through["list_laws"] += [(list_id, laws[n]) for n in chosen]
        first_item = item_id
        for k in range(5):
            law = chosen[k]
            items.append(
                DutyItem(
                    pk=item_id,
                    duty_list_id=list_id,
                    order=k + 1,
                    content=f"宣传《{law}》，结合{unit.name}职责开展普法",
                    measures="集中宣传、专题讲座、新媒体推送",
                    standards="全年不少于2次",
                    time_nodes="贯穿全年",
                    responsible_section="办公室",
                    responsible_leader="某领导",
                    responsible_person="某联络员",
                    responsible_phone="13800000000",
                )
            )
            through["item_laws"] += [(item_id, laws[law]), (item_id, laws[chosen[5]])]
            through["item_aud"] += [(item_id, a) for a in rng.sample(audiences, 2)]
            through["item_dom"].append((item_id, rng.choice(domains)))
            item_id += 1
        for k, (content, law, start, end) in enumerate(rng.sample(TOPICS, 4)):
            kind = rng.choice(kinds)
            planned.append(
                PlannedActivity(
                    pk=planned_id,
                    duty_list_id=list_id,
                    item_id=first_item + k,
                    content=content,
                    kind_id=kind,
                    start=dt.date(year, *start),
                    end=dt.date(year, *end),
                    place=f"{unit.region.name}党群服务中心",
                    region_id=unit.region_id,
                    internal_note="内部备注",
                )
            )
            through["pa_laws"].append((planned_id, laws[law]))
            through["pa_aud"] += [(planned_id, a) for a in rng.sample(audiences, 2)]
            through["pa_dom"].append((planned_id, rng.choice(domains)))
            if rng.random() < 0.35:  # carried out: a counted ledger record, linked
                day = dt.date(year, *start)
                acts.append(
                    Activity(
                        pk=activity_id,
                        unit_id=unit.pk,
                        title=content,
                        kind_id=kind,
                        date=day,
                        status="submitted",
                        region_path=unit.region.path,
                    )
                )
                parts.append(
                    ActivityUnit(
                        activity_id=activity_id,
                        unit_id=unit.pk,
                        is_organiser=True,
                        unit_path=unit.path,
                        region_path=unit.region.path,
                        date=day,
                        status="submitted",
                        title=content,
                    )
                )
                planned[-1].activity_id = activity_id
                planned[-1].link_method = "auto"
                planned[-1].linked_at = now
                activity_id += 1
            planned_id += 1
        list_id += 1
    citygen._bulk(DutyList, lists)
    citygen._bulk(DutyItem, items)
    citygen._bulk(Activity, acts)
    citygen._bulk(ActivityUnit, parts)
    citygen._bulk(PlannedActivity, planned)
    for key, model, left, right in (
        ("list_laws", DutyList.laws.through, "dutylist_id", "law_id"),
        ("item_laws", DutyItem.laws.through, "dutyitem_id", "law_id"),
        ("item_aud", DutyItem.audiences.through, "dutyitem_id", "audience_id"),
        ("item_dom", DutyItem.domains.through, "dutyitem_id", "domain_id"),
        ("pa_laws", PlannedActivity.laws.through, "plannedactivity_id", "law_id"),
        ("pa_aud", PlannedActivity.audiences.through, "plannedactivity_id", "audience_id"),
        ("pa_dom", PlannedActivity.domains.through, "plannedactivity_id", "domain_id"),
    ):
        citygen._bulk(model, [model(**{left: a, right: b}) for a, b in through[key]])
    citygen._reset_sequences(DutyList, DutyItem, PlannedActivity, Activity, ActivityUnit)
    with connection.cursor() as cursor:
        # Statistics for the planners (bulk loads bypass autovacuum's thresholds; this server has it off).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return len(lists)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(client: object, urls: list[str], runs: int, mode: str) -> list[float]:
    """Time `runs` requests cycling through `urls`.

    cold:  the cache emptied before every request — every query of the page runs (the worst case);
    fresh: the public version reset (as a publish does), the home page requested once, then the page — its own
           parts are computed, the parts every page shares (years, region counts, filters) are already back;
    warm:  every page seen once since the last change (steady use)."""
    from django.core.cache import cache

    from pufa.duties.selectors import reset_public_version

    home = "/public/"
    for url in urls if mode == "warm" else urls[:3]:
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for n in range(runs):
        url = urls[n % len(urls)]
        if mode == "cold":
            cache.clear()
        elif mode == "fresh":
            reset_public_version()
            if url != home:
                client.get(home)  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="citygen scale: 1 ≈ 5,000 units")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--fresh", action="store_true", help="rebuild the benchmark database first")
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    import citygen
    from pufa.core.models import Audience, Domain
    from pufa.duties.models import DutyList, Law, PlannedActivity
    from pufa.org.models import Region

    if args.fresh:
        fresh()
    call_command("migrate", verbosity=0, interactive=False)
    year = timezone.localdate().year
    started = time.perf_counter()
    org = citygen.generate_org(args.scale)
    made = generate_lists(year)
    if made:
        print(f"generated {made:,} published lists in {time.perf_counter() - started:.1f} s")
    print(f"database: {citygen.database_label()}")
    published = DutyList.objects.filter(year=year, status="published").count()
    print(
        f"city: {org.unit_count:,} units, {published:,} published lists, "
        f"{PlannedActivity.objects.filter(duty_list__year=year).count():,} announced activities "
        f"({PlannedActivity.objects.filter(duty_list__year=year, activity__isnull=False).count():,} carried out)"
    )
    rng = random.Random(SEED)
    city = Region.objects.get(pk=org.city_id)
    district = Region.objects.get(pk=org.district_ids[0])
    street = Region.objects.get(pk=org.street_ids[0])
    list_ids = rng.sample(list(DutyList.objects.filter(year=year).values_list("pk", "unit_id")), 40)
    law = Law.objects.get(name="中华人民共和国民法典")
    audience = Audience.objects.order_by("pk").first()
    domain = Domain.objects.order_by("pk").first()
    search = reverse("portal:search")
    calendar = reverse("portal:calendar")
    pages = [
        ("region index (home)", [reverse("portal:index")]),
        ("region page: city, page 1", [reverse("portal:region", args=[city.pk]) + f"?year={year}"]),
        ("region page: city, page 50", [reverse("portal:region", args=[city.pk]) + f"?year={year}&page=50"]),
        ("region page: district", [reverse("portal:region", args=[district.pk]) + f"?year={year}"]),
        ("region page: street", [reverse("portal:region", args=[street.pk]) + f"?year={year}"]),
        ("region page: unit name filter", [reverse("portal:region", args=[city.pk]) + f"?year={year}&q=派出所"]),
        ("unit list page (40 units)", [reverse("portal:list-detail", args=[pk]) for pk, _ in list_ids]),
        ("unit law list (40 units)", [reverse("portal:unit-laws", args=[unit]) for _, unit in list_ids]),
        ("calendar: city, May", [f"{calendar}?year={year}&month=5"]),
        ("calendar: district, December", [f"{calendar}?year={year}&month=12&region={district.pk}"]),
        ("calendar: city, one day", [f"{calendar}?year={year}&month=12&day=4"]),
        ("search: words", [f"{search}?q=民法典", f"{search}?q=禁毒", f"{search}?q=消防"]),
        ("search: law", [f"{search}?law={law.pk}"]),
        ("search: audience + place", [f"{search}?audience={audience.pk}&region={district.pk}"]),
        ("search: domain + words", [f"{search}?domain={domain.pk}&q=宣传"]),
    ]
    client = Client()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    header = "".join(f"{m + ' median':>14}{m + ' p95':>11}" for m in ("cold", "fresh", "warm"))
    print(f"\n{'page':<32}{header}   (ms, {args.runs} runs each)")
    medians: dict[str, list[float]] = {"cold": [], "fresh": [], "warm": []}
    for label, urls in pages:
        cells = []
        for mode in ("cold", "fresh", "warm"):
            timings = measure(client, urls, args.runs, mode)
            medians[mode].append(statistics.median(timings))
            cells.append(f"{statistics.median(timings):>14.1f}{percentile(timings, 0.95):>11.1f}")
        print(f"{label:<32}{''.join(cells)}")
    print()
    for mode, values in medians.items():
        print(
            f"{mode:>5}: median of the pages' medians {statistics.median(values):6.1f} ms, "
            f"worst page median {max(values):6.1f} ms"
        )
    print("target: median under 50 ms")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
