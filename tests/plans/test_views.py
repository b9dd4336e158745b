"""Pages of the plans app: the permission matrix (anonymous → login, outsider → 404, read-only → 403,
allowed → 200), HTMX partials, query counts, and the upload → review → save import."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from pufa.core.models import AuditEntry
from pufa.org.access import SYSTEM
from pufa.plans import services
from pufa.plans.models import Plan, PlanImportDraft, Target, Task, TaskUnit
from tests.factories import UnitFactory, make_plan, make_task

Role = TaskUnit.Role
SEED_000 = (
    Path(__file__).resolve().parents[2] / "src" / "pufa" / "plans" / "fixtures" / "seed_000_tuohe_action_plan.txt"
)


@pytest.fixture
def plan(world):
    return make_plan(world.office_unit, title="沱河街道普法工作要点")


@pytest.fixture
def task(world, plan):
    return make_task(
        plan,
        title="开展宪法宣传周活动",
        section="一、（一）1",
        path=["一、主要任务", "（一）学习宣传宪法"],
        deadline_kind=Task.DeadlineKind.DATE,
        deadline=dt.date(2026, 12, 4),
        units={Role.LEAD: [world.office_unit], Role.PARTICIPANT: [world.committee_a, world.committee_b]},
    )


# ---------------------------------------------------------------- permission matrix


def test_anonymous_is_sent_to_login(client, task):
    for url in [
        reverse("plans:plan-list"),
        reverse("plans:plan-detail", args=[task.plan_id]),
        reverse("plans:task-detail", args=[task.pk]),
        reverse("plans:my-tasks"),
        reverse("plans:plan-import"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_outsider_gets_404(client_for, other_office, task, test_metric):
    target = services.target_create(
        actor=SYSTEM, task=task, data=services.TargetData(metric="test.activity_count", threshold=1)
    )
    c = client_for(other_office)
    for url in [
        reverse("plans:plan-detail", args=[task.plan_id]),
        reverse("plans:plan-edit", args=[task.plan_id]),
        reverse("plans:task-detail", args=[task.pk]),
        reverse("plans:task-edit", args=[task.pk]),
        reverse("plans:target-create", args=[task.pk]),
        reverse("plans:target-edit", args=[target.pk]),
    ]:
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("plans:plan-delete", args=[task.plan_id])).status_code == 404
    assert c.post(reverse("plans:task-delete", args=[task.pk])).status_code == 404
    assert c.post(reverse("plans:target-delete", args=[target.pk])).status_code == 404
    assert Plan.objects.filter(pk=task.plan_id).exists() and Target.objects.filter(pk=target.pk).exists()


def test_liaison_reads_but_cannot_change(client_for, liaison, task, test_metric):
    target = services.target_create(
        actor=SYSTEM, task=task, data=services.TargetData(metric="test.activity_count", threshold=1)
    )
    c = client_for(liaison)
    assert c.get(reverse("plans:plan-list")).status_code == 200
    html = c.get(reverse("plans:plan-detail", args=[task.plan_id])).content.decode()
    assert "开展宪法宣传周活动" in html and "修改</a>" not in html
    assert c.get(reverse("plans:task-detail", args=[task.pk])).status_code == 200
    for url in [
        reverse("plans:plan-create"),
        reverse("plans:plan-edit", args=[task.plan_id]),
        reverse("plans:task-create", args=[task.plan_id]),
        reverse("plans:task-edit", args=[task.pk]),
        reverse("plans:target-create", args=[task.pk]),
        reverse("plans:target-edit", args=[target.pk]),
        reverse("plans:plan-import"),
    ]:
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("plans:plan-delete", args=[task.plan_id])).status_code == 403
    assert c.post(reverse("plans:task-delete", args=[task.pk])).status_code == 403
    assert c.post(reverse("plans:target-delete", args=[target.pk])).status_code == 403
    assert c.post(reverse("plans:plan-import"), {"text": "一、任务"}).status_code == 403
    assert Task.objects.filter(pk=task.pk).exists()


def test_office_pages_render(client_for, office_user, task):
    c = client_for(office_user)
    for url in [
        reverse("plans:plan-list"),
        reverse("plans:plan-create"),
        reverse("plans:plan-detail", args=[task.plan_id]),
        reverse("plans:plan-edit", args=[task.plan_id]),
        reverse("plans:task-create", args=[task.plan_id]),
        reverse("plans:task-detail", args=[task.pk]),
        reverse("plans:task-edit", args=[task.pk]),
        reverse("plans:target-create", args=[task.pk]),
        reverse("progress:my-tasks"),
        reverse("plans:plan-import"),
    ]:
        assert c.get(url).status_code == 200, url


# ---------------------------------------------------------------- plans and tasks


def test_plan_create_edit_delete(client_for, world, office_user):
    c = client_for(office_user)
    response = c.post(
        reverse("plans:plan-create"),
        {
            "title": "沱河街道2026年普法工作要点",
            "kind": "annual_points",
            "issuing_unit": world.office_unit.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
    )
    plan = Plan.objects.get(title="沱河街道2026年普法工作要点")
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan-detail", args=[plan.pk])
    response = c.post(
        reverse("plans:plan-edit", args=[plan.pk]),
        {
            "title": "沱河街道2026年普法依法治理工作要点",
            "kind": "annual_points",
            "issuing_unit": world.office_unit.pk,
            "period_start": "2026-01-01",
            "period_end": "2025-12-31",
        },
    )
    assert response.status_code == 200 and "结束日期不能早于开始日期。" in response.content.decode()
    c.post(reverse("plans:plan-delete", args=[plan.pk]))
    assert Plan.all_objects.get(pk=plan.pk).is_deleted


def test_office_cannot_issue_for_another_streets_unit(client_for, world, office_user):
    response = client_for(office_user).post(
        reverse("plans:plan-create"),
        {
            "title": "越界",
            "kind": "action",
            "issuing_unit": world.other_office_unit.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
    )
    assert response.status_code == 200 and not Plan.objects.filter(title="越界").exists()


def test_plan_outline_shows_sections_units_and_deadline(client_for, liaison, task):
    html = client_for(liaison).get(reverse("plans:plan-detail", args=[task.plan_id])).content.decode()
    assert html.index("一、主要任务") < html.index("（一）学习宣传宪法") < html.index("开展宪法宣传周活动")
    assert "沱河街道法治办" in html and "沱河社区居委会" in html
    assert "2026年12月4日前" in html


def test_task_edit_sets_units_and_maps_unresolved(client_for, world, office_user, task):
    task.unresolved_units = [{"name": "司法所", "role": "responsible"}, {"name": "团委", "role": "lead"}]
    task.save()
    response = client_for(office_user).post(
        reverse("plans:task-edit", args=[task.pk]),
        {
            "section": "一、（一）1",
            "title": "开展宪法宣传周活动",
            "deadline_kind": "recurring",
            "recurrence": "yearly",
            "deadline": "2026-12-04",
            "lead": [world.office_unit.pk],
            "participant": [world.committee_a.pk],
            "unresolved_0": str(world.judicial_office.pk),  # map 司法所 → 沱河街道司法所 (responsible)
            "unresolved_1": "drop",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert sorted(task.task_units.values_list("role", "unit__name")) == [
        ("lead", "沱河街道法治办"),
        ("participant", "沱河社区居委会"),
        ("responsible", "沱河街道司法所"),
    ]
    assert task.unresolved_units == [] and task.recurrence == "yearly"
    assert AuditEntry.objects.filter(code="plans.task.units", object_id=str(task.pk)).count() == 2


def test_task_create_from_outline(client_for, world, office_user, plan):
    response = client_for(office_user).post(
        reverse("plans:task-create", args=[plan.pk]),
        {
            "title": "每季度一堂法制课",
            "deadline_kind": "recurring",
            "recurrence": "quarterly",
            "lead": [world.committee_a.pk],
        },
    )
    task = Task.objects.get(title="每季度一堂法制课")
    assert response["Location"] == reverse("plans:task-detail", args=[task.pk])
    assert list(task.task_units.values_list("unit__name", flat=True)) == ["沱河社区居委会"]


def test_task_form_errors_are_chinese(client_for, office_user, task):
    response = client_for(office_user).post(
        reverse("plans:task-edit", args=[task.pk]), {"title": "x", "deadline_kind": "date"}
    )
    assert response.status_code == 200 and "请填写截止日期。" in response.content.decode()


def test_plan_list_htmx_rows_and_filter(client_for, world, office_user, plan):
    make_plan(world.office_unit, title="沱河街道行动方案", kind=Plan.Kind.ACTION)
    response = client_for(office_user).get(reverse("plans:plan-list"), {"kind": "action"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "沱河街道行动方案" in html and "沱河街道普法工作要点" not in html


def test_plan_list_query_count_is_flat(client_for, world, office_user, django_assert_max_num_queries):
    for i in range(30):
        make_plan(world.office_unit, title=f"要点{i}")
    c = client_for(office_user)
    with django_assert_max_num_queries(10):
        response = c.get(reverse("plans:plan-list"))
    assert response.content.decode().count("/plans/") >= 30


def test_plan_outline_query_count_is_flat(client_for, world, office_user, plan, django_assert_max_num_queries):
    for i in range(25):
        make_task(
            plan,
            title=f"任务{i}",
            path=["一、主要任务", f"（{i % 3}）小节"],
            units={Role.LEAD: [world.office_unit], Role.PARTICIPANT: [world.committee_a, world.committee_b]},
        )
    c = client_for(office_user)
    with django_assert_max_num_queries(14):
        response = c.get(reverse("plans:plan-detail", args=[plan.pk]))
    assert response.content.decode().count('data-testid="task"') == 25


def test_old_my_tasks_address_leads_to_the_page_progress_serves(client_for, liaison):
    response = client_for(liaison).get(reverse("plans:my-tasks"), {"role": "lead"})
    assert response.status_code == 302 and response["Location"] == reverse("progress:my-tasks") + "?role=lead"


# ---------------------------------------------------------------- target editor


def test_target_editor_htmx_shows_filters_of_chosen_metric(client_for, office_user, task, test_metric, roster_metric):
    c = client_for(office_user)
    url = reverse("plans:target-create", args=[task.pk])
    partial = c.get(url, {"metric": "test.activity_count"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "活动形式" in partial and "法治文化活动" in partial
    partial = c.get(url, {"metric": "test.roster"}, HTTP_HX_REQUEST="true").content.decode()
    assert "该指标没有筛选条件" in partial and "法治文化活动" not in partial


def test_target_create_and_edit_through_the_editor(client_for, world, office_user, task, test_metric):
    c = client_for(office_user)
    response = c.post(
        reverse("plans:target-create", args=[task.pk]),
        {
            "metric": "test.activity_count",
            "filter_kind": ["whhd"],
            "scope": "each_of_kind",
            "scope_kind": "community_committee",
            "period": "year",
            "threshold": "1",
            "measure": "次",
            "text": "每个社区每年组织开展1次以上基层法治文化活动",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(task=task)
    assert target.filters == {"kind": ["whhd"]} and target.scope_kind == "community_committee"
    html = c.get(reverse("plans:task-detail", args=[task.pk])).content.decode()
    assert (
        "测试活动次数" in html
        and "每个居委会/村委会" in html
        and reverse("plans:target-edit", args=[target.pk]) in html
    )
    edit = c.get(reverse("plans:target-edit", args=[target.pk])).content.decode()
    assert 'value="whhd" ' in edit and "checked" in edit
    response = c.post(
        reverse("plans:target-edit", args=[target.pk]),
        {"metric": "test.activity_count", "scope": "unit", "period": "by_date", "threshold": "2"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "请选择指定单位。" in html and "须填写截止日期" in html


def test_target_editor_without_metrics_says_so(client_for, office_user, task, empty_registry):
    html = client_for(office_user).get(reverse("plans:target-create", args=[task.pk])).content.decode()
    assert "尚未注册可用的指标" in html


# ---------------------------------------------------------------- import: upload → review → save


def _upload(c, world, **data):
    payload = {"issuing_unit": world.office_unit.pk, **data}
    return c.post(reverse("plans:plan-import"), payload)


def _review_data(proposal: dict, **overrides) -> dict:
    """What the review form posts when the office accepts every proposal as shown."""
    data = {
        "plan-title": proposal["title"],
        "plan-kind": proposal["kind"],
        "plan-issuing_unit": proposal["issuing_unit"],
        "plan-period_start": proposal["period_start"],
        "plan-period_end": proposal["period_end"],
    }
    for i, e in enumerate(proposal["tasks"]):
        p = f"t{i}-"
        data.update(
            {
                p + "keep": "on",
                p + "section": e["section"],
                p + "title": e["title"],
                p + "text": e["text"],
                p + "deadline_kind": e["deadline_kind"],
                p + "deadline": e["deadline"] or "",
                p + "recurrence": e["recurrence"],
                p + "deadline_text": e["deadline_text"],
                p + "domains": e["domains"],
                p + "audiences": e["audiences"],
            }
        )
        for role in ("lead", "participant", "responsible"):
            data[p + role] = e["units"][role]
        for j in range(len(e["unresolved"])):
            data[p + f"unresolved_{j}"] = ""
        for k in range(len(e["targets"])):
            data[p + f"target_{k}"] = "on"
    data.update(overrides)
    return data


def _token(response) -> str:
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def _draft(token: str) -> dict:
    return PlanImportDraft.objects.get(token=token).payload


def test_import_txt_review_correct_and_save(client_for, world, office_user, no_ledger_metric):
    c = client_for(office_user)
    response = _upload(c, world, file=SimpleUploadedFile("法润社区.txt", SEED_000.read_bytes()))
    assert response.status_code == 302
    token = _token(response)
    assert not Plan.objects.exists()  # nothing is saved before the review
    html = c.get(response["Location"]).content.decode()
    assert "沱河街道“法润社区”行动实施方案" in html
    assert "“宣传办”（牵头）" in html and "未匹配的单位名称" in html  # the test district has no 宣传办: shown in red
    assert "未注册可用指标，量化指标未保存" in html
    assert "“法治办” → <span" in html and "沱河街道法治办</span>（别名）" in html
    proposal = _draft(token)
    first = proposal["tasks"][0]
    unresolved = [u["name"] for u in first["unresolved"]]
    assert "宣传办" in unresolved and "街道各部门" not in unresolved  # 司法所 is a department here
    # the office maps 宣传办 to the judicial office and drops the last task
    data = _review_data(proposal)
    data[f"t0-unresolved_{unresolved.index('宣传办')}"] = str(world.judicial_office.pk)
    data["t13-keep"] = ""
    data["confirm_past"] = "1"  # the 2022—2025 plan is imported in 2026 (see test_past_plan_asks_for_confirmation)
    response = c.post(reverse("plans:plan-import-review", args=[token]), data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan-detail", args=[plan.pk])
    tasks = list(plan.tasks.order_by("order"))
    assert len(tasks) == 13
    first_task = tasks[0]
    assert set(first_task.task_units.filter(role="lead").values_list("unit__name", flat=True)) == {
        "沱河街道法治办",
        "沱河街道司法所",
    }
    assert first_task.task_units.get(role="lead", unit=world.judicial_office).written_name in {"司法所", "宣传办"}
    assert set(first_task.task_units.filter(role="participant").values_list("unit__name", flat=True)) >= {
        "沱河社区居委会",
        "桃园社区居委会",
    }
    assert {"name": "宣传办", "role": "lead"} not in first_task.unresolved_units
    assert AuditEntry.objects.filter(code="plans.plan.import", actor=office_user).count() == 1
    assert not PlanImportDraft.objects.filter(token=token).exists()
    page = c.get(response["Location"]).content.decode()
    assert "二、工作措施" in page and "（一）明确社区普法重点内容" in page and "（未匹配）" in page


def test_review_errors_keep_corrections_and_save_nothing(client_for, world, office_user):
    c = client_for(office_user)
    token = _token(_upload(c, world, text=SEED_000.read_text(encoding="utf-8")))
    proposal = _draft(token)
    data = _review_data(proposal, **{"plan-title": "改过的标题", "t2-deadline_kind": "date", "t2-deadline": ""})
    response = c.post(reverse("plans:plan-import-review", args=[token]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "请填写截止日期。" in html and "有 1 处需要改正" in html
    assert 'value="改过的标题"' in html  # the office's correction survives the error
    assert not Plan.objects.exists() and not Task.objects.exists()


def test_review_save_error_from_service_is_shown(client_for, world, office_user):
    c = client_for(office_user)
    token = _token(_upload(c, world, text=SEED_000.read_text(encoding="utf-8")))
    proposal = _draft(token)
    district_office = UnitFactory(name="测试区法宣办", kind="office", region=world.district, code="d-fxb")
    action = make_plan(district_office, kind=Plan.Kind.ACTION, title="区行动方案")
    data = _review_data(proposal, **{"plan-parent": action.pk, "confirm_past": "1"})  # an action plan cannot
    # parent an action plan
    response = c.post(reverse("plans:plan-import-review", args=[token]), data)
    assert response.status_code == 200 and "不能作为" in response.content.decode()
    assert Plan.objects.count() == 1


def test_import_docx_upload(client_for, world, office_user):
    document = Document()
    for line in SEED_000.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    c = client_for(office_user)
    response = _upload(c, world, file=SimpleUploadedFile("法润社区.docx", buffer.getvalue()))
    assert response.status_code == 302
    proposal = _draft(_token(response))
    assert len(proposal["tasks"]) == 14 and proposal["source_name"] == "法润社区.docx"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("空文件.txt", b"", "文件为空，没有可导入的内容"),
        ("假的.docx", b"not a word file", "无法读取文件：不是有效的 Word 文档"),
        ("表格.xlsx", b"PK\x03\x04", "不支持的文件类型"),
        ("通知.txt", "各位同事：请于周五前报送材料。".encode(), "未识别到任务"),
    ],
)
def test_import_rejects_bad_files_in_chinese(client_for, world, office_user, name, content, message):
    c = client_for(office_user)
    response = _upload(c, world, file=SimpleUploadedFile(name, content))
    assert response.status_code == 200 and message in response.content.decode()
    assert not PlanImportDraft.objects.exists() and not Plan.objects.exists()


def test_import_needs_file_or_text_not_both(client_for, world, office_user):
    c = client_for(office_user)
    html = _upload(c, world).content.decode()
    assert "请上传规划文件，或粘贴规划全文。" in html
    html = _upload(c, world, text="一、任务", file=SimpleUploadedFile("a.txt", b"x")).content.decode()
    assert "二者选一" in html


def test_import_review_with_unknown_token_goes_back(client_for, office_user):
    response = client_for(office_user).get(reverse("plans:plan-import-review", args=["nope"]))
    assert response.status_code == 302 and response["Location"] == reverse("plans:plan-import")


def test_import_cannot_use_a_unit_outside_the_region(client_for, world, office_user):
    response = client_for(office_user).post(
        reverse("plans:plan-import"), {"issuing_unit": world.other_office_unit.pk, "text": SEED_000.read_text()}
    )
    assert response.status_code == 200 and not PlanImportDraft.objects.exists()


def _long_plan(n: int) -> str:
    lines = ["沱河街道2026年普法工作要点", "一、重点任务"]
    lines += [f"{i}．开展第{i}项普法宣传活动。牵头单位：法治办" for i in range(1, n + 1)]
    return "\n".join(lines)


def test_long_review_is_paged_and_keeps_edits_across_pages(client_for, world, office_user):
    c = client_for(office_user)
    response = _upload(c, world, text=_long_plan(25))
    url = response["Location"]
    token = _token(response)
    html = c.get(url).content.decode()
    assert html.count('data-testid="review-task"') == 20 and "第 1/2 页" in html
    # page 1: rename task 4 and untick task 2, then go to page 2
    stored = _draft(token)["data"]
    page1 = {
        k: v for k, v in stored.items() if k != "t1-keep" and not k.startswith(("t20-", "t21-", "t22-", "t23-", "t24-"))
    }
    page1.update({"t3-title": "改过的第4项", "page": "1", "go": "2"})
    response = c.post(url, page1)
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    html = c.get(response["Location"]).content.decode()
    assert html.count('data-testid="review-task"') == 5 and "开展第25项普法宣传活动" in html
    # page 2 with an error on task 23: the page comes back with the message, nothing saved
    stored = _draft(token)["data"]
    page2 = {k: v for k, v in stored.items() if k.startswith(("plan-", "t20-", "t21-", "t22-", "t23-", "t24-"))}
    response = c.post(url, {**page2, "t22-deadline_kind": "date", "t22-deadline": "", "page": "2", "go": "save"})
    html = response.content.decode()
    assert response.status_code == 200 and "请填写截止日期。" in html and not Plan.objects.exists()
    assert "第 2/2 页" in html
    response = c.post(url, {**page2, "page": "2", "go": "save"})
    assert response.status_code == 302
    titles = list(Plan.objects.get().tasks.order_by("order").values_list("title", flat=True))
    assert len(titles) == 24 and titles[2] == "改过的第4项" and "开展第2项普法宣传活动" not in titles
    assert not PlanImportDraft.objects.filter(token=token).exists()


def test_review_error_on_another_page_is_shown(client_for, world, office_user):
    c = client_for(office_user)
    response = _upload(c, world, text=_long_plan(25))
    url, token = response["Location"], _token(response)
    stored = _draft(token)["data"]
    page1 = {k: v for k, v in stored.items() if not k.startswith(tuple(f"t{i}-" for i in range(20, 25)))}
    c.post(url, {**page1, "t5-title": "", "page": "1", "go": "2"})
    page2 = {k: v for k, v in stored.items() if k.startswith(("plan-", "t20-", "t21-", "t22-", "t23-", "t24-"))}
    html = c.post(url, {**page2, "page": "2", "go": "save"}).content.decode()
    assert "第 1/2 页" in html and "请填写任务标题。" in html and not Plan.objects.exists()


def test_import_and_create_default_to_the_offices_own_unit(client_for, world, office_user):
    # 沱河街道党政办 sorts before 沱河街道法治办 by pinyin; the office's own unit must still be the default.
    UnitFactory(name="沱河街道党政办", kind="department", region=world.street_a, code="tuohe-dzb")
    c = client_for(office_user)
    for url in (reverse("plans:plan-import"), reverse("plans:plan-create")):
        html = c.get(url).content.decode()
        assert f'<option value="{world.office_unit.pk}" selected>沱河街道法治办</option>' in html, url
