"""django-axes hooks: how an account is named for counting, and what a locked-out client sees."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """One counter per account however it is typed ("Alice ", "alice")."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The log-in page again, at 429, saying why and for how long, with Retry-After."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, math.ceil(seconds / 60))
    message = (
        "Too many failed log-in attempts for this account or from your address. "
        f"Log-in is blocked for {minutes} minute{'s' if minutes != 1 else ''}; "
        "you can reset your password meanwhile."
    )
    form = AuthenticationForm(request)
    response = render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
        status=429,
    )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
