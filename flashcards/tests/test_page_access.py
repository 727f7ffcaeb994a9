"""Every flashcards page needs a login and answers only GET."""

import pytest
from django.urls import reverse

PAGES = [
    ("flashcards:index", []),
    ("flashcards:history", []),
    ("flashcards:study", ["section-9-1"]),
    ("flashcards:section", ["9.1"]),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_goes_to_login(anon_client, course, name, args):
    response = anon_client.get(reverse(name, args=args))

    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_post_is_405(student_client, course, name, args):
    assert student_client.post(reverse(name, args=args)).status_code == 405
