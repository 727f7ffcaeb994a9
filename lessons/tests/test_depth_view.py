"""POST /learn/depth/: remembers the overview depth per user."""

import re

from django.test import Client
from django.urls import reverse

from lessons.models import LessonPreference

URL = reverse("lessons:depth")


def _selected_tabs(html: str) -> list[str]:
    return re.findall(r'id="tab-(\w+)"[^>]*aria-selected="true"', html)


def test_json_request_saves_the_preference(student, student_client, course):
    response = student_client.post(URL, {"depth": "basic"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {"depth": "basic"}
    assert LessonPreference.objects.get(user=student).depth == "basic"


def test_form_post_redirects_back_and_the_page_opens_at_that_depth(student_client, course):
    section_url = reverse("lessons:section", args=["9.1"])

    response = student_client.post(URL, {"depth": "detailed", "next": section_url})

    assert response.status_code == 302 and response["Location"] == section_url
    html = student_client.get(section_url).content.decode()
    assert _selected_tabs(html) == ["detailed"]


def test_preference_is_per_user(student_client, other_client, other_student, course):
    student_client.post(URL, {"depth": "basic"})

    assert not LessonPreference.objects.filter(user=other_student).exists()
    html = other_client.get(reverse("lessons:section", args=["9.1"])).content.decode()
    assert _selected_tabs(html) == ["standard"]


def test_foreign_redirect_target_is_ignored(student_client, course):
    response = student_client.post(URL, {"depth": "basic", "next": "https://evil.example/"})

    assert response["Location"] == reverse("lessons:index")


def test_unknown_depth_is_400(student_client, course):
    assert student_client.post(URL, {"depth": "deepest"}).status_code == 400


def test_anonymous_csrf_and_method(anon_client, student, course):
    assert anon_client.post(URL, {"depth": "basic"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student)
    assert strict.post(URL, {"depth": "basic"}).status_code == 403
    assert not LessonPreference.objects.exists()
    assert Client().get(URL).status_code == 405
