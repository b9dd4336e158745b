"""The data interface (数据接口) at /api/: django-ninja, synchronous views, OpenAPI 3.1 at /api/schema/.

Every resource reads through its app's selectors and writes through its services, so the scope, the
permission checks, validation, audit, workflow and event listeners are those of the pages:

- invisible → 404 (`visible_or_404` in the selectors), visible but not allowed → 403 (`require`), no
  credentials → 401; a service's ValidationError → 422 in the same shape as a malformed request; an edit over
  a newer version → 409.
- Personal data is masked as on the pages (the schemas of each app decide it).

The schemas live beside the models in each app (`pufa.<app>.schemas`); this module only routes. Other areas
add a router here with their selectors and schemas.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer

from pufa.api.auth import BrowserSession, TokenAuth, TokenRateThrottle
from pufa.api.resources import activities, areas, duties, org, plans, progress, reports
from pufa.core.workflow import Conflict

DESCRIPTION = """普法工作平台的数据接口：区划与单位、规划任务与指标、工作台账、普法责任清单、工作进度、工作报告和通报，
以及以案释法案例、法治文化阵地、队伍成员和学法考试成绩。

**身份**：在平台“接口令牌”页面创建个人令牌，请求时加请求头 `Authorization: Bearer pufa_…`；令牌与本人登录后
看到和能做的完全相同（只读令牌不能修改数据）。浏览器中已登录时也可直接调用（修改数据须带 `X-CSRFToken`）。

**范围**：看不到的记录返回 404，能看不能改返回 403，未登录返回 401，数据有误返回 422，记录已被他人修改返回 409，
超出频率限制返回 429。
**翻页**：台账列表按活动日期倒序，用上一页返回的 `next_cursor` 取下一页（不计总数，百万条记录同样快）。
"""


class LocalSwagger(DocsBase):
    """Swagger UI served from pufa's own static files (django-ninja's copies; `ninja` is an installed app), with
    no inline script and no request to another host, so the site's CSP holds on the docs page."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,  # Swagger UI would otherwise ask validator.swagger.io about the schema
        }
        return render(request, self.template, {"api": api, "swagger_settings": settings})


class ChineseJSON(JSONRenderer):
    """UTF-8 JSON: Chinese text as itself, not \\u escapes (half the bytes, readable in any log)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="普法工作平台数据接口",
    version="1.0",
    description=DESCRIPTION,
    auth=[TokenAuth(), BrowserSession(csrf=True)],
    throttle=[TokenRateThrottle()],
    openapi_url="/schema/",
    docs_url="/docs/",
    docs=LocalSwagger(),
    urls_namespace="api-v1",
    renderer=ChineseJSON(),
)

api.add_router("/", org.router)
api.add_router("/", plans.router)
api.add_router("/", activities.router)
api.add_router("/", duties.router)
api.add_router("/", progress.router)
api.add_router("/", reports.router)
api.add_router("/", areas.router)


def _errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"type": "value_error", "loc": ["body", name], "msg": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"type": "value_error", "loc": ["body"], "msg": message} for message in exc.messages]


@api.exception_handler(DjangoValidationError)
def _service_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if isinstance(exc, Conflict):
        return api.create_response(request, {"detail": exc.messages[0]}, status=409)
    return api.create_response(request, {"detail": _errors(exc)}, status=422)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "您没有权限进行此操作。"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "未找到该记录"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": "请提供有效的接口令牌或先登录。"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="pufa"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = "请求体不是有效的 JSON。"
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return api.create_response(request, {"detail": "请求过于频繁，请稍后再试。"}, status=429)


@api.exception_handler(NinjaValidationError)
def _malformed(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=422)


NUL_MESSAGE = "不能包含空字符（\\u0000）。"


def _nul_in(value: Any, loc: list[str | int]) -> list[str | int] | None:
    """Where a NUL character hides in parsed JSON, or None."""
    if isinstance(value, str):
        return loc if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return [*loc, key]
        found = _nul_in(item, [*loc, key])
        if found is not None:
            return found
    return None


def _nul_location(request: HttpRequest) -> list[str | int] | None:
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return ["query", key]
    if request.body and b"\\u0000" in request.body.lower():
        try:
            return _nul_in(json.loads(request.body), ["body"])
        except ValueError:
            return None  # not JSON: ninja answers 400
    return None


def _refusing_nul(view: Any) -> Any:
    """Text with a NUL character is refused (422), as Django's form fields refuse it on the pages: PostgreSQL
    cannot store it, and no legitimate title or search contains one."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        loc = _nul_location(request)
        if loc is not None:
            body = {"detail": [{"type": "value_error", "loc": loc, "msg": NUL_MESSAGE}]}
            return api.create_response(request, body, status=422)
        return view(request, *args, **kwargs)

    return guarded


def _open(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """The API answers 401 itself: opt its views out of LoginRequiredMiddleware (which would redirect); and
    refuse NUL characters before any view reads them."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open(pattern.url_patterns)
        else:
            pattern.callback = login_not_required(_refusing_nul(pattern.callback))
    return patterns


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/ (a path parameter of the wrong form included) is a JSON 404, not a page."""
    return JsonResponse({"detail": "没有这个接口地址。"}, status=404, json_dumps_params={"ensure_ascii": False})


def urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    return [*_open(list(patterns)), re_path(r"^(?P<rest>.*)$", not_found)], app_name, namespace
