"""Admin: list filters, preview as a student (no answers), duplicate, inlines per type."""

import pytest
from django.contrib.auth import get_user_model

from quizzes.models import Question

from .factories import make_question, make_quiz, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(user)
    return client


def test_changelist_filters_and_search(admin_client):
    section = make_section()
    make_question("single", section, slug="tagged", tags=["pooling"], difficulty="easy")
    make_question("short", section, slug="other", tags=["relu"])
    base = "/admin/quizzes/question/"
    assert admin_client.get(base).status_code == 200
    html = admin_client.get(base + "?tag=pooling").content.decode()
    assert "tagged" in html and "other" not in html
    for query in (
        "?type__exact=short",
        "?difficulty__exact=easy",
        f"?section__id__exact={section.pk}",
        "?q=shrinks",
    ):
        assert admin_client.get(base + query).status_code == 200


def test_preview_shows_the_question_without_answers(admin_client):
    question = make_question("short", slug="prev")
    html = admin_client.get(f"/admin/quizzes/question/{question.pk}/preview/").content.decode()
    assert "Name the usual hidden-layer activation." in html
    assert "SECRETRELU" not in html and "FEEDBACK-" not in html


def test_preview_needs_staff(student_client):
    question = make_question("single", slug="p2")
    assert student_client.get(f"/admin/quizzes/question/{question.pk}/preview/").status_code == 302


def test_duplicate_action(admin_client):
    question = make_question("ordering", slug="dup")
    resp = admin_client.post(
        "/admin/quizzes/question/",
        {"action": "duplicate_questions", "_selected_action": [question.pk]},
    )
    assert resp.status_code == 302
    copy = Question.objects.exclude(pk=question.pk).get()
    assert copy.name.endswith("(copy)") and copy.ordering_items.count() == 5


def test_change_pages_render_with_inlines(admin_client):
    for kind in ("single", "numerical", "matching", "ordering"):
        question = make_question(kind, slug=f"c-{kind}")
        assert admin_client.get(f"/admin/quizzes/question/{question.pk}/change/").status_code == 200
    assert admin_client.get("/admin/quizzes/question/add/").status_code == 200
    quiz = make_quiz(["single"])
    html = admin_client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()
    assert "slots-TOTAL_FORMS" in html
