"""The one place settings read the environment, with types and clear errors."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def str(self, name: str, default: str | None = None) -> str:
        value = self._environ.get(name)
        if value is None:
            if default is None:
                raise ImproperlyConfigured(f"The environment variable {name} must be set.")
            return default
        return value

    def bool(self, name: str, default: bool) -> bool:
        raw = self._environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")

    def int(self, name: str, default: int) -> int:
        raw = self._environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None

    def list(self, name: str, default: list[str]) -> list[str]:
        raw = self._environ.get(name)
        if raw is None:
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def path(self, name: str, default: Path) -> Path:
        raw = self._environ.get(name)
        return Path(raw).resolve() if raw else default
