"""Importing a ledger .xlsx: all or nothing, with every row's Chinese error; name resolution; one audit entry;
the export read back in."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pufa.core.events import ActivitiesChanged, RecordsChanged, listening
from pufa.core.models import AuditEntry
from pufa.ledger import importers
from pufa.ledger.exports import HEADERS
from pufa.ledger.models import Activity, ActivityUnit
from tests import hostile
from tests.factories import make_activity, make_plan, make_task
from tests.ledger.test_participation_keys import assert_copies_match_the_links

HEAD = HEADERS[:17]


def sheet(rows: list[list], header: list[str] | None = None, title: str = "工作台账") -> io.BytesIO:
    workbook = Workbook()
    ws = workbook.active
    ws.title = title
    ws.append(header or HEAD)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def row(**values) -> list:
    base = {
        "序号": 1,
        "活动日期": dt.date(2026, 3, 15),
        "活动名称": "消费者权益日集中宣传",
        "活动形式": "集中宣传",
        "组织单位": "沱河社区居委会",
        "现场受众（人次）": 80,
        "发放资料（份）": 200,
    }
    base.update(values)
    return [base.get(h, "") for h in HEAD]


def test_valid_file_imports_every_row_with_one_audit_entry(world, office_user):
    task = make_task(make_plan(world.office_unit), title="开展“3·15”宣传", units={"responsible": [world.committee_a]})
    events: list[ActivitiesChanged] = []
    with listening(ActivitiesChanged, events.append):
        result = importers.activity_import(
            actor=office_user,
            file=sheet(
                [
                    row(
                        协办单位="沱河街道司法所、桃园社区居委会",
                        普法领域="市场监管与食品药品安全、民法典",
                        计入任务=str(task),
                    ),
                    row(
                        活动日期="2026年4月15日",
                        活动名称="国家安全教育日宣讲",
                        活动形式="专题讲座/法治课",
                        普法对象="青少年",
                    ),
                    row(
                        活动日期="2026/5/20",
                        活动名称="民法典宣传月",
                        组织单位="tuohe-taoyuan",
                        典型做法="是",
                        **{"现场受众（人次）": "1,200"},
                    ),
                ]
            ),
        )
    assert result.ok, result.errors
    assert result.created == 3
    first = Activity.objects.get(title="消费者权益日集中宣传")
    assert first.status == "submitted" and first.recorded_by == office_user and first.submitted_at is not None
    assert set(ActivityUnit.objects.filter(activity=first).values_list("unit__name", "is_organiser")) == {
        ("沱河社区居委会", True),
        ("沱河街道司法所", False),
        ("桃园社区居委会", False),
    }
    assert set(first.domains.values_list("code", flat=True)) == {"scjg-sp", "minfadian"}
    assert_copies_match_the_links()  # the bulk path writes the copies the office's filters read
    assert list(first.tasks.all()) == [task] and first.place_region == world.community_a
    second = Activity.objects.get(title="国家安全教育日宣讲")
    assert second.date == dt.date(2026, 4, 15) and second.kind.code == "ztjz"
    third = Activity.objects.get(title="民法典宣传月")
    assert third.unit == world.committee_b and third.people_onsite == 1200 and third.is_highlight
    (entry,) = AuditEntry.objects.filter(code="ledger.activity.import")
    assert entry.action == "import" and entry.message == "导入工作台账 3 条（已提交）"
    assert entry.scope_path == world.street_a.path
    assert not AuditEntry.objects.filter(code="ledger.activity.create").exists()
    (event,) = events
    assert event.name == "imported" and len(event.activities) == 3
    assert event.unit_ids == {world.committee_a.pk, world.committee_b.pk, world.judicial_office.pk}
    assert event.dates == {dt.date(2026, 3, 15), dt.date(2026, 4, 15), dt.date(2026, 5, 20)}


def test_any_error_rejects_the_whole_file_with_every_rows_error(world, liaison):
    make_activity(world.committee_a, title="已经登记过的活动", date=dt.date(2026, 2, 1))
    before = (Activity.all_objects.count(), ActivityUnit.objects.count(), AuditEntry.objects.count())
    result = importers.activity_import(
        actor=liaison,
        file=sheet(
            [
                row(),
                row(活动日期="三月中旬", 活动形式="跳广场舞"),
                row(组织单位="桃园社区居委会"),
                row(组织单位="不存在的单位", **{"现场受众（人次）": "很多"}),
                row(活动名称=""),
                row(活动日期=dt.date(2026, 9, 1), 活动名称="还没举行的活动"),
                row(普法领域="宪法、天文学", 协办单位="沱河社区居委会"),
                row(),
                row(活动日期=dt.date(2026, 2, 1), 活动名称="已经登记过的活动"),
                row(典型做法="也许", 所在区划="火星"),
            ]
        ),
    )
    assert not result.ok and result.created == 0
    assert result.errors == [
        "第3行：活动日期“三月中旬”无法识别，请写成2025-03-15或设为日期格式；活动形式“跳广场舞”不存在。",
        "第4行：您无权为“桃园社区居委会”登记台账。",
        "第5行：组织单位“不存在的单位”不存在；“现场受众（人次）”应为整数，不是“很多”。",
        "第6行：“活动名称”不能为空。",
        "第7行：活动日期在今天之后，不能作为已开展的活动导入（可选择导入为草稿）。",
        "第8行：普法领域“天文学”不存在；协办单位不能包括组织单位本身。",
        "第9行：与第2行重复（同一单位、同一日期、同一活动名称）。",
        "第10行：台账中已有同一单位同日同名的活动（记录编号1），请勿重复登记。".replace(
            "记录编号1", f"记录编号{Activity.objects.get(title='已经登记过的活动').pk}"
        ),
        "第11行：所在区划“火星”不存在；“典型做法”应填“是”或留空，不是“也许”。",
    ]
    assert (Activity.all_objects.count(), ActivityUnit.objects.count(), AuditEntry.objects.count()) == before


def test_future_rows_may_be_imported_as_plans(world, liaison):
    result = importers.activity_import(
        actor=liaison, file=sheet([row(活动日期=dt.date(2026, 12, 4), 活动名称="宪法日计划")]), status="draft"
    )
    assert result.ok and Activity.objects.get().status == "draft"


def test_only_reviewers_import_as_confirmed(world, liaison, office_user):
    refused = importers.activity_import(actor=liaison, file=sheet([row()]), status="confirmed")
    assert refused.errors == ["第2行：您无权确认“沱河社区居委会”的台账。"]
    accepted = importers.activity_import(actor=office_user, file=sheet([row()]), status="confirmed")
    activity = Activity.objects.get()
    assert accepted.ok and activity.status == "confirmed" and activity.confirmed_by == office_user


def test_header_aliases_and_column_order(world, liaison):
    header = ["单位", "日期", "活动主题", "形式", "人数", "备注"]
    result = importers.activity_import(
        actor=liaison,
        file=sheet([["沱河社区居委会", "2026-03-08", "妇女节维权宣传", "法律咨询", 35, "现场解答18人"]], header=header),
    )
    assert result.ok, result.errors
    activity = Activity.objects.get()
    assert (activity.title, activity.people_onsite, activity.description, activity.kind.code) == (
        "妇女节维权宣传",
        35,
        "现场解答18人",
        "flzx",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "无法读取文件"),
        (sheet([], header=["名称", "地点"]).getvalue(), "第1行（表头）缺少列：活动日期、活动形式、组织单位"),
        (sheet([]).getvalue(), "文件中没有台账数据"),
    ],
)
def test_unreadable_or_empty_files(world, liaison, content, message):
    result = importers.activity_import(actor=liaison, file=io.BytesIO(content))
    assert len(result.errors) == 1 and message in result.errors[0]


def test_export_then_import_refuses_duplicates(client_for, world, office_user):
    make_activity(world.committee_a, title="导出再导入", co_organisers=[world.committee_b])
    exported = client_for(office_user).get(reverse("ledger:activity-export")).streaming_content
    result = importers.activity_import(actor=office_user, file=io.BytesIO(b"".join(exported)))
    assert len(result.errors) == 1 and "台账中已有同一单位同日同名的活动" in result.errors[0]
    Activity.objects.all().delete()
    exported_again = io.BytesIO(
        b"".join(client_for(office_user).get(reverse("ledger:activity-export")).streaming_content)
    )
    assert "没有台账数据" in importers.activity_import(actor=office_user, file=exported_again).errors[0]


def test_exported_file_round_trips_into_an_empty_ledger(client_for, world, office_user):
    original = make_activity(
        world.committee_a, title="往返测试", co_organisers=[world.judicial_office], domains=["xianfa", "minfadian"]
    )
    content = b"".join(client_for(office_user).get(reverse("ledger:activity-export")).streaming_content)
    Activity.objects.filter(pk=original.pk).delete()
    result = importers.activity_import(actor=office_user, file=io.BytesIO(content))
    assert result.ok, result.errors
    copy = Activity.objects.get()
    assert (copy.title, copy.date, copy.unit, copy.kind, copy.people_onsite, copy.materials) == (
        original.title,
        original.date,
        original.unit,
        original.kind,
        original.people_onsite,
        original.materials,
    )
    assert [u.name for u in copy.co_organisers] == ["沱河街道司法所"]
    assert set(copy.domains.values_list("code", flat=True)) == {"xianfa", "minfadian"}


def test_import_page_lists_errors_and_saves_nothing(client_for, world, liaison):
    c = client_for(liaison)
    page = c.get(reverse("ledger:activity-import")).content.decode()
    assert "已确认（法宣办导入）" not in page
    bad = sheet([row(), row(活动形式="不知道")])
    bad.name = "台账.xlsx"
    response = c.post(reverse("ledger:activity-import"), {"file": bad, "status": "submitted"})
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "文件未导入，请改正以下 1 处错误" in html
        and "第3行：活动形式“不知道”不存在" in html
    )
    assert not Activity.objects.exists()
    good = sheet([row()])
    good.name = "台账.xlsx"
    response = c.post(reverse("ledger:activity-import"), {"file": good, "status": "submitted"})
    assert response.status_code == 302 and Activity.objects.count() == 1


def test_import_template_downloads_and_imports(client_for, world, liaison):
    response = client_for(liaison).get(reverse("ledger:activity-import-template"))
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    assert [c.value for c in workbook["工作台账"][1]] == HEAD
    assert "专题讲座/法治课" in workbook["填写说明"]["B2"].value
    result = importers.activity_import(actor=liaison, file=io.BytesIO(content))
    assert result.ok and Activity.objects.get().unit == world.committee_a


def test_an_import_is_announced_once_with_every_unit_and_date(world, office_user):
    events: list[ActivitiesChanged] = []
    records: list[RecordsChanged] = []
    with listening(ActivitiesChanged, events.append), listening(RecordsChanged, records.append):
        result = importers.activity_import(
            actor=office_user,
            file=sheet(
                [
                    row(活动名称="a", 组织单位="沱河社区居委会", 协办单位="沱河街道司法所"),
                    row(活动名称="b", 组织单位="桃园社区居委会", 活动日期=dt.date(2024, 4, 2)),
                    row(活动名称="c", 组织单位="沱河街道法治办"),
                ]
            ),
        )
    assert result.ok and len(events) == 1 and events[0].name == "imported"
    assert sorted(a.title for a in events[0].activities) == ["a", "b", "c"]
    assert events[0].unit_ids == {
        world.committee_a.pk,
        world.judicial_office.pk,
        world.committee_b.pk,
        world.office_unit.pk,
    }
    assert events[0].dates == {a.date for a in result.activities}
    assert dt.date(2024, 4, 2) in events[0].dates
    # …and once for the metrics the ledger registers, with the same units and dates.
    assert len(records) == 1 and records[0].source == "ledger"
    assert records[0].metrics == {"ledger.activity_count", "ledger.people_reached", "ledger.materials"}
    assert (records[0].unit_ids, records[0].dates) == (events[0].unit_ids, events[0].dates)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (hostile.column_bomb("ZZZZZ"), "超过 100 列"),
        (hostile.xlsx('<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'), "XML 格式错误"),
        (hostile.xlsx('<sheetData><row r="20002"><c r="A20002"><v>1</v></c></row></sheetData>'), "超过 20,000 行"),
    ],
)
def test_hostile_files_get_a_chinese_error_not_a_500(client_for, world, liaison, data, message):
    upload = SimpleUploadedFile("台账.xlsx", data)
    response = client_for(liaison).post(reverse("ledger:activity-import"), {"file": upload, "status": "submitted"})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Activity.objects.exists()
