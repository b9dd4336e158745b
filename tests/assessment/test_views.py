"""The pages: import a scoring table (upload → review with mismatches → edit → scheme), configure and publish,
a unit's live self-assessment with links to the records, the draw page's verification, an inspector's finding,
and the ranking that follows it."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pufa.assessment import services
from pufa.assessment.models import Draw, Item, Scheme, Score
from tests.factories import make_activity

TEXT = "一、宣传活动扎实（10分）\n1.开展主题宣传活动（6分）见记录\n2.建立法律明白人队伍（3分）见花名册\n"


def _upload(client):
    return client.post(
        reverse("assessment:scheme-import"),
        {
            "name": "普法工作考核",
            "year": 2026,
            "file": SimpleUploadedFile("评分表.txt", TEXT.encode("utf-8"), content_type="text/plain"),
        },
    )


def test_import_review_shows_mismatches_and_creates_the_edited_scheme(client_for, office_user, world):
    client = client_for(office_user)
    page = _upload(client).content.decode()
    assert "各项合计 9 分" in page and 'name="i1-points" value="3"' in page
    response = client.post(
        reverse("assessment:scheme-import"),
        {
            "stage": "create",
            "name": "普法工作考核",
            "year": "2026",
            "source": "评分表.txt",
            "sections": "1",
            "items": "2",
            "s0-name": "宣传活动扎实",
            "s0-points": "10",
            "i0-section": "宣传活动扎实",
            "i0-number": "1",
            "i0-text": "开展主题宣传活动",
            "i0-points": "6",
            "i0-remark": "见记录",
            "i1-section": "宣传活动扎实",
            "i1-number": "2",
            "i1-text": "建立法律明白人队伍",
            "i1-points": "4",  # corrected by the office
            "i1-remark": "见花名册",
        },
    )
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessment:scheme-detail", args=[scheme.pk])
    assert [(i.number, i.points, i.remark) for i in scheme.items.order_by("number")] == [
        ("1", 6, "见记录"),
        ("2", 4, "见花名册"),
    ]
    assert scheme.region == world.street_a and scheme.source == "评分表.txt"


def test_a_bad_upload_is_refused_on_the_form(client_for, office_user):
    response = client_for(office_user).post(
        reverse("assessment:scheme-import"),
        {
            "name": "x",
            "year": 2026,
            "file": SimpleUploadedFile("a.txt", "一、组织领导（5分）".encode(), content_type="text/plain"),
        },
    )
    assert response.status_code == 200 and "没有识别出考核项目" in response.content.decode()
    assert not Scheme.objects.exists()


def _scheme(office_user, world):
    parsed = {
        "sections": [{"name": "宣传活动", "points": 10}],
        "items": [
            {"section": "宣传活动", "number": "1", "text": "开展主题宣传活动", "points": 6, "remark": "见记录"},
            {"section": "宣传活动", "number": "2", "text": "建立法律明白人队伍", "points": 4, "remark": ""},
        ],
    }
    return services.scheme_import(actor=office_user, region=world.street_a, name="考核", year=2026, parsed=parsed)


def test_configure_refuses_a_formalism_metric_on_the_page_and_publishes(client_for, office_user, world):
    from pufa.plans import metrics as registry

    scheme = _scheme(office_user, world)
    item = scheme.items.get(number="1")
    client = client_for(office_user)
    registry.register(registry.Metric("test.checkins", "签到人次", "次", lambda q: {}))
    try:
        page = client.post(
            reverse("assessment:item-configure", args=[item.pk]),
            {"kind": "automatic", "metric": "test.checkins", "rule": "threshold", "threshold": "1", "compare": "gte"},
            follow=True,
        ).content.decode()
    finally:
        registry.unregister("test.checkins")
    assert "签到" in page and "不能自动计分" in page
    client.post(
        reverse("assessment:item-configure", args=[item.pk]),
        {"kind": "automatic", "metric": "ledger.activity_count", "rule": "steps", "steps": "1:0.5, 2:1"},
    )
    item.refresh_from_db()
    assert (item.kind, item.params) == (Item.Kind.AUTOMATIC, {"steps": [["1", "0.5"], ["2", "1"]]})
    client.post(reverse("assessment:scheme-step", args=[scheme.pk]), {"step": "publish", "version": scheme.version})
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.PUBLISHED


def test_self_assessment_page_scores_now_and_links_the_records(client_for, office_user, liaison, world):
    scheme = _scheme(office_user, world)
    services.item_configure(
        actor=office_user,
        item=scheme.items.get(number="1"),
        kind="automatic",
        metric="ledger.activity_count",
        rule="threshold",
        params={"threshold": 1},
    )
    services.scheme_publish(actor=office_user, scheme=scheme)
    make_activity(world.committee_a, date=dt.date.today().replace(year=2026, month=1, day=5))
    client = client_for(liaison)
    url = reverse("assessment:self", args=[scheme.pk, world.committee_a.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="self-total">6<' in page and 'href="/ledger/' in page
    manual = scheme.items.get(number="2")
    client.post(
        reverse("assessment:self-note", args=[scheme.pk, world.committee_a.pk]),
        {"item": manual.pk, "note": "队伍8人", "links": "/people/", "points": "4"},
    )
    page = client.get(url).content.decode()
    assert 'data-testid="self-total">10<' in page and "队伍8人" in page
    client.post(reverse("assessment:self-step", args=[scheme.pk, world.committee_a.pk]), {"step": "submit"})
    assert "已提交" in client.get(url).content.decode()
    # another community's liaison cannot open it
    assert client.get(reverse("assessment:self", args=[scheme.pk, world.committee_b.pk])).status_code == 404


def test_inspector_finding_on_a_phone_changes_the_ranking(client_for, office_user, liaison, inspector, world):
    scheme = _scheme(office_user, world)
    services.scheme_publish(actor=office_user, scheme=scheme)
    manual = scheme.items.get(number="2")
    record = services.self_assessment_for(actor=liaison, scheme=scheme, unit=world.committee_a)
    services.note_save(actor=liaison, assessment=record, item=manual, note="8人", points="4")
    office = client_for(office_user)
    office.post(
        reverse("assessment:draw-create", args=[scheme.pk]), {"seed": "2026-12-01", "share": "1", "per_unit": "1"}
    )
    draw = Draw.objects.get()
    page = office.get(reverse("assessment:draw-detail", args=[draw.pk])).content.decode()
    assert "复核一致" in page and "sha256" in page
    office.post(reverse("assessment:scheme-step", args=[scheme.pk]), {"step": "score"})
    assert Score.objects.get(unit=world.committee_a).total == 4

    phone = client_for(inspector)
    phone.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
    url = reverse("assessment:inspect", args=[draw.pk, world.committee_a.pk])
    assert "8人" in phone.get(url).content.decode()
    saved = phone.post(url, {"item": manual.pk, "points": "1", "note": "名册仅3人"}, follow=True).content.decode()
    assert "已录入第2项核定结果" in saved, saved[saved.find("alert") : saved.find("alert") + 300]
    office = client_for(office_user)  # one test client: sign the office in again
    office.post(reverse("assessment:scheme-step", args=[scheme.pk]), {"step": "score"})
    assert Score.objects.get(unit=world.committee_a).total == 1
    ranking = office.get(reverse("assessment:ranking", args=[scheme.pk])).content.decode()
    assert "已抽查" in ranking and 'data-testid="rank-total">1<' in ranking
    # before publication the unit sees no ranking; once published, only its own row
    mine = client_for(liaison).get(reverse("assessment:ranking", args=[scheme.pk])).content.decode()
    assert "考核结果尚未公布" in mine and 'data-testid="rank-row"' not in mine
    office = client_for(office_user)
    office.post(reverse("assessment:scheme-step", args=[scheme.pk]), {"step": "final"})
    early = office.post(reverse("assessment:scheme-step", args=[scheme.pk]), {"step": "release"}, follow=True)
    assert "期满后才能公布" in early.content.decode()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=9)):
        office = client_for(office_user)  # sessions do not last nine days
        office.post(reverse("assessment:scheme-step", args=[scheme.pk]), {"step": "release"})
        assert Scheme.objects.get(pk=scheme.pk).status == Scheme.Status.RELEASED
        mine = client_for(liaison).get(reverse("assessment:ranking", args=[scheme.pk])).content.decode()
    assert "沱河社区居委会" in mine and "桃园社区居委会" not in mine
    assert 'data-testid="rank-band">不合格<' in mine  # 1 of 4 points: below every minimum


def test_nul_and_huge_input_never_give_a_500(client_for, office_user, world):
    scheme = _scheme(office_user, world)
    services.scheme_publish(actor=office_user, scheme=scheme)
    client = client_for(office_user)
    response = client.post(
        reverse("assessment:draw-create", args=[scheme.pk]), {"seed": "a\x00b", "share": "9e999", "per_unit": "x"}
    )
    assert response.status_code == 302 and not Draw.objects.exists()
    response = client.post(
        reverse("assessment:scheme-import"),
        {"stage": "create", "name": "x\x00", "year": "99999999999", "sections": "-1", "items": "1", "i0-text": "\x00"},
    )
    assert response.status_code == 200
