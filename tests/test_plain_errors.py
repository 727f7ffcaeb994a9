"""A student never reads a server command: the empty course and deck pages tell them to ask
their instructor; instructors get the exact command (issue 17)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
COMMAND = "python manage.py load_content"


@pytest.mark.parametrize("name", ["lessons:index", "flashcards:index"])
def test_empty_pages_speak_plainly_to_students(student_client, name):
    html = student_client.get(reverse(name)).content.decode()
    assert "ask your instructor" in html and COMMAND not in html


@pytest.mark.parametrize("name", ["lessons:index", "flashcards:index"])
def test_empty_pages_give_instructors_the_command(instructor_client, name):
    html = instructor_client.get(reverse(name)).content.decode()
    assert f"<code>{COMMAND}</code>" in html


def test_signed_out_visitors_get_no_command(anon_client):
    html = anon_client.get(reverse("lessons:index")).content.decode()
    assert COMMAND not in html
