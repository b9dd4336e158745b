"""Ledger services: recording, the status workflow, soft deletion, evidence checks, hooks and key dates."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core.events import ActivitiesChanged, RecordsChanged, listening
from pufa.core.models import ActivityKind, AuditEntry, Domain
from pufa.ledger import services
from pufa.ledger.models import Activity, ActivityUnit, Evidence, KeyDate
from pufa.org.models import Membership
from tests.factories import RegionFactory, make_activity, make_plan, make_task, member_of
from tests.ledger.conftest import jpeg_bytes

Status = Activity.Status


def data_for(unit, **overrides) -> services.ActivityData:
    values = {
        "unit": unit,
        "title": "“美好生活·民法典相伴”进社区",
        "kind": ActivityKind.objects.get(code="ztjz"),
        "date": dt.date(2026, 5, 12),
        "people_onsite": 45,
        "domains": [Domain.objects.get(code="minfadian")],
    }
    values.update(overrides)
    return services.ActivityData(**values)


def entries(code: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(code=code).order_by("id"))


# ---------------------------------------------------------------- recording


def test_liaison_records_draft_with_co_organiser_and_audit(world, liaison):
    activity = services.activity_create(
        actor=liaison, data=data_for(world.committee_a, co_organisers=[world.judicial_office])
    )
    assert activity.status == Status.DRAFT and activity.recorded_by == liaison
    assert activity.place_region == world.community_a and activity.region_path == world.community_a.path
    rows = {(p.unit_id, p.is_organiser, p.unit_path, p.region_path, p.status) for p in activity.participants.all()}
    assert rows == {
        (world.committee_a.pk, True, world.committee_a.path, world.community_a.path, "draft"),
        (world.judicial_office.pk, False, world.judicial_office.path, world.street_a.path, "draft"),
    }
    (entry,) = entries("ledger.activity.create")
    assert entry.actor == liaison and entry.scope_path == world.community_a.path
    assert entry.changes["协办单位"] == [None, ["沱河街道司法所"]]
    assert entry.changes["title"][1] == "“美好生活·民法典相伴”进社区"


def test_record_and_submit_in_one_step(world, liaison):
    activity = services.activity_create(actor=liaison, data=data_for(world.committee_a), submit=True)
    assert activity.status == Status.SUBMITTED and activity.submitted_at is not None
    assert set(ActivityUnit.objects.values_list("status", flat=True)) == {"submitted"}


def test_future_activity_is_a_plan_and_cannot_be_submitted(world, liaison):
    plan = data_for(world.committee_a, date=dt.date(2026, 12, 4), title="国家宪法日集中宣传")
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=liaison, data=plan, submit=True)
    assert "date" in exc.value.message_dict
    draft = services.activity_create(actor=liaison, data=plan)
    with pytest.raises(ValidationError):
        services.activity_submit(actor=liaison, activity=draft)
    assert Activity.objects.get().status == Status.DRAFT


def test_liaison_records_only_for_own_unit(world, liaison, other_office):
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=liaison, data=data_for(world.committee_b))
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=other_office, data=data_for(world.committee_a))
    assert not Activity.objects.exists()


def test_office_records_for_units_of_its_region(world, office_user):
    activity = services.activity_create(actor=office_user, data=data_for(world.committee_b), submit=True)
    assert activity.unit == world.committee_b


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"end_date": dt.date(2026, 5, 1)}, "end_date"),
        ({"date": dt.date(1999, 12, 31)}, "date"),
        ({"people_onsite": -1}, "people_onsite"),
        ({"laws": "法" * 501}, "laws"),
    ],
)
def test_record_rules(world, liaison, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=liaison, data=data_for(world.committee_a, **overrides))
    assert field in exc.value.message_dict
    assert not Activity.objects.exists()


def test_co_organiser_rules(world, liaison):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=liaison, data=data_for(world.committee_a, co_organisers=[world.committee_a]))
    assert "不能包括组织单位本身" in exc.value.message_dict["co_organisers"][0]
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            actor=liaison, data=data_for(world.committee_a, co_organisers=[world.committee_b, world.committee_b])
        )
    assert "重复" in exc.value.message_dict["co_organisers"][0]


def test_retired_kind_is_refused_for_new_records(world, liaison):
    kind = ActivityKind.objects.get(code="xcl")
    kind.is_active = False
    kind.save()
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=liaison, data=data_for(world.committee_a, kind=kind))
    assert "已停用" in exc.value.message_dict["kind"][0]


def test_place_region_must_be_in_the_organisers_district(world, liaison):
    elsewhere = RegionFactory(name="外区", level="district")
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=liaison, data=data_for(world.committee_a, place_region=elsewhere))
    assert "place_region" in exc.value.message_dict
    inside = services.activity_create(actor=liaison, data=data_for(world.committee_a, place_region=world.street_b))
    assert inside.place_region == world.street_b


def test_only_visible_tasks_can_be_linked(world, liaison, other_office):
    own_plan = make_plan(world.office_unit)
    visible = make_task(own_plan, units={"responsible": [world.committee_a]})
    hidden = make_task(make_plan(world.other_office_unit), title="三八街道的任务")
    with pytest.raises(ValidationError) as exc:
        services.activity_create(actor=liaison, data=data_for(world.committee_a, tasks=[hidden]))
    assert "tasks" in exc.value.message_dict
    activity = services.activity_create(actor=liaison, data=data_for(world.committee_a, tasks=[visible]))
    assert list(activity.tasks.all()) == [visible]


# ---------------------------------------------------------------- editing and the workflow


def test_update_replaces_participants_and_audits_the_difference(world, liaison):
    activity = services.activity_create(
        actor=liaison, data=data_for(world.committee_a, co_organisers=[world.judicial_office])
    )
    services.activity_update(
        actor=liaison,
        activity=activity,
        data=data_for(world.committee_a, title="民法典宣讲（更正）", co_organisers=[world.committee_b]),
    )
    assert set(activity.participants.values_list("unit_id", flat=True)) == {world.committee_a.pk, world.committee_b.pk}
    (entry,) = entries("ledger.activity.update")
    assert entry.changes["title"] == ["“美好生活·民法典相伴”进社区", "民法典宣讲（更正）"]
    assert entry.changes["协办单位"] == [["沱河街道司法所"], ["桃园社区居委会"]]


def test_only_drafts_and_returned_records_can_be_edited(world, liaison, office_user):
    activity = make_activity(world.committee_a)  # submitted
    with pytest.raises(ValidationError) as exc:
        services.activity_update(actor=liaison, activity=activity, data=data_for(world.committee_a))
    assert "撤回" in exc.value.messages[0]
    services.activity_confirm(actor=office_user, activity=activity)
    with pytest.raises(ValidationError) as exc:
        services.activity_update(actor=liaison, activity=activity, data=data_for(world.committee_a))
    assert "已由法宣办确认" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.evidence_add(
            actor=liaison,
            activity=activity,
            upload=services.EvidenceUpload(file=io.BytesIO(jpeg_bytes()), name="a.jpg"),
        )


def test_co_organiser_sees_but_cannot_change(world, liaison, other_liaison):
    activity = services.activity_create(
        actor=liaison, data=data_for(world.committee_a, co_organisers=[world.committee_b])
    )
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=other_liaison, activity=activity, data=data_for(world.committee_a))
    with pytest.raises(PermissionDenied):
        services.activity_submit(actor=other_liaison, activity=activity)
    with pytest.raises(PermissionDenied):
        services.activity_delete(actor=other_liaison, activity=activity)


def test_full_workflow_submit_return_resubmit_confirm_reopen(world, liaison, office_user):
    activity = services.activity_create(actor=liaison, data=data_for(world.committee_a))
    services.activity_submit(actor=liaison, activity=activity)
    with pytest.raises(ValidationError) as exc:
        services.activity_return(actor=office_user, activity=activity, reason=" ")
    assert "reason" in exc.value.message_dict
    services.activity_return(actor=office_user, activity=activity, reason="受众人数与签到表不符")
    activity.refresh_from_db()
    assert activity.status == Status.RETURNED and activity.return_reason == "受众人数与签到表不符"
    assert not ActivityUnit.objects.counted().filter(activity=activity).exists()
    services.activity_update(actor=liaison, activity=activity, data=data_for(world.committee_a, people_onsite=38))
    services.activity_submit(actor=liaison, activity=activity)
    services.activity_confirm(actor=office_user, activity=activity)
    activity.refresh_from_db()
    assert activity.status == Status.CONFIRMED and activity.confirmed_by == office_user and activity.return_reason == ""
    with pytest.raises(ValidationError):
        services.activity_confirm(actor=office_user, activity=activity)
    services.activity_reopen(actor=office_user, activity=activity, reason="活动日期录错")
    activity.refresh_from_db()
    assert activity.status == Status.RETURNED and activity.confirmed_at is None
    assert set(ActivityUnit.objects.values_list("status", flat=True)) == {"returned"}
    trail = [
        (e.code, e.changes.get("status"), e.message)
        for e in AuditEntry.objects.filter(action="workflow").order_by("id")
    ]
    assert trail == [
        ("ledger.activity.submit", ["草稿", "已提交"], ""),
        ("ledger.activity.return", ["已提交", "已退回"], "退回：受众人数与签到表不符"),
        ("ledger.activity.submit", ["已退回", "已提交"], ""),
        ("ledger.activity.confirm", ["已提交", "已确认"], ""),
        ("ledger.activity.reopen", ["已确认", "已退回"], "重新打开：活动日期录错"),
    ]


def test_review_needs_the_office_of_the_organiser(world, liaison, inspector, other_office):
    activity = make_activity(world.committee_a)
    for actor in (liaison, inspector, other_office):
        with pytest.raises(PermissionDenied):
            services.activity_confirm(actor=actor, activity=activity)
        with pytest.raises(PermissionDenied):
            services.activity_return(actor=actor, activity=activity, reason="不行")
    assert Activity.objects.get().status == Status.SUBMITTED


def test_withdraw_before_confirmation(world, liaison, office_user):
    activity = make_activity(world.committee_a)
    services.activity_withdraw(actor=liaison, activity=activity)
    assert activity.status == Status.DRAFT
    services.activity_submit(actor=liaison, activity=activity)
    services.activity_confirm(actor=office_user, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_withdraw(actor=liaison, activity=activity)


def test_soft_delete_keeps_record_and_evidence(world, liaison, office_user):
    draft = services.activity_create(
        actor=liaison,
        data=data_for(world.committee_a),
        evidence=[services.EvidenceUpload(file=io.BytesIO(jpeg_bytes()), name="现场.jpg")],
    )
    stored = Path(settings.MEDIA_ROOT) / draft.evidence.get().file.name
    services.activity_delete(actor=liaison, activity=draft, reason="重复登记")
    assert not Activity.objects.filter(pk=draft.pk).exists()
    assert Activity.all_objects.get(pk=draft.pk).is_deleted
    assert Evidence.objects.filter(activity=draft).count() == 1 and stored.exists()
    assert ActivityUnit.objects.get(activity=draft).is_deleted
    (entry,) = entries("ledger.activity.delete")
    assert entry.message == "重复登记"
    confirmed = make_activity(world.committee_a, status="confirmed", title="已确认的活动")
    with pytest.raises(ValidationError):
        services.activity_delete(actor=liaison, activity=confirmed)
    services.activity_delete(actor=office_user, activity=confirmed, reason="单位撤销")
    assert Activity.all_objects.get(pk=confirmed.pk).is_deleted


def test_highlight_by_liaison_or_office(world, liaison, office_user, other_liaison):
    activity = make_activity(world.committee_a, status="confirmed")
    services.activity_set_highlight(actor=liaison, activity=activity, value=True)
    assert Activity.objects.get().is_highlight
    services.activity_set_highlight(actor=office_user, activity=activity, value=False)
    assert not Activity.objects.get().is_highlight
    with pytest.raises(PermissionDenied):
        services.activity_set_highlight(actor=other_liaison, activity=activity, value=True)
    assert [e.changes["is_highlight"] for e in entries("ledger.activity.highlight")] == [[False, True], [True, False]]


def test_confirm_many_skips_what_it_may_not_confirm(world, office_user, other_office):
    mine = [make_activity(world.committee_a, title=f"活动{i}") for i in range(3)]
    draft = make_activity(world.committee_b, status="draft", title="草稿")
    theirs = make_activity(world.other_office_unit, title="三八街道活动")
    done = services.activity_confirm_many(actor=office_user, activities=[*mine, draft, theirs])
    assert done == 3
    assert set(Activity.objects.filter(status="confirmed").values_list("title", flat=True)) == {
        "活动0",
        "活动1",
        "活动2",
    }


# ---------------------------------------------------------------- events


def test_events_get_every_unit_and_date_before_and_after_an_edit(world, liaison, office_user):
    seen: list[ActivitiesChanged] = []
    records: list[RecordsChanged] = []
    with listening(ActivitiesChanged, seen.append), listening(RecordsChanged, records.append):
        activity = services.activity_create(
            actor=liaison, data=data_for(world.committee_a, co_organisers=[world.judicial_office])
        )
        services.activity_update(
            actor=liaison,
            activity=activity,
            data=data_for(world.committee_a, date=dt.date(2026, 5, 20), co_organisers=[world.committee_b]),
        )
        services.activity_submit(actor=liaison, activity=activity)
        services.activity_confirm(actor=office_user, activity=activity)
    assert [e.name for e in seen] == ["created", "updated", "submitted", "confirmed"]
    update = seen[1]
    assert update.unit_ids == {world.committee_a.pk, world.judicial_office.pk, world.committee_b.pk}
    assert update.dates == {dt.date(2026, 5, 12), dt.date(2026, 5, 20)}
    assert update.activities[0].pk == activity.pk and update.actor == liaison
    assert [(r.source, r.unit_ids, r.dates) for r in records] == [("ledger", e.unit_ids, e.dates) for e in seen]
    assert records[3].unit_ids == {world.committee_a.pk, world.committee_b.pk}


def test_a_failing_listener_rolls_the_write_back(world, liaison):
    def refuse(event: RecordsChanged) -> None:
        raise ValidationError("下游拒绝")

    with listening(RecordsChanged, refuse), pytest.raises(ValidationError):
        services.activity_create(actor=liaison, data=data_for(world.committee_a))
    assert not Activity.objects.exists() and not AuditEntry.objects.filter(code__startswith="ledger").exists()


# ---------------------------------------------------------------- evidence


def upload(content: bytes, name: str, **kwargs) -> services.EvidenceUpload:
    return services.EvidenceUpload(file=io.BytesIO(content), name=name, **kwargs)


def test_photo_is_stored_under_a_random_name_with_a_thumbnail(world, liaison):
    activity = services.activity_create(actor=liaison, data=data_for(world.committee_a))
    evidence = services.evidence_add(
        actor=liaison, activity=activity, upload=upload(jpeg_bytes((1600, 1200)), "现场照片.jpg")
    )
    assert evidence.kind == Evidence.Kind.PHOTO and evidence.mime == "image/jpeg"
    assert evidence.file.name.startswith("ledger/evidence/2026/06/") and "现场" not in evidence.file.name
    assert evidence.file.name.endswith(".jpg") and evidence.original_name == "现场照片.jpg"
    from PIL import Image

    with Image.open(Path(settings.MEDIA_ROOT) / evidence.thumbnail.name) as thumb:
        assert max(thumb.size) == 480 and thumb.format == "JPEG"
    (entry,) = entries("ledger.evidence.add")
    assert entry.scope_path == world.community_a.path and "照片" in entry.message


def test_pdf_brief_is_accepted_as_brief(world, liaison):
    activity = services.activity_create(actor=liaison, data=data_for(world.committee_a))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    evidence = services.evidence_add(actor=liaison, activity=activity, upload=upload(pdf, "简报.pdf"))
    assert evidence.kind == Evidence.Kind.BRIEF and evidence.mime == "application/pdf" and not evidence.thumbnail


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "照片.jpg", "不允许上传"),
        (b"MZ\x90\x00\x03" + b"\x00" * 200 + b"PE\x00\x00", "签到表.pdf", "不允许上传"),
        (b"<html><script>alert(1)</script></html>", "简报.docx", "无法识别文件类型"),
        (jpeg_bytes()[:200], "截断.jpg", "不是完整有效的图片"),
        (b"", "空.jpg", "空文件"),
    ],
)
def test_bad_files_are_refused_by_content(world, liaison, content, name, message):
    activity = services.activity_create(actor=liaison, data=data_for(world.committee_a))
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(actor=liaison, activity=activity, upload=upload(content, name))
    assert message in exc.value.message_dict["files"][0] and name in exc.value.message_dict["files"][0]
    assert not Evidence.all_objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "ledger").exists()


def test_too_big_files_are_refused(world, liaison, settings):
    settings.PUFA_UPLOAD_MAX_MB = 1
    activity = services.activity_create(actor=liaison, data=data_for(world.committee_a))
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(actor=liaison, activity=activity, upload=upload(big, "大文件.pdf"))
    assert "超过 1 MB" in exc.value.message_dict["files"][0]


def test_one_bad_file_refuses_the_whole_record(world, liaison):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            actor=liaison,
            data=data_for(world.committee_a),
            evidence=[upload(jpeg_bytes(), "好.jpg"), upload(b"\x7fELF" + b"\x00" * 100, "坏.jpg")],
        )
    assert "坏.jpg" in exc.value.message_dict["files"][0]
    assert not Activity.objects.exists() and not Evidence.all_objects.exists()


def test_evidence_delete_is_soft(world, liaison):
    activity = services.activity_create(actor=liaison, data=data_for(world.committee_a))
    evidence = services.evidence_add(actor=liaison, activity=activity, upload=upload(jpeg_bytes(), "a.jpg"))
    services.evidence_delete(actor=liaison, evidence=evidence)
    assert not Evidence.objects.exists() and Evidence.all_objects.get().is_deleted
    assert (Path(settings.MEDIA_ROOT) / evidence.file.name).exists()
    assert "a.jpg" in entries("ledger.evidence.delete")[0].message


# ---------------------------------------------------------------- key dates


def test_office_adds_a_key_date_for_its_region(world, office_user):
    key_date = services.key_date_save(
        actor=office_user,
        data=services.KeyDateData(
            name="沱河街道法治文化节", month=9, day=20, end_month=9, end_day=26, region=world.street_a
        ),
    )
    assert key_date.label == "9.20–9.26" and key_date.span_in(2026) == (dt.date(2026, 9, 20), dt.date(2026, 9, 26))
    assert entries("ledger.keydate.create")[0].scope_path == world.street_a.path
    services.key_date_save(
        actor=office_user,
        key_date=key_date,
        data=services.KeyDateData(name="沱河街道法治文化节", month=9, day=20, region=world.street_a, is_active=False),
    )
    key_date.refresh_from_db()
    assert not key_date.is_active and not key_date.is_span
    assert entries("ledger.keydate.update")[0].changes["is_active"] == [True, False]


def test_key_date_permissions_and_rules(world, office_user, liaison, other_office):
    national = KeyDate.objects.get(name="国家宪法日")
    with pytest.raises(PermissionDenied):
        services.key_date_save(
            actor=office_user, key_date=national, data=services.KeyDateData(name="改名", month=12, day=4)
        )
    with pytest.raises(PermissionDenied):
        services.key_date_save(
            actor=liaison, data=services.KeyDateData(name="x", month=1, day=1, region=world.street_a)
        )
    with pytest.raises(PermissionDenied):
        services.key_date_save(
            actor=other_office, data=services.KeyDateData(name="x", month=1, day=1, region=world.street_a)
        )
    with pytest.raises(ValidationError) as exc:
        services.key_date_save(
            actor=office_user, data=services.KeyDateData(name="x", month=2, day=30, region=world.street_a)
        )
    assert "day" in exc.value.message_dict
    district_office = member_of(
        world.office_unit.__class__.objects.create(
            name="测试区法宣办", code="q-fxb", kind="office", region=world.district, path="/999/"
        ),
        Membership.Role.OFFICE,
        username="district_office",
    )
    services.key_date_save(
        actor=district_office,
        key_date=national,
        data=services.KeyDateData(name="国家宪法日", month=12, day=4, description="各单位集中宣传"),
    )
    assert KeyDate.objects.get(pk=national.pk).description == "各单位集中宣传"


def test_national_key_dates_are_preloaded(db):
    names = set(KeyDate.objects.filter(region=None).values_list("name", flat=True))
    assert {
        "国际劳动妇女节",
        "全民国家安全教育日",
        "民法典宣传月",
        "国际禁毒日",
        "安全生产月",
        "宪法宣传周",
        "国家宪法日",
    } <= names
    month = KeyDate.objects.get(name="民法典宣传月")
    assert month.label == "5月" and [d.code for d in month.domains.all()] == ["minfadian"]
    assert KeyDate.objects.get(name="宪法宣传周").label == "12.1–12.7"
