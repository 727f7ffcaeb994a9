"""An early brake on try-it floods, before sessions, users or the request body are read.

The per-user limits in `services.inference_admit` are the rule; they run after the session and
the user have been loaded (a few milliseconds). Forty connections of one student sending
requests back to back would still fill the web threads with that work, and another student's
page would queue behind it. This middleware counts try-it requests per session cookie (the
client address when there is none) with one cache round trip and refuses the excess at once.
A made-up cookie gains nothing: past this brake the request is anonymous and gets 403.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from dlplatform import ratelimit

from . import conf

TRY_IT = re.compile(r"^/api/playground/jobs/\d+/(predict-digit|generate)/$")
TICKET = re.compile(r"^/api/playground/jobs/\d+/inference/[0-9a-f]{32}/$")


class TryItGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refusal(request)
        return refused if refused is not None else self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse | None:
        path = request.path_info
        if request.method == "POST" and TRY_IT.match(path):
            key, limit = f"tryit:{_who(request)}", conf.get("PLAYGROUND_INFER_LIMIT")
            window = conf.get("PLAYGROUND_INFER_WINDOW_S")
        elif request.method == "GET" and TICKET.match(path):
            key, limit = f"tryit-poll:{_who(request)}", conf.get("PLAYGROUND_INFER_POLLS_PER_S")
            window = 1
        else:
            return None
        if ratelimit.hit(key=key, limit=limit, window_s=window):
            return None
        return _refuse(max(1, window - int(time.time()) % window))


def _who(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME) or ratelimit.client_ip(request)
    return hashlib.sha256(cookie.encode()).hexdigest()[:32]


def _refuse(retry_after: int) -> HttpResponse:
    response = JsonResponse(
        {"detail": "Too many try-it requests. Wait a little and try again."}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response
