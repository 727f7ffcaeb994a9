"""Log-in throttling with django-axes, the client address behind the proxy, and password reset.

The old throttle counted every log-in per address: a class behind one NAT locked itself out,
and one account could be tried without limit from many addresses. Now only failures count,
per account and per address independently, and a success resets them.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from dlplatform.accounts.services import user_create
from dlplatform.ratelimit import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LIMIT = 10  # settings.AXES_FAILURE_LIMIT


def _login(username: str, password: str, ip: str, **extra: str):
    return Client(REMOTE_ADDR=ip, **extra).post(LOGIN, {"username": username, "password": password})


def _ok(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def _expire_cool_off(settings) -> None:
    from axes.models import AccessAttempt

    past = timedelta(minutes=1) + settings.AXES_COOLOFF_TIME
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)


@pytest.mark.slow
def test_200_students_behind_one_nat_all_log_in(settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    users = [user_create(username=f"class{i:03}", password="pw-class-123") for i in range(200)]
    for user in users:
        response = _login(user.username, "pw-class-123", "203.0.113.7")
        assert _ok(response), (user.username, response.status_code)


@pytest.mark.slow
def test_one_account_tried_from_ten_addresses_is_locked_until_the_cool_off(settings, student):
    for i in range(LIMIT):
        response = _login(student.username, f"guess-{i}", f"198.51.100.{i + 1}")
        assert response.status_code in (200, 429)
    # the right password, from yet another address, is refused while the account is locked
    locked = _login(student.username, "pw-alice-123", "192.0.2.200")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many failed log-in attempts" in body and "Forgot your password?" in body
    assert int(locked["Retry-After"]) > 0
    # another account from those addresses is not affected (each address failed once)
    user_create(username="carol", password="pw-carol-123")
    assert _ok(_login("carol", "pw-carol-123", "198.51.100.1"))
    _expire_cool_off(settings)
    assert _ok(_login(student.username, "pw-alice-123", "192.0.2.200"))


def test_the_account_counter_ignores_case_and_spaces(student):
    for i in range(LIMIT):
        name = [student.username.upper(), f" {student.username} ", student.username][i % 3]
        _login(name, "wrong", f"198.51.100.{i + 1}")
    assert _login(student.username, "pw-alice-123", "192.0.2.9").status_code == 429


def test_one_address_spraying_many_accounts_is_locked():
    for i in range(LIMIT):
        user_create(username=f"victim{i}", password="pw-victim-123")
        _login(f"victim{i}", "Password1", "203.0.113.66")
    user_create(username="dave", password="pw-dave-123")
    assert _login("dave", "pw-dave-123", "203.0.113.66").status_code == 429
    assert _ok(_login("dave", "pw-dave-123", "203.0.113.67"))  # dave's account is not locked


def test_a_success_resets_the_failures(student):
    for _ in range(LIMIT - 1):
        _login(student.username, "typo", "203.0.113.5")
    assert _ok(_login(student.username, "pw-alice-123", "203.0.113.5"))
    for _ in range(LIMIT - 1):
        _login(student.username, "typo", "203.0.113.5")
    assert _ok(_login(student.username, "pw-alice-123", "203.0.113.5"))


def test_x_forwarded_for_is_ignored_unless_behind_the_proxy(settings, student):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.BEHIND_TLS_PROXY = False
    assert client_ip(request) == "10.0.0.1"
    # a client that rotates the header from one address is still one address
    for i in range(LIMIT):
        _login(f"nobody{i}", "x", "10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    assert _login(student.username, "pw-alice-123", "10.0.0.1").status_code == 429


def test_behind_the_proxy_the_address_comes_from_the_trusted_hop(settings):
    settings.BEHIND_TLS_PROXY = True
    factory = RequestFactory()
    spoofed = "6.6.6.6, 198.51.100.20"  # the client wrote the first entry, our proxy the last
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=spoofed)
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.20"
    settings.TRUSTED_PROXY_COUNT = 2  # a CDN in front of the load balancer
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: trust only the socket
    assert client_ip(request) == "10.0.0.1"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(garbage) == "10.0.0.1"


def test_behind_the_proxy_students_of_one_lb_are_counted_apart(settings):
    """All requests come from the proxy's socket; axes must count the forwarded addresses."""
    settings.BEHIND_TLS_PROXY = True
    for i in range(LIMIT):
        user_create(username=f"p{i}", password="pw-p-123")
        _login(f"p{i}", "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i + 1}")
    user_create(username="erin", password="pw-erin-123")
    assert _ok(_login("erin", "pw-erin-123", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99"))


def test_the_signup_rate_limit_uses_the_same_client_address(settings):
    settings.BEHIND_TLS_PROXY = True
    for i in range(20):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1").post(
            reverse("signup"), {"username": f"s{i}", "password1": "a", "password2": "a"}
        )
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    response = other.post(reverse("signup"), {"username": "t", "password1": "a", "password2": "a"})
    assert response.status_code == 200  # a form error, not 429: another client behind the proxy


def test_password_reset_end_to_end(client):
    user = user_create(username="frank", email="frank@example.org", password="pw-frank-123")
    login_page = client.get(LOGIN).content.decode()
    assert reverse("password_reset") in login_page
    response = client.post(reverse("password_reset"), {"email": "frank@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert "Check your e-mail" in client.get(response.url).content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["frank@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)  # Django swaps the token into the session
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Brand-new-pass-77", "new_password2": "Brand-new-pass-77"},
    )
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert _ok(_login("frank", "Brand-new-pass-77", "192.0.2.1"))
    assert _login("frank", "pw-frank-123", "192.0.2.2").status_code == 200  # old one is gone
    again = client.get(link.group(1), follow=True)
    assert "This link no longer works" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password("Brand-new-pass-77")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "ghost@example.org"}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []
