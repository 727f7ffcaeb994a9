"""POST /learn/<number>/read/: login and CSRF required; marks and unmarks a section as read."""

from django.test import Client
from django.urls import reverse

from lessons.models import SectionRead


def _url(number="9.1"):
    return reverse("lessons:mark-read", args=[number])


def test_marks_and_unmarks_a_section(student, student_client, course):
    response = student_client.post(_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("lessons:section", args=["9.1"]))
    read = SectionRead.objects.get(user=student)
    assert read.section == course["9.1"]
    page = student_client.get(reverse("lessons:section", args=["9.1"])).content.decode()
    assert "Mark as unread" in page

    student_client.post(_url(), {"read": "0"})
    assert not SectionRead.objects.filter(user=student).exists()


def test_marking_twice_keeps_the_first_read_time(student, student_client, course):
    student_client.post(_url())
    first = SectionRead.objects.get(user=student).read_at

    student_client.post(_url())

    assert SectionRead.objects.get(user=student).read_at == first


def test_anonymous_is_sent_to_login(anon_client, course):
    response = anon_client.post(_url())

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not SectionRead.objects.exists()


def test_csrf_token_is_required(student, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    assert client.post(_url()).status_code == 403
    assert not SectionRead.objects.exists()


def test_get_is_405_and_unknown_section_404(student_client, course):
    assert student_client.get(_url()).status_code == 405
    assert student_client.post(_url("5.55")).status_code == 404
