"""UserWithRoleBackend: the signed-in user and their role in one query, never a stale role."""

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from dlplatform.accounts.backends import UserWithRoleBackend
from dlplatform.accounts.services import user_set_instructor

pytestmark = pytest.mark.django_db


def test_user_and_role_in_one_query(instructor, student):
    backend = UserWithRoleBackend()
    with CaptureQueriesContext(connection) as queries:
        loaded = backend.get_user(instructor.pk)
        assert loaded.is_instructor is True
        assert backend.get_user(student.pk).is_instructor is False
    assert len(queries) == 2  # one per user: the role came with the row


def test_a_role_change_counts_on_the_next_request(student, student_client):
    assert student_client.get("/quizzes/grading/").status_code == 403
    user_set_instructor(user=student, instructor=True)
    assert student_client.get("/quizzes/grading/").status_code == 200
    user_set_instructor(user=student, instructor=False)
    assert student_client.get("/quizzes/grading/").status_code == 403


def test_an_inactive_or_missing_user_is_signed_out(student, student_client):
    student.is_active = False
    student.save()
    assert student_client.get("/quizzes/").status_code == 302  # to the login page
    backend = UserWithRoleBackend()
    assert backend.get_user(student.pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("not-an-id") is None


def test_the_session_hash_is_still_verified(student, student_client):
    """A password change elsewhere signs this session out, as with Django's own backend."""
    request = RequestFactory().get("/")
    request.session = student_client.session
    assert get_user(request).pk == student.pk
    student.set_password("a-new-password-456")
    student.save()
    assert get_user(request).is_authenticated is False
