import pytest
from django.urls import reverse

from dlplatform.accounts.models import User

pytestmark = pytest.mark.django_db


def test_signup_creates_a_student_and_logs_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "n@example.org",
            "password1": "a-Long-pass-42!",
            "password2": "a-Long-pass-42!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert not user.is_instructor and not user.is_staff
    assert client.get(reverse("home")).context["user"] == user


def test_signup_errors_are_field_level(client):
    response = client.post(reverse("signup"), {"username": "", "password1": "x", "password2": "y"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "username" in form.errors and "password2" in form.errors
    assert not User.objects.exists()


def test_signup_is_rate_limited(client):
    for i in range(20):
        client.post(reverse("signup"), {"username": f"u{i}", "password1": "a", "password2": "a"})
    response = client.post(
        reverse("signup"), {"username": "late", "password1": "a", "password2": "a"}
    )
    assert response.status_code == 429


def test_login_is_rate_limited(client, student):
    for _ in range(20):
        client.post(reverse("login"), {"username": student.username, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": student.username, "password": "pw-alice-123"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_logout_and_password_change(client, student):
    response = client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
    assert response.status_code == 302
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-alice-123",
            "new_password1": "N3w-secret-pass!",
            "new_password2": "N3w-secret-pass!",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("N3w-secret-pass!")
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST, never a link
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_instructor_group_grants_admin_and_content_permissions(instructor, student):
    assert instructor.is_instructor and instructor.is_staff
    assert not student.is_instructor
    from django.contrib.auth.models import Permission

    authored = Permission.objects.filter(
        content_type__app_label__in=["glossary", "lessons", "flashcards", "quizzes"]
    )
    for perm in authored:
        label = f"{perm.content_type.app_label}.{perm.codename}"
        assert instructor.has_perm(label) and not student.has_perm(label)
    jobs = Permission.objects.filter(content_type__app_label="playground")
    for perm in jobs:
        label = f"playground.{perm.codename}"
        assert instructor.has_perm(label) == perm.codename.startswith("view_")


def test_demo_users_command(settings, capsys):
    from django.core.management import call_command

    settings.DEMO_USERS = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    assert "password=demo-student-pass" in out
    assert User.objects.get(username="instructor").is_instructor
    assert not User.objects.get(username="student").is_instructor


def test_demo_users_refused_when_not_debug(settings):
    from django.core.management import CommandError, call_command

    settings.DEMO_USERS = False
    with pytest.raises(CommandError):
        call_command("create_demo_users")
