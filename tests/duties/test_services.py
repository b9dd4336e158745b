"""Services of the responsibility lists: each rule, each permission, each audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core.models import ActivityKind, Audience, AuditEntry, Domain, Notification
from pufa.duties import selectors, services
from pufa.duties.models import DutyItem, DutyList, DutyTemplate, Law, PlannedActivity
from pufa.org.access import SYSTEM
from pufa.org.models import Membership, Unit
from tests.factories import UnitFactory, duty_list, law, member_of

Status = DutyList.Status


def _item(**kwargs) -> services.ItemData:
    kwargs.setdefault("content", "宣传《道路交通安全法》")
    kwargs.setdefault("audiences", [Audience.objects.get(code="sqjm")])
    return services.ItemData(**kwargs)


def _planned(year: int = 2026, **kwargs) -> services.PlannedData:
    kwargs.setdefault("content", "“12·4”国家宪法日集中宣传")
    kwargs.setdefault("kind", ActivityKind.objects.get(code="jzxc"))
    kwargs.setdefault("start", dt.date(year, 12, 1))
    kwargs.setdefault("end", dt.date(year, 12, 7))
    kwargs.setdefault("audiences", [Audience.objects.get(code="sqjm")])
    return services.PlannedData(**kwargs)


def _entries(obj, code: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_id=str(obj.pk), code=code))


# ---------------------------------------------------------------- laws


def test_law_create_is_audited_and_names_unique(world, liaison):
    created = services.law_create(
        actor=liaison, data=services.LawData(name="《中华人民共和国反家庭暴力法》", effective_on=dt.date(2016, 3, 1))
    )
    assert created.name == "中华人民共和国反家庭暴力法" and created.pinyin.startswith("zhong hua")
    assert _entries(created, "duties.law.create")[0].actor == liaison
    with pytest.raises(ValidationError) as exc:
        services.law_create(actor=liaison, data=services.LawData(name="中华人民共和国反家庭暴力法"))
    assert "已有" in exc.value.message_dict["name"][0]


def test_law_dates_must_be_in_order(world, office_user):
    data = services.LawData(name="某条例", promulgated_on=dt.date(2020, 5, 1), effective_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.law_create(actor=office_user, data=data)
    assert "effective_on" in exc.value.message_dict


def test_law_update_needs_an_office(world, liaison, office_user, inspector):
    civil = law()
    data = services.LawData(name=civil.name, issuer="全国人民代表大会")
    with pytest.raises(PermissionDenied):
        services.law_update(actor=liaison, law=civil, data=data)
    with pytest.raises(PermissionDenied):
        services.law_create(actor=inspector, data=services.LawData(name="某法"))
    services.law_update(actor=office_user, law=civil, data=data)
    entry = _entries(civil, "duties.law.update")[0]
    assert entry.changes["issuer"] == ["", "全国人民代表大会"]


# ---------------------------------------------------------------- starting a list


def test_start_empty_list_is_a_draft_and_audited(world, liaison):
    dl = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    assert dl.status == Status.DRAFT and dl.title == "沱河社区居委会2026年度普法责任清单"
    assert _entries(dl, "duties.list.create")[0].action == "create"


def test_one_list_per_unit_and_year(world, liaison):
    services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    with pytest.raises(ValidationError) as exc:
        services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    assert "已有2026年度" in exc.value.message_dict["year"][0]


def test_year_must_be_sensible(world, liaison):
    with pytest.raises(ValidationError):
        services.duty_list_start(actor=liaison, unit=world.committee_a, year=1999)
    with pytest.raises(ValidationError):
        services.duty_list_start(actor=liaison, unit=world.committee_a, year=2030)


def test_liaison_cannot_start_a_list_for_another_unit(world, liaison, inspector, other_office):
    for actor in (liaison, inspector, other_office):
        with pytest.raises(PermissionDenied):
            services.duty_list_start(actor=actor, unit=world.committee_b, year=2026)


def test_office_may_start_a_list_for_a_unit_of_its_region(world, office_user):
    dl = services.duty_list_start(actor=office_user, unit=world.committee_b, year=2026)
    assert dl.unit == world.committee_b


def test_start_from_last_year_copies_items_laws_and_shifts_activities(world, liaison):
    old = duty_list(
        world.committee_a, year=2025, status="published", start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 31)
    )
    old_item = old.items.get()
    new = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026, source=old)
    item = new.items.get()
    assert item.pk != old_item.pk and item.content == old_item.content
    assert list(item.audiences.all()) == list(old_item.audiences.all())
    assert item.responsible_person == "张明" and item.internal_note == ""
    assert [law.name for law in new.laws.all()] == ["中华人民共和国民法典"]
    planned = new.planned_activities.get()
    assert (planned.start, planned.end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert planned.item == item and planned.activity is None
    assert new.source == old and new.status == Status.DRAFT
    assert "沿用2025年度清单" in _entries(new, "duties.list.create")[0].message


def test_start_from_another_units_list_is_refused(world, liaison, office_user):
    other = duty_list(world.committee_b, year=2025)
    with pytest.raises(ValidationError) as exc:
        services.duty_list_start(actor=office_user, unit=world.committee_a, year=2026, source=other)
    assert "source" in exc.value.message_dict


def test_shift_year_handles_29_february(world, office_user):
    old = duty_list(world.committee_a, year=2024, start=dt.date(2024, 2, 29), end=dt.date(2024, 2, 29))
    new = services.duty_list_start(actor=office_user, unit=world.committee_a, year=2025, source=old)
    assert new.planned_activities.get().start == dt.date(2025, 2, 28)


def _issued_template(world, office_user, kind=Unit.Kind.COMMUNITY_COMMITTEE) -> DutyTemplate:
    template = services.duty_template_create(
        actor=office_user, issuing_unit=world.office_unit, unit_kind=kind, title="社区普法责任清单模板", laws=[law()]
    )
    services.duty_template_item_add(
        actor=office_user,
        template=template,
        data=_item(
            content="宣传《反家庭暴力法》", responsible_section="妇联", domains=[Domain.objects.get(code="fnet-hyjt")]
        ),
    )
    return services.duty_template_issue(actor=office_user, template=template)


def test_template_is_issued_and_used_by_a_unit_of_its_kind(world, office_user, liaison):
    template = _issued_template(world, office_user)
    assert template.status == DutyTemplate.Status.ISSUED
    assert AuditEntry.objects.filter(code="duties.template.issue", object_id=str(template.pk)).exists()
    assert list(selectors.templates_for_unit(actor=liaison, unit=world.committee_a)) == [template]
    dl = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026, template=template)
    item = dl.items.get()
    assert item.content == "宣传《反家庭暴力法》" and item.responsible_section == "妇联"
    assert [d.code for d in item.domains.all()] == ["fnet-hyjt"]
    assert dl.laws.count() == 1


def test_template_of_another_kind_or_region_is_refused(world, office_user, other_office, liaison):
    school_template = _issued_template(world, office_user, kind=Unit.Kind.SCHOOL)
    with pytest.raises(ValidationError) as exc:
        services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026, template=school_template)
    assert "类型不符" in exc.value.message_dict["template"][0]
    other_unit = UnitFactory(name="三八社区居委会", kind=Unit.Kind.COMMUNITY_COMMITTEE, region=world.street_b)
    with pytest.raises(ValidationError):
        services.duty_list_start(
            actor=other_office, unit=other_unit, year=2026, template=_issued_template(world, office_user)
        )


def test_template_draft_only_editable_and_not_issued_empty(world, office_user, liaison):
    template = services.duty_template_create(
        actor=office_user, issuing_unit=world.office_unit, unit_kind=Unit.Kind.SCHOOL, title="学校模板"
    )
    with pytest.raises(ValidationError):
        services.duty_template_issue(actor=office_user, template=template)
    with pytest.raises(PermissionDenied):
        services.duty_template_item_add(actor=liaison, template=template, data=_item())
    services.duty_template_item_add(actor=office_user, template=template, data=_item())
    services.duty_template_issue(actor=office_user, template=template)
    with pytest.raises(ValidationError):
        services.duty_template_item_add(actor=office_user, template=template, data=_item())
    with pytest.raises(ValidationError):
        services.duty_template_item_remove(actor=office_user, item=template.items.get())


# ---------------------------------------------------------------- items and announced activities


def test_item_create_update_delete_are_audited(world, liaison):
    dl = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    item = services.duty_item_create(actor=liaison, duty_list=dl, data=_item(responsible_phone="138-0557-1003"))
    assert item.order == 1 and _entries(item, "duties.item.create")
    second = services.duty_item_create(actor=liaison, duty_list=dl, data=_item(content="宣传《反电信网络诈骗法》"))
    assert second.order == 2
    services.duty_item_update(
        actor=liaison, item=item, data=_item(content="宣传《道路交通安全法》和《治安管理处罚法》")
    )
    assert _entries(item, "duties.item.update")[0].changes["content"][1].endswith("《治安管理处罚法》")
    services.duty_item_delete(actor=liaison, item=second)
    assert list(dl.items.all()) == [item]
    assert DutyItem.all_objects.filter(pk=second.pk, deleted_at__isnull=False).exists()
    assert _entries(second, "duties.item.delete")


def test_item_rules(world, liaison):
    dl = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    with pytest.raises(ValidationError) as exc:
        services.duty_item_create(actor=liaison, duty_list=dl, data=_item(content=" "))
    assert "content" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.duty_item_create(actor=liaison, duty_list=dl, data=_item(responsible_phone="打电话"))
    assert "responsible_phone" in exc.value.message_dict


def test_other_liaison_and_inspector_cannot_edit(world, liaison, other_liaison, inspector):
    dl = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    for actor in (other_liaison, inspector):
        with pytest.raises(PermissionDenied):
            services.duty_item_create(actor=actor, duty_list=dl, data=_item())
        with pytest.raises(PermissionDenied):
            services.duty_list_update(actor=actor, duty_list=dl, summary="x", laws=[])


def test_planned_activity_rules(world, liaison):
    dl = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    with pytest.raises(ValidationError) as exc:
        services.planned_activity_create(
            actor=liaison, duty_list=dl, data=_planned(start=dt.date(2026, 12, 7), end=dt.date(2026, 12, 1))
        )
    assert "end" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.planned_activity_create(
            actor=liaison, duty_list=dl, data=_planned(start=dt.date(2027, 1, 1), end=dt.date(2027, 1, 2))
        )
    assert "2026年内" in exc.value.message_dict["start"][0]
    with pytest.raises(ValidationError) as exc:
        services.planned_activity_create(actor=liaison, duty_list=dl, data=_planned(audiences=[]))
    assert "audiences" in exc.value.message_dict
    other = duty_list(world.committee_b)
    with pytest.raises(ValidationError) as exc:
        services.planned_activity_create(actor=liaison, duty_list=dl, data=_planned(item=other.items.get()))
    assert "item" in exc.value.message_dict


def test_planned_activity_defaults_to_the_units_region_and_is_audited(world, liaison):
    dl = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    planned = services.planned_activity_create(actor=liaison, duty_list=dl, data=_planned())
    assert planned.region == world.community_a
    services.planned_activity_update(actor=liaison, planned=planned, data=_planned(place="沱河社区文化广场"))
    assert _entries(planned, "duties.planned.update")[0].changes["place"] == ["", "沱河社区文化广场"]
    services.planned_activity_delete(actor=liaison, planned=planned)
    assert not dl.planned_activities.exists() and _entries(planned, "duties.planned.delete")


# ---------------------------------------------------------------- workflow


def test_submit_needs_items_with_audiences_and_an_announced_activity(world, liaison):
    dl = services.duty_list_start(actor=liaison, unit=world.committee_a, year=2026)
    with pytest.raises(ValidationError) as exc:
        services.duty_list_submit(actor=liaison, duty_list=dl)
    errors = exc.value.message_dict
    assert "还没有事项" in errors["items"][0] and "planned_activities" in errors
    services.duty_item_create(actor=liaison, duty_list=dl, data=_item(audiences=[]))
    services.planned_activity_create(actor=liaison, duty_list=dl, data=_planned())
    with pytest.raises(ValidationError) as exc:
        services.duty_list_submit(actor=liaison, duty_list=dl)
    assert exc.value.message_dict["items"] == ["第1项事项未选择普法对象。"]


def test_full_workflow_is_audited_and_notifies(world, liaison, office_user):
    dl = duty_list(world.committee_a)
    services.duty_list_submit(actor=liaison, duty_list=dl)
    assert dl.status == Status.SUBMITTED and dl.submitted_by == liaison and dl.submitted_at
    assert Notification.objects.filter(user=office_user, title__contains="待备案").exists()
    with pytest.raises(ValidationError):
        services.duty_item_create(actor=liaison, duty_list=dl, data=_item())
    services.duty_list_file(actor=office_user, duty_list=dl)
    assert dl.status == Status.FILED and dl.filed_by == office_user
    assert Notification.objects.filter(user=liaison, title__contains="已备案").exists()
    services.duty_list_publish(actor=liaison, duty_list=dl)
    assert dl.status == Status.PUBLISHED and dl.published_at
    codes = list(
        AuditEntry.objects.filter(object_id=str(dl.pk), action="workflow")
        .order_by("at", "id")
        .values_list("code", "changes")
    )
    assert codes == [
        ("duties.list.submit", {"status": ["草稿", "已报送"]}),
        ("duties.list.file", {"status": ["已报送", "已备案"]}),
        ("duties.list.publish", {"status": ["已备案", "已公告"]}),
    ]


def test_return_needs_a_reason_and_reopens_editing(world, liaison, office_user, django_capture_on_commit_callbacks):
    liaison.email = "chenjing@example.cn"
    liaison.save()
    dl = duty_list(world.committee_a, status="submitted")
    with pytest.raises(ValidationError) as exc:
        services.duty_list_return(actor=office_user, duty_list=dl, reason="改")
    assert "reason" in exc.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.duty_list_return(actor=office_user, duty_list=dl, reason="请补充普法对象和时间节点")
    dl.refresh_from_db()
    assert dl.status == Status.RETURNED and dl.return_reason == "请补充普法对象和时间节点"
    entry = _entries(dl, "duties.list.return")[0]
    assert entry.message == "请补充普法对象和时间节点" and entry.actor == office_user
    note = Notification.objects.get(user=liaison, title__contains="被退回")
    assert "请补充" in note.body
    assert mail.outbox and mail.outbox[-1].to == ["chenjing@example.cn"]
    services.duty_item_create(actor=liaison, duty_list=dl, data=_item())
    services.duty_list_submit(actor=liaison, duty_list=dl)
    assert dl.status == Status.SUBMITTED


def test_filed_list_may_be_returned_but_not_a_published_one(world, office_user):
    dl = duty_list(world.committee_a, status="filed")
    services.duty_list_return(actor=office_user, duty_list=dl, reason="备案后发现法规已修订")
    assert dl.status == Status.RETURNED and dl.filed_at is None
    published = duty_list(world.committee_b, status="published")
    with pytest.raises(ValidationError):
        services.duty_list_return(actor=office_user, duty_list=published, reason="理由写得很清楚")


def test_only_an_office_files_and_returns(world, liaison, inspector, other_office):
    dl = duty_list(world.committee_a, status="submitted")
    for actor in (liaison, inspector):
        with pytest.raises(PermissionDenied):
            services.duty_list_file(actor=actor, duty_list=dl)
        with pytest.raises(PermissionDenied):
            services.duty_list_return(actor=actor, duty_list=dl, reason="请修改后再报")
    with pytest.raises(PermissionDenied):
        services.duty_list_file(actor=other_office, duty_list=dl)


def test_steps_out_of_order_are_refused(world, liaison, office_user):
    dl = duty_list(world.committee_a)
    with pytest.raises(ValidationError):
        services.duty_list_file(actor=office_user, duty_list=dl)
    with pytest.raises(ValidationError):
        services.duty_list_publish(actor=liaison, duty_list=dl)
    with pytest.raises(ValidationError):
        services.duty_list_withdraw(actor=office_user, duty_list=dl, reason="没有公告过")


def test_publish_needs_edit_right_and_withdraw_needs_office(world, liaison, other_liaison, office_user):
    dl = duty_list(world.committee_a, status="filed")
    with pytest.raises(PermissionDenied):
        services.duty_list_publish(actor=other_liaison, duty_list=dl)
    services.duty_list_publish(actor=liaison, duty_list=dl)
    with pytest.raises(PermissionDenied):
        services.duty_list_withdraw(actor=liaison, duty_list=dl, reason="单位想撤回")
    with pytest.raises(ValidationError):
        services.duty_list_withdraw(actor=office_user, duty_list=dl, reason="")
    services.duty_list_withdraw(actor=office_user, duty_list=dl, reason="公告内容有误，更正后重新公告")
    assert dl.status == Status.FILED and dl.published_at is None
    assert _entries(dl, "duties.list.withdraw")[0].message.startswith("公告内容有误")


def test_publish_and_withdraw_reset_the_public_version(world, office_user, django_capture_on_commit_callbacks):
    dl = duty_list(world.committee_a, status="filed")
    before = selectors.public_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.duty_list_publish(actor=office_user, duty_list=dl)
    middle = selectors.public_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.duty_list_withdraw(actor=office_user, duty_list=dl, reason="更正后重新公告")
    assert len({before, middle, selectors.public_version()}) == 3


# ---------------------------------------------------------------- deadline and reminders


def test_deadline_defaults_to_31_march_and_is_inherited(world, office_user):
    assert selectors.deadline_for(region=world.community_a, year=2026) == dt.date(2026, 3, 31)
    services.duty_deadline_set(actor=SYSTEM, region=world.district, year=2026, due=dt.date(2026, 3, 20))
    assert selectors.deadline_for(region=world.community_a, year=2026) == dt.date(2026, 3, 20)
    deadline = services.duty_deadline_set(actor=office_user, region=world.street_a, year=2026, due=dt.date(2026, 3, 25))
    assert selectors.deadline_for(region=world.community_a, year=2026) == dt.date(2026, 3, 25)
    assert selectors.deadline_for(region=world.street_b, year=2026) == dt.date(2026, 3, 20)
    services.duty_deadline_set(actor=office_user, region=world.street_a, year=2026, due=dt.date(2026, 3, 28))
    entries = AuditEntry.objects.filter(code="duties.deadline.set", object_id=str(deadline.pk)).order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["due"] == ["2026-03-25", "2026-03-28"]


def test_deadline_rules(world, office_user, liaison, other_office):
    with pytest.raises(ValidationError):
        services.duty_deadline_set(actor=office_user, region=world.street_a, year=2026, due=dt.date(2027, 1, 1))
    with pytest.raises(PermissionDenied):
        services.duty_deadline_set(actor=liaison, region=world.street_a, year=2026, due=dt.date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        services.duty_deadline_set(actor=other_office, region=world.street_a, year=2026, due=dt.date(2026, 3, 1))


def test_reminders_reach_liaisons_of_units_not_submitted_once_a_day(
    world, office_user, liaison, other_liaison, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC))
    other_liaison.email = "zhaomin@example.cn"
    other_liaison.save()
    duty_list(world.committee_a, status="submitted")  # liaison's unit has submitted
    with django_capture_on_commit_callbacks(execute=True):
        result = services.duty_reminders_send(actor=office_user, region=world.street_a, year=2026)
    # 法治办, 司法所 and 桃园社区居委会 have not submitted; only 桃园 has a liaison.
    assert (result.units, result.notifications, result.emails) == (3, 1, 1)
    note = Notification.objects.get(user=other_liaison)
    assert note.title == "请报送2026年度普法责任清单" and "2026年3月31日" in note.body
    assert not Notification.objects.filter(user=liaison, title__contains="请报送").exists()
    assert [m.to for m in mail.outbox] == [["zhaomin@example.cn"]]
    entry = AuditEntry.objects.get(code="duties.remind")
    assert "3个单位" in entry.message and entry.scope_path == world.street_a.path
    again = services.duty_reminders_send(actor=office_user, region=world.street_a, year=2026)
    assert again.notifications == 0 and Notification.objects.filter(user=other_liaison).count() == 1
    time_machine.move_to(dt.datetime(2026, 4, 3, 9, 0, tzinfo=dt.UTC))
    assert services.duty_reminders_send(actor=office_user, region=world.street_a, year=2026).notifications == 1


def test_reminders_need_an_office(world, liaison, inspector):
    for actor in (liaison, inspector):
        with pytest.raises(PermissionDenied):
            services.duty_reminders_send(actor=actor, region=world.street_a, year=2026)


def test_inactive_liaisons_are_not_reminded(world, office_user):
    gone = member_of(world.committee_b, Membership.Role.LIAISON, username="gone")
    Membership.objects.filter(user=gone).update(is_active=False)
    result = services.duty_reminders_send(actor=office_user, region=world.community_b, year=2026)
    assert result.units == 1 and result.notifications == 0


def test_law_catalogue_is_shared_between_lists(world, office_user):
    a = duty_list(world.committee_a)
    b = duty_list(world.committee_b)
    assert Law.objects.count() == 1
    assert set(Law.objects.get().enforcing_lists.all()) == {a, b}
    assert PlannedActivity.objects.count() == 2
