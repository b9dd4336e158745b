"""宣传活动 (campaigns): a unit's named effort over a period and an area, its activities, and the pre/post surveys
whose change its page shows with confidence intervals — validated, scoped, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pufa.core.models import AuditEntry
from pufa.org.access import SYSTEM
from pufa.surveys import services, stats
from pufa.surveys.models import Campaign, Survey
from tests.factories import make_activity
from tests.surveys.conftest import answer, make_survey

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _data(world, **kwargs):
    values = {"name": "民法典宣传月", "unit": world.committee_a, "starts_on": MARCH[0], "ends_on": MARCH[1]}
    return services.CampaignData(**{**values, **kwargs})


@pytest.fixture
def activity(world):
    return make_activity(world.committee_a, title="民法典进社区", date=dt.date(2026, 3, 15))


@pytest.fixture
def campaign(world, liaison, activity):
    return services.campaign_create(actor=liaison, data=_data(world, activities=(activity,)))


def _respond(survey: Survey, device: str, right: int) -> None:
    """`right` of the eight knowledge questions answered right; the scale questions 3 before, 4 after."""
    values = {}
    knowledge = [q for q in survey.current_questions() if q.is_knowledge]
    for i, q in enumerate(knowledge):
        values[q] = q.correct if i < right else [x for x in range(len(q.options)) if x not in q.correct][:1]
    for q in survey.current_questions().filter(kind="scale"):
        values[q] = 3 if survey.phase == Survey.Phase.PRE else 4
    answer(survey, device, values)


@pytest.fixture
def measured(world, campaign):
    """The campaign's pre survey (scores 50, 75) and post survey (75, 87.5, 100)."""
    pre = make_survey(world.committee_a, template="literacy", campaign=campaign, phase=Survey.Phase.PRE)
    post = make_survey(world.committee_a, template="literacy", campaign=campaign, phase=Survey.Phase.POST, baseline=pre)
    for device, right in (("p1", 4), ("p2", 6)):
        _respond(pre, device, right)
    for device, right in (("q1", 6), ("q2", 7), ("q3", 8)):
        _respond(post, device, right)
    return pre, post


