"""The instructor's preview of a question (issue 16 §5): as the student sees it, in each
behaviour, with no answer in the page, linked from the change page, closed to students."""

import pytest
from django.contrib.auth import get_user_model

from quizzes.models import Behaviour

from .factories import make_question

pytestmark = pytest.mark.django_db


def _preview(client, pk: int, behaviour: str = "") -> str:
    query = f"?behaviour={behaviour}" if behaviour else ""
    response = client.get(f"/admin/quizzes/question/{pk}/preview/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_preview_renders_in_every_behaviour_without_answers(admin_client):
    question = make_question("short", slug="pv-short")
    for behaviour in Behaviour.values:
        html = _preview(admin_client, question.pk, behaviour)
        assert "Name the usual hidden-layer activation." in html
        assert "SECRETRELU" not in html and "FEEDBACK-" not in html and "EXPLAIN" not in html
        checks = "check-answer" in html
        assert checks == (behaviour in ("interactive", "immediate", "adaptive")), behaviour
        assert ('name="certainty-' in html) == (behaviour == "deferredcbm"), behaviour
        assert f'?behaviour={behaviour}" aria-current="page"' in html
    # No choice (or a bad one) is the deferred behaviour, never an error.
    assert "check-answer" not in _preview(admin_client, question.pk, "<script>")


def test_a_choice_question_previews_its_options_by_tokens_only(admin_client):
    question = make_question("single", slug="pv-single")
    html = _preview(admin_client, question.pk, "interactive")
    for choice in question.choices.all():
        assert choice.text in html
        assert f'value="{choice.pk}"' not in html
    assert 'name="certainty-' not in html


def test_a_description_has_no_certainty_in_cbm(admin_client):
    question = make_question("description", slug="pv-desc")
    html = _preview(admin_client, question.pk, "deferredcbm")
    assert 'name="certainty-' not in html and "check-answer" not in html


def test_the_change_page_links_its_preview(admin_client):
    question = make_question("essay", slug="pv-link")
    page = admin_client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    assert f'href="/admin/quizzes/question/{question.pk}/preview/"' in page


def test_the_preview_is_for_instructors_only(student_client, client):
    question = make_question("short", slug="pv-closed")
    url = f"/admin/quizzes/question/{question.pk}/preview/?behaviour=interactive&show=review"
    response = student_client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(url).status_code == 302  # anonymous
    staff = get_user_model().objects.create_user("helper", password="pw-helper-123", is_staff=True)
    client.force_login(staff)  # staff without the question permissions
    response = client.get(url)
    assert response.status_code == 403 and b"SECRETRELU" not in response.content


def test_the_instructor_may_show_the_review_with_the_right_answer(admin_client):
    question = make_question("short", slug="pv-review")
    html = _preview(admin_client, question.pk, "interactive")
    assert "show=review" in html and "SECRETRELU" not in html
    response = admin_client.get(
        f"/admin/quizzes/question/{question.pk}/preview/?behaviour=deferredcbm&show=review"
    )
    review = response.content.decode()
    assert "Right answer:" in review and "SECRETRELU" in review and "EXPLAIN-short" in review
    assert 'name="certainty-' not in review and "check-answer" not in review
