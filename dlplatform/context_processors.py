"""Template context every page gets."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest
from django.urls import reverse


@cache
def _site_urls() -> dict[str, str]:
    names = {
        "home": "home",
        "lessons": "lessons:index",
        "glossary": "glossary:index",
        "flashcards": "flashcards:index",
        "quizzes": "quizzes:index",
        "playground": "playground:index",
        "games": "games:index",
        "admin": "admin:index",
        "password_change": "password_change",
        "logout": "logout",
        "login": "login",
        "signup": "signup",
        "api_docs": "api-docs",
    }
    return {key: reverse(name) for key, name in names.items()}


def site(request: HttpRequest) -> dict[str, object]:
    """The shared header's and footer's links, reversed once per process rather than per page."""
    return {"site_urls": _site_urls()}