def test_a_campaign_is_checked_and_audited(world, liaison, activity):
    other = make_activity(world.committee_b, title="桃园社区宣讲", date=dt.date(2026, 3, 20))
    late = make_activity(world.committee_a, title="四月宣讲", date=dt.date(2026, 4, 2))
    for data, field, message in (
        (_data(world, name=" "), "name", "请填写宣传活动名称。"),
        (_data(world, ends_on=dt.date(2026, 2, 1)), "ends_on", "结束日期不能早于开始日期。"),
        (_data(world, region=world.street_b), "region", "范围须在组织单位的辖区内。"),
        (_data(world, activities=(other,)), "activities", "只能关联您可查看的活动。"),
        (_data(world, activities=(late,)), "activities", "活动“四月宣讲”（2026-04-02）不在宣传活动期间内。"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.campaign_create(actor=liaison, data=data)
        assert exc.value.message_dict[field] == [message]
    campaign = services.campaign_create(actor=liaison, data=_data(world, activities=(activity,)))
    assert (campaign.region, list(campaign.activities.all())) == (world.community_a, [activity])
    entry = AuditEntry.objects.get(code="surveys.campaign.create", object_id=str(campaign.pk))
    assert "民法典宣传月" in str(entry.changes) and "民法典进社区" in str(entry.changes)
    services.campaign_update(
        actor=liaison, campaign=campaign, data=_data(world, name="民法典宣传月（延长）"), version=campaign.version
    )
    assert not campaign.activities.exists()
    changed = AuditEntry.objects.get(code="surveys.campaign.update", object_id=str(campaign.pk)).changes
    assert set(changed) == {"name", "activities"}


def test_pre_and_post_surveys_belong_to_the_campaign_without_an_activity(world, campaign, other_liaison):
    pre = make_survey(world.committee_a, campaign=campaign, phase=Survey.Phase.PRE, publish=False)
    assert (pre.campaign, pre.region, pre.activity) == (campaign, campaign.region, None)
    with pytest.raises(ValidationError) as exc:  # without activity nor campaign: refused as before
        make_survey(world.committee_a, phase=Survey.Phase.PRE, publish=False)
    assert "宣传活动" in exc.value.message_dict["phase"][0]
    with pytest.raises(ValidationError) as exc:  # another unit's campaign
        make_survey(world.committee_b, campaign=campaign, publish=False, actor=other_liaison)
    assert exc.value.message_dict["campaign"] == ["只能选择本单位可管理的宣传活动。"]
    with pytest.raises(ValidationError):  # a campaign with surveys is not deleted
        services.campaign_delete(actor=SYSTEM, campaign=campaign)
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_the_campaign_page_compares_pre_and_post_with_hand_computed_intervals(measured, campaign, client_for, liaison):
    html = client_for(liaison).get(reverse("surveys:campaign-detail", args=[campaign.pk])).content.decode()
    # scores before 50, 75 (mean 62.5, s² 312.5); after 75, 87.5, 100 (mean 87.5, s² 156.25): change +25.0;
    # se = √(312.5/2 + 156.25/3) = √208.33 = 14.434; Welch df = 208.33² / (156.25² + 52.083²/2) = 1.684
    assert html.count('data-testid="campaign-survey"') == 2 and html.count('data-testid="campaign-activity"') == 1
    rows = html.split('data-testid="comparison-row"')[1:]
    assert len(rows) == 3  # the score and the two scale questions asked in both
    assert "62.5" in rows[0] and "87.5" in rows[0] and 'data-testid="difference">+25.0<' in rows[0]
    half = stats.t_quantile(0.975, 1.6842) * 14.434
    assert f"{25 - half:.1f} 至 {25 + half:.1f}" in rows[0] and "显著" not in rows[0]
    assert 'data-testid="difference">+1.0<' in rows[1] and "1.0 至 1.0" in rows[1] and "显著" in rows[1]


def test_a_campaign_is_seen_by_its_unit_and_the_office_only(campaign, client_for, liaison, other_liaison, office_user):
    url = reverse("surveys:campaign-detail", args=[campaign.pk])
    assert client_for(liaison).get(url).status_code == 200
    assert client_for(office_user).get(url).status_code == 200
    assert client_for(other_liaison).get(url).status_code == 404
    assert client_for(other_liaison).get(reverse("surveys:campaign-edit", args=[campaign.pk])).status_code == 404
    listed = client_for(other_liaison).get(reverse("surveys:campaign-list")).content.decode()
    assert 'data-testid="campaign-row"' not in listed
    assert 'data-testid="campaign-row"' in client_for(liaison).get(reverse("surveys:campaign-list")).content.decode()


def test_the_activity_page_names_its_campaign(campaign, activity, client_for, liaison):
    html = client_for(liaison).get(reverse("ledger:activity-detail", args=[activity.pk])).content.decode()
    assert 'data-testid="activity-campaign"' in html
    assert reverse("surveys:campaign-detail", args=[campaign.pk]) in html


def test_new_surveys_start_from_the_campaign_page(measured, campaign, client_for, liaison):
    pre, _post = measured
    client = client_for(liaison)
    form = client.get(reverse("surveys:survey-create") + f"?campaign={campaign.pk}&phase=post").content.decode()
    assert f'<option value="{pre.pk}" selected>' in form and "民法典宣传月后测问卷" in form
    response = client.post(
        reverse("surveys:campaign-create"),
        {"name": "宪法宣传周", "unit": campaign.unit_id, "starts_on": "2026-12-01", "ends_on": "2026-12-07"},
    )
    made = Campaign.objects.get(name="宪法宣传周")
    assert response.status_code == 302 and made.created_by is not None
