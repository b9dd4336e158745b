"""The token settings page (接口令牌): thin — read through selectors, write through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pufa.api import selectors, services
from pufa.api.forms import TokenForm
from pufa.core.forms import apply_errors


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens and the form for a new one; a new token is shown on this response only."""
    form = TokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        try:
            made = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                read_only=form.cleaned_data["read_only"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            new_key = made.key
            form = TokenForm()
    response = render(
        request,
        "api/token_list.html",
        {
            "tokens": selectors.token_list(actor=request.user),
            "form": form,
            "new_key": new_key,
            "docs_url": reverse("api-v1:openapi-view"),
            "schema_url": reverse("api-v1:openapi-json"),
        },
    )
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(actor=request.user, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"已吊销令牌：{token.name}")
    return redirect("api:token-list")
