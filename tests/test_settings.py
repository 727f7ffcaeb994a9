"""Production settings: refuse to start without a secret, and pass `check --deploy` cleanly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k8#Vq2!pZ7@rT4$wY9^uE1&iO6*aS3(dF5)gH0_jL-mN+bC=xQ" * 2,
    "ALLOWED_HOSTS": "learn.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://learn.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A bare environment: nothing of the test settings may leak into "production".
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    clean.update(env, DJANGO_SETTINGS_MODULE="dlplatform.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_runs_without_secret_on_embedded_defaults(tmp_path):
    env = {"DEBUG": "1", "VAR_DIR": str(tmp_path)}
    result = _manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_without_database_url_the_default_is_the_embedded_postgresql(tmp_path):
    code = "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['HOST'])"
    env = {"DEBUG": "1", "VAR_DIR": str(tmp_path)}
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    clean.update(env, DJANGO_SETTINGS_MODULE="dlplatform.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", str(tmp_path / "pg")], (
        result.stderr
    )
    assert not (tmp_path / "pg").exists(), "reading the settings starts no server"


def test_sqlite_is_refused():
    result = _manage("check", env={"DEBUG": "1", "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0 and "must name a PostgreSQL database" in result.stderr


def test_web_process_never_imports_torch():
    code = (
        "import django, sys; django.setup();"
        "from django.test import Client; from django.urls import reverse;"
        "import dlplatform.urls, playground.views, playground.tasks;"
        "print('torch' in sys.modules)"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="dlplatform.settings_test")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
