"""Survey pages: scoping of surveys and results, answering on the portal without an account (one response per
device, rate limit, answers kept on error), results whose figures open their responses, the pre/post table,
the activity page section, and the export."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pufa.core.models import ThrottleWindow
from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit
from pufa.surveys import services, stats
from pufa.surveys.models import Response, Survey
from tests.factories import make_activity
from tests.surveys.conftest import add, answer, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(world):
    return make_activity(world.committee_a, title="民法典进社区")


@pytest.fixture
def pair(world, activity):
    """A pre and a post survey of community A's activity: scores 40, 60 before; 80, 100, 90 after."""
    pre = make_survey(world.committee_a, template="literacy", activity=activity, phase=Survey.Phase.PRE)
    post = make_survey(world.committee_a, template="literacy", activity=activity, phase=Survey.Phase.POST, baseline=pre)

    def respond(survey: Survey, device: str, right: int, community=None):
        qs = list(survey.current_questions())
        knowledge = [q for q in qs if q.is_knowledge]
        values = {}
        for i, q in enumerate(knowledge):
            wrong = [x for x in range(len(q.options)) if x not in q.correct][:1]
            values[q] = q.correct if i < right else wrong
        for q in qs:
            if q.kind == "scale":
                values[q] = 3 if survey == pre else 4
        return answer(survey, device, values, community_id=community.pk if community else None)

    # eight knowledge questions: 40 needs 3.2 right — use 2/8 = 25, 4/8 = 50, 6/8 = 75, 8/8 = 100, 7/8 = 87.5
    respond(pre, "p1", 2, world.community_a)
    respond(pre, "p2", 4)
    respond(post, "q1", 6, world.community_a)
    respond(post, "q2", 8, world.community_a)
    respond(post, "q3", 7)
    return pre, post


def test_a_liaison_sees_its_own_activities_surveys_only(pair, client_for, liaison, other_liaison, office_user):
    _pre, post = pair
    page = client_for(liaison).get(reverse("surveys:survey-list"))
    assert page.status_code == 200 and page.content.decode().count('data-testid="survey-row"') == 2
    assert client_for(liaison).get(reverse("surveys:results", args=[post.pk])).status_code == 200
    other = client_for(other_liaison)
    assert other.get(reverse("surveys:results", args=[post.pk])).status_code == 404
    assert other.get(reverse("surveys:responses", args=[post.pk])).status_code == 404
    assert other.get(reverse("surveys:export", args=[post.pk])).status_code == 404
    assert 'data-testid="survey-row"' not in other.get(reverse("surveys:survey-list")).content.decode()
    assert client_for(office_user).get(reverse("surveys:results", args=[post.pk])).status_code == 200


def test_results_figures_open_exactly_their_responses(pair, client_for, liaison):
    _pre, post = pair
    client = client_for(liaison)
    html = client.get(reverse("surveys:results", args=[post.pk])).content.decode()
    assert 'data-testid="mean-score">87.5<' in html  # (75 + 100 + 87.5) / 3
    # every bar's count equals the number of responses its link lists
    links = re.findall(r'<a href="([^"]+)" class="text-end"[^>]*data-testid="bar-count">(\d+)', html)
    assert len(links) > 20
    for url, count in links:
        listed = client.get(url.replace("&amp;", "&")).content.decode()
        assert re.search(r'data-testid="responses-total">(\d+)<', listed).group(1) == count
    # 答对率 of the knowledge questions: all three answered the first right, two the seventh, one the eighth
    from pufa.surveys.selectors import results

    shares = [r.correct_share for r in results(post).questions if r.question.is_knowledge]
    assert shares == [100.0] * 6 + [66.7, 33.3]
    # by community: community A's 2 responses, linked
    assert ">沱河社区</a></td><td><a href=" in html


def test_pre_post_table_against_hand_computed_values(pair, client_for, liaison):
    _pre, post = pair
    html = client_for(liaison).get(reverse("surveys:results", args=[post.pk])).content.decode()
    # scores: before 25, 50 (mean 37.5); after 75, 100, 87.5 (mean 87.5); change +50.0
    # s²/n before = 312.5/2 = 156.25; after = 156.25/3 = 52.083; se = √208.33 = 14.434;
    # df = 208.33² / (156.25²/1 + 52.083²/2) = 43402.8 / 25770.4 = 1.684
    assert 'data-testid="comparison-row"' in html
    assert 'data-testid="difference">+50.0<' in html
    from pufa.surveys.selectors import compare

    score = compare(post)[0].comparison
    assert score.df == pytest.approx(1.684, abs=1e-3)
    half = stats.t_quantile(0.975, 1.6842) * 14.434  # the quantile is checked against the printed table
    assert (score.low, score.high) == pytest.approx((50 - half, 50 + half), abs=0.01)
    assert score.low < 0  # two answers before: far too few to call it a change
    scale = compare(post)[1].comparison  # the same scale question before (all 3) and after (all 4)
    assert scale.difference == 1.0 and scale.low == 1.0 and scale.high == 1.0


