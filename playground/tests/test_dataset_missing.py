"""With no digits data set, students are told to ask and cannot start; instructors see the command."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ASK = "the digits data set is not installed yet; ask your instructor"
PROMISE = "about 98% test accuracy in under a minute"
START = '<button class="btn btn-primary" type="submit"'


@pytest.fixture
def no_digits(settings, tmp_path):
    settings.PLAYGROUND_DATA_DIR = tmp_path


def _pages(client) -> tuple[str, str]:
    index = client.get(reverse("playground:index"))
    new = client.get(reverse("playground:new") + "?experiment=cnn")
    assert index.status_code == new.status_code == 200
    return index.content.decode(), new.content.decode()


def test_a_student_is_told_to_ask_and_start_is_disabled(no_digits, student_client):
    index, new = _pages(student_client)
    assert ASK in index.lower() and ASK in new.lower()
    assert PROMISE not in index, "no promise of 98% without the data set"
    assert START + " disabled>Start training" in new
    assert "make mnist" not in index + new


def test_an_instructor_sees_the_make_target(no_digits, instructor_client):
    index, new = _pages(instructor_client)
    assert "<code>make mnist</code>" in index and "<code>make mnist</code>" in new
    assert START + " disabled>Start training" in new


def test_with_the_data_set_the_promise_shows_and_start_is_enabled(student_client):
    index, new = _pages(student_client)  # the autouse fixture installed MNIST 10k
    assert PROMISE in index and ASK not in index.lower()
    assert START + ">Start training" in new and ASK not in new.lower()
