"""The one place settings read the environment, with types and clear errors."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

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

    def bool(self, name: builtins.str, default: builtins.bool) -> builtins.bool:
        raw = self._environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")

    def int(self, name: builtins.str, default: builtins.int) -> builtins.int:
        raw = self._environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None

    def list(
        self, name: builtins.str, default: builtins.list[builtins.str]
    ) -> builtins.list[builtins.str]:
        raw = self._environ.get(name)
        if raw is None:
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def path(self, name: builtins.str, default: Path) -> Path:
        raw = self._environ.get(name)
        return Path(raw).resolve() if raw else default


SMTP = "django.core.mail.backends.smtp.EmailBackend"
FILE_MAIL = "django.core.mail.backends.filebased.EmailBackend"


def email_settings(
    *, url: str, host: str, port: int, user: str, password: str, tls: bool, debug: bool
) -> dict[str, object]:
    """Django's EMAIL_* values from EMAIL_URL, else from EMAIL_HOST and friends.

    `smtp://user:pass@host:587` uses STARTTLS (`?tls=0` turns it off), `smtps://host:465` implicit
    TLS. With neither set, DEBUG writes mail to files (EMAIL_FILE_PATH) and production talks
    SMTP to localhost:25, which is what a host with a local relay expects.
    """
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL must be smtp://... or smtps://..., not {url!r}.")
        ssl = parts.scheme == "smtps"
        query = parse_qs(parts.query)
        return {
            "backend": SMTP,
            "host": parts.hostname,
            "port": parts.port or (465 if ssl else 587),
            "user": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": not ssl and query.get("tls", ["1"])[0].lower() not in _FALSE,
            "use_ssl": ssl,
        }
    if host:
        return {
            "backend": SMTP,
            "host": host,
            "port": port,
            "user": user,
            "password": password,
            "use_tls": tls,
            "use_ssl": False,
        }
    return {
        "backend": FILE_MAIL if debug else SMTP,
        "host": "localhost",
        "port": 25,
        "user": "",
        "password": "",
        "use_tls": False,
        "use_ssl": False,
    }