def test_the_activity_page_shows_its_surveys(pair, activity, client_for, liaison):
    html = client_for(liaison).get(reverse("ledger:activity-detail", args=[activity.pk])).content.decode()
    assert html.count('data-testid="activity-survey"') == 2
    assert "前后测法治素养得分" in html and "37.5 → 87.5" in html


def test_export_has_one_row_per_response_with_formula_neutralised(world, client_for, liaison):
    s = make_survey(world.committee_a, publish=False)
    q = add(s, "text", "建议")
    c = add(s, "multiple", "关注", options=["婚姻", "劳动"])
    services.transition(actor=SYSTEM, survey=s, name="publish")
    answer(s, "a", {q: '=HYPERLINK("x")', c: [0, 1]})
    answer(s, "b", {q: "好", c: [1]})
    response = client_for(liaison).get(reverse("surveys:export", args=[s.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("建议", "关注")
    assert len(rows) == 3
    assert {r[-1] for r in rows[1:]} == {"婚姻、劳动", "劳动"}
    cell = next(c for c in book.active["F"] if c.value == '=HYPERLINK("x")')
    assert cell.data_type == "s" and cell.quotePrefix


# ---------------------------------------------------------------- the portal


@pytest.fixture
def open_survey(world):
    s = make_survey(world.committee_a, publish=False, ask_audience=True)
    add(s, "scale", "满意程度")
    add(s, "single", "是否了解12348热线？", options=["了解", "不了解"], correct=[0])
    services.transition(actor=SYSTEM, survey=s, name="publish")
    return s


def _post(client, s: Survey, **extra):
    sat, know = s.current_questions()
    data = {f"q{sat.pk}": "5", f"q{know.pk}": "0", **extra}
    return client.post(reverse("portal:survey", args=[s.token]), data)


def test_a_resident_answers_without_an_account(open_survey, client, world):
    page = client.get(reverse("portal:survey", args=[open_survey.token]))
    assert page.status_code == 200 and 'data-testid="survey-form"' in page.content.decode()
    done = _post(client, open_survey, community=str(world.community_a.pk))
    assert done.status_code == 200 and 'data-testid="survey-done"' in done.content.decode()
    r = Response.objects.get(survey=open_survey)
    assert (r.community, r.score, len(r.device)) == (world.community_a, Decimal("100.0"), 64)
    # the same phone again: told it has answered, nothing stored
    again = _post(client, open_survey)
    assert 'data-testid="survey-done"' in again.content.decode()
    assert Response.objects.filter(survey=open_survey).count() == 1


def test_the_answering_page_is_built_once_per_questionnaire_and_follows_edits(
    open_survey, client, django_assert_num_queries
):
    """Every phone gets the same form: after the first, opening the link is one query (the survey's state), and
    submitting reads no question; a question changed (no answers yet) or a new revision is seen at once."""
    url = reverse("portal:survey", args=[open_survey.token])
    client.get(url)
    client.cookies.clear()
    with django_assert_num_queries(1):
        assert 'data-testid="survey-form"' in client.get(url).content.decode()
    add(open_survey, "text", "您的建议", required=False)
    html = client.get(url).content.decode()
    assert "您的建议" in html and html.count('data-testid="survey-question"') == 3
    sat, know, advice = open_survey.current_questions()
    client.post(url, {f"q{sat.pk}": "5", f"q{know.pk}": "0"})
    assert Response.objects.filter(survey=open_survey).count() == 1
    sat, _know, advice = open_survey.current_questions()
    services.question_save(
        actor=SYSTEM, survey=open_survey, question=advice, data=services.QuestionData(kind="text", text="改进建议")
    )
    open_survey.refresh_from_db()
    assert open_survey.revision == 2  # answered: a new revision
    client.cookies.clear()
    html = client.get(url).content.decode()
    assert "改进建议" in html and "您的建议" not in html


def test_the_kept_answering_page_gives_each_phone_its_own_csrf_token_and_nothing_of_an_officer(
    open_survey, liaison, client_for
):
    """The whole page is kept per questionnaire once rendered; an officer trying the link first leaves nothing of
    theirs in it, and each phone's form carries the token of its own CSRF cookie, which a checked POST accepts."""
    from django.test import Client

    url = reverse("portal:survey", args=[open_survey.token])
    assert client_for(liaison).get(url).status_code == 200  # rendered first for a logged-in officer
    tokens = []
    for _ in range(2):
        phone = Client(enforce_csrf_checks=True)
        html = phone.get(url).content.decode()
        assert "陈静" not in html and "liaison" not in html and "pufa-csrf-" not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        tokens.append(token)
        sat, know = open_survey.current_questions()
        done = phone.post(url, {f"q{sat.pk}": "5", f"q{know.pk}": "0", "csrfmiddlewaretoken": token})
        assert done.status_code == 200 and 'data-testid="survey-done"' in done.content.decode()
    assert tokens[0] != tokens[1]
    assert Response.objects.filter(survey=open_survey).count() == 2
    forged = Client(enforce_csrf_checks=True)
    forged.get(url)
    assert forged.post(url, {"csrfmiddlewaretoken": tokens[0]}).status_code == 403


def test_a_second_post_from_an_answered_phone_stores_nothing(open_survey, client):
    assert 'data-testid="survey-done"' in _post(client, open_survey).content.decode()
    again = _post(client, open_survey)  # not looked up first: the unique constraint refuses it
    assert again.status_code == 200 and 'data-testid="survey-done"' in again.content.decode()
    assert Response.objects.filter(survey=open_survey).count() == 1
    page = client.get(reverse("portal:survey", args=[open_survey.token]))
    assert 'data-testid="survey-done"' in page.content.decode()


def test_a_draft_link_is_not_found(world, client):
    s = make_survey(world.committee_a, publish=False)
    assert client.get(reverse("portal:survey", args=[s.token])).status_code == 404
    assert client.get(reverse("portal:survey", args=["nonexistent"])).status_code == 404


def test_answers_are_kept_when_one_is_missing(open_survey, client):
    sat, _know = open_survey.current_questions()
    page = client.post(reverse("portal:survey", args=[open_survey.token]), {f"q{sat.pk}": "4"})
    html = page.content.decode()
    assert page.status_code == 400 and "此题为必答题。" in html
    assert f'id="q{sat.pk}-4" value="4" checked' in html
    assert not Response.objects.exists()


def test_submissions_from_one_address_are_rate_limited(open_survey, client, settings):
    settings.PUFA_SURVEY_SUBMIT_LIMIT = 2
    for _ in range(2):
        client.cookies.clear()  # a new "device" each time: clearing cookies
        assert _post(client, open_survey).status_code == 200
    client.cookies.clear()
    refused = _post(client, open_survey)
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert Response.objects.count() == 2


def test_refused_and_repeated_submissions_count_against_the_limit_too(open_survey, client, settings):
    """The hit of a stored answer is counted in the transaction that stores it; a submission refused for its
    answers, or repeated by a phone that has answered, counts as well — clearing cookies or sending bad
    answers buys no extra tries."""
    settings.PUFA_SURVEY_SUBMIT_LIMIT = 3
    url = reverse("portal:survey", args=[open_survey.token])
    sat, _know = open_survey.current_questions()
    assert client.post(url, {f"q{sat.pk}": "4"}).status_code == 400  # a required answer missing: 1
    assert 'data-testid="survey-done"' in _post(client, open_survey).content.decode()  # stored: 2
    assert 'data-testid="survey-done"' in _post(client, open_survey).content.decode()  # repeated: 3
    assert ThrottleWindow.objects.get().hits == 3
    client.cookies.clear()
    refused = _post(client, open_survey)  # a new device, past the limit: nothing stored
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    bad = client.post(url, {f"q{sat.pk}": "4"})  # past the limit, said before the answers' errors
    assert bad.status_code == 429 and "此题为必答题" not in bad.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_stored_answer_takes_one_write_transaction_with_its_rate_limit_hit(open_survey, client):
    """On SQLite each write transaction takes the database's one write lock (BEGIN IMMEDIATE), and every other
    phone's answer waits for it: the answer and its address's hit are written in one (the first hit of an hour
    also clears the windows ended long ago, after its commit; the counts are folded in later, in batches)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pufa.surveys import tasks

    cache.set(tasks.MARK, 1, timeout=600)  # a fold asked for a moment ago: none runs after these commits

    assert 'data-testid="survey-done"' in _post(client, open_survey).content.decode()  # the hour's first
    client.cookies.clear()  # the next phone from the address
    client.get(reverse("portal:survey", args=[open_survey.token]))
    with CaptureQueriesContext(connection) as queries:
        assert 'data-testid="survey-done"' in _post(client, open_survey).content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    assert sql.count("COMMIT") == 1
    # the survey's state is read once a request: by the view, and by `respond` from what the view read
    assert sum(1 for s in sql if s.startswith("SELECT") and 'FROM "surveys_survey"' in s) == 1
    assert ThrottleWindow.objects.get().hits == 2 and Response.objects.count() == 2
    assert not Response.objects.filter(tallied=True).exists()
    cache.delete(tasks.MARK)


def test_a_deleted_survey_has_no_answering_page(open_survey, client):
    """A published survey nobody answered may be deleted: its link is then unknown, as a draft's is."""
    url = reverse("portal:survey", args=[open_survey.token])
    assert client.get(url).status_code == 200
    services.survey_delete(actor=SYSTEM, survey=open_survey)
    assert client.get(url).status_code == 404
    assert _post(client, open_survey).status_code == 404 and not Response.objects.exists()


def test_an_ended_survey_takes_no_answers(open_survey, client):
    services.transition(actor=SYSTEM, survey=open_survey, name="close")
    page = _post(client, open_survey)
    assert 'data-testid="survey-closed"' in page.content.decode()
    assert not Response.objects.exists()


def test_staff_pages_render(pair, client_for, liaison, office_user):
    _pre, post = pair
    client = client_for(liaison)
    for name in ("survey-detail", "survey-edit", "question-add", "poster", "responses"):
        assert client.get(reverse(f"surveys:{name}", args=[post.pk])).status_code == 200, name
    q = post.current_questions().first()
    assert client.get(reverse("surveys:question-edit", args=[post.pk, q.pk])).status_code == 200
    assert "第2版" in client.get(reverse("surveys:question-edit", args=[post.pk, q.pk])).content.decode()
    html = client_for(office_user).get(reverse("surveys:literacy")).content.decode()
    assert 'data-testid="literacy-row"' in html


def test_the_literacy_index_prints_each_communitys_mean_per_quarter(pair, client_for, office_user, world):
    # every response of the pair is placed in community A (chosen, or the survey's area), this quarter:
    # 25, 50 before and 75, 100, 87.5 after → (25 + 50 + 75 + 100 + 87.5) / 5 = 67.5 over 5
    Region.objects.filter(pk=world.community_a.pk).update(name="沱河<社区>")
    html = client_for(office_user).get(reverse("surveys:literacy"), {"region": world.street_a.pk}).content.decode()
    row = re.search(r'<tr data-testid="literacy-row">(.*?)</tr>', html).group(1)
    assert '<td data-label="社区">沱河&lt;社区&gt;</td>' in row
    assert row.count("<strong>67.5</strong>（5）") == 1 and row.count(">—<") == 3
    assert html.count('data-testid="literacy-row"') == 1  # community B: no response, no row
    assert f'<option value="{world.street_a.pk}" selected>沱河街道</option>' in html


def test_creating_from_an_activity_then_publishing(activity, client_for, liaison, world):
    client = client_for(liaison)
    form = client.get(reverse("surveys:survey-create") + f"?activity={activity.pk}").content.decode()
    assert "民法典进社区效果反馈问卷" in form
    made = client.post(
        reverse("surveys:survey-create"),
        {
            "template": "feedback",
            "title": "民法典进社区效果反馈问卷",
            "kind": "feedback",
            "unit": world.committee_a.pk,
            "activity": activity.pk,
            "phase": "single",
            "ask_community": "on",
        },
    )
    s = Survey.objects.get()
    assert made.status_code == 302 and s.activity == activity and s.current_questions().count() == 5
    client.post(reverse("surveys:survey-step", args=[s.pk, "publish"]))
    s.refresh_from_db()
    assert s.status == Survey.Status.PUBLISHED


def test_question_form_adds_a_knowledge_question(world, client_for, liaison):
    s = make_survey(world.committee_a, publish=False)
    r = client_for(liaison).post(
        reverse("surveys:question-add", args=[s.pk]),
        {
            "kind": "multiple",
            "text": "哪些是法定节假日？",
            "options": "元旦\n春节\n植树节",
            "correct": "1、2",
            "required": "on",
        },
    )
    assert r.status_code == 302
    q = s.current_questions().get()
    assert q.options == ["元旦", "春节", "植树节"] and q.correct == [0, 1] and q.is_knowledge
    bad = client_for(liaison).post(
        reverse("surveys:question-add", args=[s.pk]),
        {"kind": "single", "text": "x", "options": "a\nb", "correct": "一"},
    )
    assert bad.status_code == 200 and "请填写选项序号" in bad.content.decode()


# ---------------------------------------------------------------- the QR code and the poster


def test_the_qr_code_is_drawn_here_from_the_absolute_public_link(pair, client_for, liaison, monkeypatch):
    import segno

    from pufa.surveys import qr

    _pre, post = pair
    asked: list[str] = []
    real = segno.make

    def make(content, **kwargs):
        asked.append(content)
        return real(content, **kwargs)

    monkeypatch.setattr(qr.segno, "make", make)
    response = client_for(liaison).get(reverse("surveys:qr", args=[post.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert asked == [f"http://testserver/public/s/{post.token}/"]
    body = response.content.decode()
    assert body.startswith("<svg") and "<path" in body and f"<title>{post.title}</title>" in body
    # the public link answers at that address (the code leads somewhere real)
    assert client_for(liaison).get(asked[0].removeprefix("http://testserver")).status_code == 200


def test_the_qr_code_uses_the_configured_base_url(pair, client_for, liaison, settings, monkeypatch):
    from pufa.surveys import qr

    _pre, post = pair
    settings.PUFA_BASE_URL = "https://pufa.example.gov.cn"
    asked: list[str] = []
    monkeypatch.setattr(qr, "svg", lambda url, title="": asked.append(url) or b"<svg/>")
    client_for(liaison).get(reverse("surveys:qr", args=[post.pk]))
    assert asked == [f"https://pufa.example.gov.cn/public/s/{post.token}/"]


def test_the_qr_code_is_scoped_like_the_survey(pair, client_for, other_liaison, client):
    _pre, post = pair
    assert client_for(other_liaison).get(reverse("surveys:qr", args=[post.pk])).status_code == 404
    anonymous = client.get(reverse("surveys:qr", args=[post.pk]))  # nobody: no rows, as every staff page
    assert anonymous.status_code in (302, 404) and anonymous["Content-Type"] != "image/svg+xml"


def test_the_poster_shows_the_code_the_link_and_how_to_answer(pair, client_for, liaison):
    _pre, post = pair
    html = client_for(liaison).get(reverse("surveys:poster", args=[post.pk])).content.decode()
    assert f'src="{reverse("surveys:qr", args=[post.pk])}"' in html
    assert f"http://testserver/public/s/{post.token}/" in html
    assert "扫一扫" in html and "无需登录" in html and "surveys/poster.css" in html
    assert 'data-testid="poster-not-open"' not in html
    detail = client_for(liaison).get(reverse("surveys:survey-detail", args=[post.pk])).content.decode()
    assert 'data-testid="survey-qr"' in detail


def test_the_community_question_lists_the_areas_communities_and_keeps_the_choice(world, client):
    """The community <option>s are built in one pass (a city-wide survey lists 2,500): every community of the
    survey's area, names escaped, the respondent's choice still selected when the page comes back with an error."""
    s = make_survey(world.office_unit, publish=False, ask_community=True)
    sat = add(s, "scale", "满意程度")
    services.transition(actor=SYSTEM, survey=s, name="publish")
    Region.objects.filter(pk=world.community_b.pk).update(name="桃园<社区>")
    html = client.get(reverse("portal:survey", args=[s.token])).content.decode()
    assert f'<option value="{world.community_a.pk}">沱河社区</option>' in html
    assert f'<option value="{world.community_b.pk}">桃园&lt;社区&gt;</option>' in html and "桃园<社区>" not in html
    again = client.post(reverse("portal:survey", args=[s.token]), {"community": str(world.community_b.pk)})
    assert again.status_code == 400 and f'<option value="{world.community_b.pk}" selected>' in again.content.decode()
    assert sat.pk and not Response.objects.exists()


def test_the_literacy_index_opens_at_the_offices_own_region_whatever_its_units_ids(
    pair, client_for, office_user, world
):
    """Unit paths follow ids ("/100/" sorts before "/99/"): a committee's unit sorting first must not make the
    street office's index open at that community (where no community lies below, so no row would show)."""
    Unit.objects.filter(pk=world.committee_a.pk).update(path="/0/")
    html = client_for(office_user).get(reverse("surveys:literacy")).content.decode()
    assert f'<option value="{world.street_a.pk}" selected>沱河街道</option>' in html
    assert html.count('data-testid="literacy-row"') == 1
