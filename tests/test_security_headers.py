"""Production security settings as the browser sees them, and CSRF on the forms of the shell."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_like(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_plain_http_is_redirected_to_https(production_like):
    response = Client().get("/", secure=False)
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_https_responses_carry_the_security_headers(production_like):
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "object-src 'none'" in csp
    )


def test_session_and_csrf_cookies_are_secure(production_like, student):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "pw-alice-123"}, secure=True
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] and response.cookies["sessionid"]["httponly"]
    form_page = Client().get("/accounts/login/", secure=True)
    assert form_page.cookies["csrftoken"]["secure"]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (
            "/accounts/signup/",
            {"username": "x", "password1": "a-Long-pass-42!", "password2": "a-Long-pass-42!"},
        ),
        ("/accounts/login/", {"username": "alice", "password": "pw-alice-123"}),
        ("/accounts/logout/", {}),
    ],
)
def test_shell_forms_enforce_csrf(url, data, student):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, data)
    assert response.status_code == 403
