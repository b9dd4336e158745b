"""问卷 on the portal: a resident opens the public link (or scans the poster) on a phone, answers, submits —
no account, no personal data. Reads go through the surveys app's public selectors (frozen records), writes
through its `respond` service; nothing here touches a model.

One response per device: the device is the random token of the portal's signed device cookie (shared with
the 知识竞赛), kept only as its hash. Against ballot stuffing from one address (clearing cookies makes a new
device) the submissions per address are rate-limited (`PUFA_SURVEY_SUBMIT_LIMIT` an hour, counted in the
database so every server process shares the count, by `respond` in the transaction that stores the answers).
Answers refused are shown again as typed.

Every phone opening the link gets the same questions, so the form's body (questions, the community and
audience lists: 2,500 communities for a city-wide survey) is rendered once per questionnaire and process and
kept under the survey's revision and version (`FORMS`); so is the whole page around it, the thank-you page
and the closed page (`PAGES`), which differ between phones only by the CSRF token put into the form. Those
pages are rendered without the request's context processors, so nothing of whoever opened one first (a
logged-in officer trying the link) can be kept in them. Only a page showing refused answers renders its own.
A phone without the device cookie has not answered yet: it is not looked up.
"""

from __future__ import annotations

import secrets
from types import SimpleNamespace

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from pufa.core.client_ip import client_ip
from pufa.core.filters import parse_id
from pufa.core.memo import Memo
from pufa.portal.contests import _device, _with_device
from pufa.surveys import selectors, services

#: The answering form's body per questionnaire (`PublicSurvey.key`), as first rendered with nothing typed.
FORMS: Memo[SafeString] = Memo(size=256, ttl=300)


#: Whole pages per questionnaire and state ("form": nothing typed yet, "done", "closed"), the form's CSRF token
#: left as `_CSRF` (a stand-in no survey text holds) to be replaced on each request. Kept encoded: a city-wide
#: survey's page (2,500 communities to choose from) is 150 KB, and encoding it cost more than the rest of the view.
PAGES: Memo[bytes] = Memo(size=768, ttl=300)
_CSRF = f"pufa-csrf-{secrets.token_hex(12)}"
_CSRF_BYTES = _CSRF.encode()


def _blank_form(public: selectors.PublicSurvey) -> SafeString:
    def build() -> SafeString:
        context = {"survey": public, "given": {}, "errors": {}, "community": "", "audience": ""}
        return SafeString(render_to_string("portal/survey_questions.html", context))

    return FORMS.get(public.key, build)


def _page(request: HttpRequest, public: selectors.PublicSurvey, state: str) -> HttpResponse:
    def build() -> bytes:
        context = {
            "survey": public,
            "done": state == "done",
            "errors": {},
            "given": {},
            "community": "",
            "audience": "",
            "form_html": _blank_form(public) if state == "form" else None,
            "csrf_token": _CSRF,
            "request": SimpleNamespace(path=request.path),  # the footer's link back; the path names the survey
        }
        return render_to_string("portal/survey.html", context).encode()

    page = PAGES.get((public.key, request.path, state), build)
    return HttpResponse(page.replace(_CSRF_BYTES, get_token(request).encode()) if state == "form" else page)


@login_not_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    public = selectors.public_survey(token)
    if public is None:
        raise Http404("未找到该问卷")
    device, new = _device(request)
    # A phone without the cookie has not answered; a POST is not looked up either: the response's unique
    # constraint refuses a second answer from the device, and the page says it has answered.
    done = request.method == "GET" and new is None and selectors.has_responded(public.token, device)
    errors: dict[str, list[str]] = {}
    given: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST" and not done and public.is_open:
        given = {f"q{q.id}": request.POST.getlist(f"q{q.id}") for q in public.questions}
        try:
            services.respond(
                token=public.token,
                device=device,
                answers={q.id: given[f"q{q.id}"] for q in public.questions},
                community_id=parse_id(request.POST.get("community")),
                audience_id=parse_id(request.POST.get("audience")),
                address=client_ip(request) or "unknown",
            )
        except ValidationError as exc:
            code = getattr(exc, "code", None)
            if code == "duplicate":
                done = True
            else:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
                status = 429 if code == "throttled" else 400
        else:
            done = True
    if not errors:
        return _with_device(_page(request, public, "done" if done else "form" if public.is_open else "closed"), new)
    context = {
        "survey": public,
        "done": done,
        "errors": errors,
        "given": given,
        "community": request.POST.get("community", ""),
        "audience": request.POST.get("audience", ""),
        "form_html": None,
    }
    return _with_device(render(request, "portal/survey.html", context, status=status), new)
