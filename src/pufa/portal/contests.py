"""知识竞赛 on the portal: no account — a nickname and a community; one entry per device per round; a rate
limit per address. Reads go through the exams app's public selectors (frozen records of named columns), writes
through its contest services; nothing here touches a model.

The device is a random token in a signed, HttpOnly cookie that lives a year; the database keeps only its hash.
Clearing cookies makes a new device — the rate limit per address bounds what that buys.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pufa.core import throttle
from pufa.core.client_ip import client_ip
from pufa.core.filters import parse_id
from pufa.exams import selectors, services
from pufa.exams.models import ContestEntry

DEVICE_COOKIE = "pufa_device"
DEVICE_SALT = "pufa.portal.contest"
ENTER_LIMIT = 20  # entries per address per hour (a community centre shares one address)


def _device(request: HttpRequest) -> tuple[str, str | None]:
    """The device hash, and a new token to set when the device has none yet."""
    token = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    new = None
    if not token:
        token = new = secrets.token_urlsafe(24)
    return hashlib.sha256(token.encode()).hexdigest(), new


def _with_device(response: HttpResponse, new: str | None) -> HttpResponse:
    if new:
        response.set_signed_cookie(
            DEVICE_COOKIE, new, salt=DEVICE_SALT, max_age=365 * 86400, httponly=True, samesite="Lax"
        )
    return response


def _entry(request: HttpRequest, pk: int) -> ContestEntry | None:
    device, _ = _device(request)
    return selectors.contest_entry_for(pk, device)


@login_not_required
@require_http_methods(["GET", "POST"])
def contest(request: HttpRequest, pk: int) -> HttpResponse:
    """The round: its leaderboard, and the entry form (nickname, community) while it is open."""
    public = selectors.public_contest(pk)
    device, new = _device(request)
    entry = selectors.contest_entry_for(pk, device)
    error = ""
    if request.method == "POST" and entry is None:
        address = client_ip(request) or "unknown"
        if not throttle.allow(f"contest-enter:{address}", limit=ENTER_LIMIT, window=3600):
            error = "提交过于频繁，请稍后再试。"
        else:
            try:
                services.contest_enter(
                    contest_id=pk,
                    device=device,
                    nickname=request.POST.get("nickname", ""),
                    community_id=parse_id(request.POST.get("community")) or 0,
                )
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                return _with_device(redirect("portal:contest-paper", pk=pk), new)
    context = {
        "contest": public,
        "entry": entry,
        "board": selectors.contest_leaderboard(pk),
        "communities": selectors.contest_communities_public(pk),
        "open": public.is_open(timezone.now()),
        "error": error,
    }
    return _with_device(render(request, "portal/contest.html", context, status=429 if "频繁" in error else 200), new)


@login_not_required
@require_http_methods(["GET"])
def contest_paper(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if entry is None or entry.submitted_at is not None:
        return redirect("portal:contest", pk=pk)
    context = {"contest": selectors.public_contest(pk), "paper": selectors.contest_paper(entry)}
    return render(request, "portal/contest_paper.html", context)


@login_not_required
@require_POST
def contest_submit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if entry is None:
        return redirect("portal:contest", pk=pk)
    answers = {int(qid): "".join(request.POST.getlist(f"q{qid}")) for qid, _ in entry.items}
    try:
        entry = services.contest_submit(entry=entry, answers=answers)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"交卷成功，得分{entry.score}分。")
    return redirect("portal:contest", pk=pk)
