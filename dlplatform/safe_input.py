"""Input that no view should ever see: NUL characters and JSON nested without bound.

PostgreSQL refuses NUL in text (a DataError, so a 500), and Python's JSON parser recurses once per
level (a RecursionError, so a 500, and deep data crashes whatever walks it later). Both are
refused here, once for the whole site: `NulGuardMiddleware` for query strings, paths and
form/JSON string values; `loads()` (used by the DRF parser and by every view or form that parses
JSON itself) for depth. Each answers 400 with a reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import get_resolver

MAX_JSON_DEPTH = 32  # our deepest legitimate document (a job config) is 4 levels deep

# A JSON "\u0000" escape: preceded by an even number of backslashes, so not an escaped "\\".
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadInput(SuspiciousOperation):
    """Refused input; the message is the reason shown to the client (see views.bad_request)."""


class JSONTooDeep(BadInput, ValueError):
    """A ValueError too, so every `except ValueError` around a JSON parse already handles it."""


def loads(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, **kwargs: Any) -> Any:
    """json.loads that refuses documents nested deeper than `max_depth`, with a reason."""
    try:
        data = json.loads(text, **kwargs)
    except RecursionError:
        raise JSONTooDeep(_too_deep(max_depth)) from None
    if _depth_exceeds(data, max_depth):
        raise JSONTooDeep(_too_deep(max_depth))
    return data


def _too_deep(max_depth: int) -> str:
    return f"The JSON is nested too deeply: at most {max_depth} levels of arrays and objects."


def _depth_exceeds(data: Any, max_depth: int) -> bool:
    """Walk without recursion, so the check itself cannot overflow the stack."""
    stack: list[tuple[Any, int]] = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def nul_problem(request: HttpRequest) -> str | None:
    """Where a NUL character is in this request, or None when there is none."""
    if "\x00" in request.path_info or "\x00" in request.path:
        return "The address contains a NUL character."
    raw_query = request.META.get("QUERY_STRING", "")
    if "\x00" in raw_query or _has_nul(request.GET.lists()):
        return "The query string contains a NUL character."
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.content_type or ""
    if content_type.startswith(_FORM_TYPES):
        if _has_nul(request.POST.lists()):  # decoded values; file contents are the importers' job
            return "A form field contains a NUL character."
    elif content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if b"\x00" in body or (b"\\u0000" in body and _JSON_NUL.search(body)):
            return "A JSON string contains a NUL character (\\u0000)."
    return None


def _has_nul(lists: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in lists)


class NulGuardMiddleware:
    """Refuse a request with a NUL anywhere a view could read it as text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = nul_problem(request)
        if reason is not None:
            # The project's 400 handler (urls.handler400, views.bad_request), found through the
            # URL resolver: views import this module for BadInput.
            # django-stubs types every error handler as the 500 one's (request only); 400, 403
            # and 404 handlers take the exception too.
            handler = cast(
                Callable[[HttpRequest, Exception], HttpResponse],
                get_resolver().resolve_error_handler(400),
            )
            return handler(request, BadInput(reason))
        return self.get_response(request)


def refuse_nul(value: Any) -> None:
    """A form field validator for parsed JSON: a "\\u0000" escape survives the middleware (it is
    six plain characters in a form field) and becomes a NUL that PostgreSQL refuses."""
    from django.core.exceptions import ValidationError

    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and "\x00" in node:
            raise ValidationError("Contains a NUL character (\\u0000), which cannot be stored.")
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
