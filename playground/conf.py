"""Playground limits and timings, read when they are needed (so tests' overrides reach them).

They are defined, with their defaults and environment variables, in one place: the Playground
section of dlplatform/settings.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def get(name: str) -> Any:
    return getattr(settings, name)
