"""Admin: list filters, preview as a student (no answers), duplicate, inlines per type."""

import pytest

from quizzes.models import Question

from .admin_forms import question_change_data
from .factories import make_question, make_quiz, make_section

pytestmark = pytest.mark.django_db


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


def test_each_type_shows_only_its_own_fields(admin_client):
    """A type's inline (its answer rows) and its spec (its settings) only; a gap type has no
    rows of its own; the preview of a new type shows no answer."""
    pages = {}
    for kind in ("single", "short", "numerical_units", "gapselect", "ddwtos", "matching"):
        question = make_question(kind, slug=f"own-{kind.replace('_', '-')}")
        html = admin_client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
        pages[kind] = (question, html)
    assert 'name="spec_' not in pages["single"][1] and 'name="spec_' not in pages["matching"][1]
    assert 'name="spec_case_sensitive"' in pages["short"][1]
    assert 'name="spec_unit_penalty"' in pages["numerical_units"][1]
    assert "numerical_answers-TOTAL_FORMS" in pages["numerical_units"][1]
    for kind in ("gapselect", "ddwtos"):
        question, html = pages[kind]
        assert 'name="spec_choices"' in html and "-TOTAL_FORMS" not in html
        preview = admin_client.get(f"/admin/quizzes/question/{question.pk}/preview/")
        assert preview.status_code == 200 and "1: " not in preview.content.decode()


def test_a_spec_flag_is_a_checkbox_and_saves_its_json(admin_client):
    question = make_question("short", slug="bad-spec")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    form = question_change_data(
        name=question.name,
        stem=question.stem,
        type="short",
        **{"choices-TOTAL_FORMS": "0", "choices-INITIAL_FORMS": "0"},
    )
    form["spec_case_sensitive"] = "on"
    assert admin_client.post(url, form).status_code == 302
    question.refresh_from_db()
    assert question.spec == {"case_sensitive": True}


def test_a_cloze_stem_typed_in_the_admin_is_read_into_its_spec(admin_client):
    question = make_question("cloze", slug="admin-cloze")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    form = question_change_data(
        name=question.name, stem="A {1:SA:=ReLU#yes} and {2:MC:=max~min}.", type="cloze"
    )
    assert admin_client.post(url, form).status_code == 302
    question.refresh_from_db()
    assert question.stem == "A [[1]] and [[2]]."
    assert [g["syntax"] for g in question.spec["gaps"]] == ["SA", "MC"]
