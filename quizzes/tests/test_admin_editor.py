"""The question editor (issue 16 §5): the type is chosen first and decides the form (its rows,
its settings as real fields from its spec_schema); tags and hints are lists."""

import re

import pytest

from quizzes.models import Question

from .admin_forms import question_change_data
from .factories import make_question

pytestmark = pytest.mark.django_db
ADD = "/admin/quizzes/question/add/"


def _form(question: Question, **extra: str) -> dict[str, str]:
    return question_change_data(**{"name": question.name, "stem": question.stem, **extra})


def _field_errors(html: str, name: str) -> str:
    """The error list Django's admin writes in the row of field `name`."""
    row = re.search(
        rf'<div class="form-row[^"]*field-{name}[^"]*">(.*?)</div>\s*</div>', html, re.S
    )
    assert row, name
    return row.group(1)


def test_adding_starts_with_the_type_and_each_type_gets_only_its_own_form(admin_client):
    chooser = admin_client.get(ADD).content.decode()
    assert f'href="{ADD}?type=essay"' in chooser and 'name="stem"' not in chooser
    short = admin_client.get(ADD + "?type=short").content.decode()
    assert "choices-TOTAL_FORMS" in short and "numerical_answers-TOTAL_FORMS" not in short
    assert 'type="checkbox" name="spec_case_sensitive"' in short
    essay = admin_client.get(ADD + "?type=essay").content.decode()
    assert '<div class="readonly">Essay</div>' in essay
    assert "-TOTAL_FORMS" not in essay and 'name="spec_case_sensitive"' not in essay
    number = re.search(r'<input type="number" name="spec_min_words"[^>]*>', essay)
    assert number and 'min="0"' in number.group(0) and 'max="10000"' in number.group(0)
    assert "0: no lower limit." in essay
    assert re.search(r'<textarea name="spec_response_template"', essay)
    units = admin_client.get(ADD + "?type=numerical").content.decode()
    assert re.search(r'<select name="spec_unit_input"', units)
    assert "numerical_answers-TOTAL_FORMS" in units and "choices-TOTAL_FORMS" not in units
    assert "match_pairs-TOTAL_FORMS" not in units
    # A category given to the chooser is the form's initial category.
    chooser = admin_client.get(ADD + "?category=Week+1").content.decode()
    assert f'href="{ADD}?category=Week+1&amp;type=short"' in chooser
    page = admin_client.get(ADD + "?category=Week+1&type=short").content.decode()
    assert re.search(r'name="category" value="Week 1"', page)
    # An unknown type is not a form of every type: the chooser again.
    assert 'name="stem"' not in admin_client.get(ADD + "?type=nope").content.decode()


def test_a_question_added_with_a_chosen_type_keeps_it(admin_client):
    data = {
        "name": "Explain it",
        "stem": "Explain dropout.",
        "stem_format": "markdown",
        "difficulty": "easy",
        "tags": "regularisation",
        "hints": "",
        "default_mark": "2",
        "penalty": "0.1",
        "spec_min_words": "10",
        "spec_max_words": "",
        "type": "single",  # ignored: the type was chosen before
    }
    assert admin_client.post(ADD + "?type=essay", data).status_code == 302
    question = Question.objects.get(name="Explain it")
    assert question.type == "essay" and question.tags == ["regularisation"]
    assert question.spec == {
        "response_template": "",
        "grader_info": "",
        "min_words": 10.0,
        "max_words": 0,
    }


def test_spec_fields_validate_with_errors_on_their_own_field(admin_client):
    question = make_question("essay", slug="ed-essay")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    bad = _form(question, spec_min_words="20000", spec_max_words="abc")
    response = admin_client.post(url, bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "less than or equal to 10000" in _field_errors(html, "spec_min_words")
    assert "Enter a number." in _field_errors(html, "spec_max_words")
    question.refresh_from_db()
    assert question.spec.get("min_words", 0) == 0
    good = _form(question, spec_min_words="5", spec_max_words="300", spec_grader_info="Look for")
    assert admin_client.post(url, good).status_code == 302
    question.refresh_from_db()
    assert question.spec == {
        "response_template": "",
        "grader_info": "Look for",
        "min_words": 5.0,
        "max_words": 300.0,
    }
    page = admin_client.get(url).content.decode()
    assert re.search(r'name="spec_max_words" value="300', page)


def test_a_list_setting_is_one_record_a_line_checked_by_its_items(admin_client):
    question = make_question("gapselect", slug="ed-gaps")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    page = admin_client.get(url).content.decode()
    stored = question.spec["choices"]
    assert f"{stored[0]['text']} | {stored[0]['group']}" in page
    response = admin_client.post(url, _form(question, spec_choices="max | many"))
    assert response.status_code == 200
    errors = _field_errors(response.content.decode(), "spec_choices")
    assert "the group is a number from 1 to 20" in errors
    choices = "max\nmean | 2\n\n a | b | 3 "
    assert admin_client.post(url, _form(question, spec_choices=choices)).status_code == 302
    question.refresh_from_db()
    assert question.spec["choices"] == [
        {"text": "max", "group": 1},
        {"text": "mean", "group": 2},
        {"text": "a | b", "group": 3},
    ]


def test_units_are_edited_one_a_line(admin_client):
    question = make_question("numerical_units", slug="ed-units")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    inline = {"numerical_answers-TOTAL_FORMS": "0", "numerical_answers-INITIAL_FORMS": "0"}
    form = _form(
        question,
        spec_units="px\ncm | x",
        spec_unit_input="select",
        spec_unit_grading="question",
        spec_unit_penalty="0.25",
        **inline,
    )
    html = admin_client.post(url, form).content.decode()
    assert "the multiplier is not a number" in _field_errors(html, "spec_units")
    form["spec_units"] = "px\ncm | 0.5"
    form["spec_unit_penalty"] = "2"
    html = admin_client.post(url, form).content.decode()
    assert "less than or equal to 1" in _field_errors(html, "spec_unit_penalty")
    form["spec_unit_penalty"] = "0.25"
    assert admin_client.post(url, form).status_code == 302
    question.refresh_from_db()
    assert question.spec == {
        "units": [{"unit": "px", "multiplier": 1.0}, {"unit": "cm", "multiplier": 0.5}],
        "unit_input": "select",
        "unit_grading": "question",
        "unit_penalty": 0.25,
    }
    assert "cm | 0.5</textarea>" in admin_client.get(url).content.decode()


def test_tags_and_hints_are_lists_that_round_trip(admin_client):
    question = make_question("essay", slug="ed-tags")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    form = _form(
        question,
        tags="cnn\npooling, stride\ncnn\n\n",
        hints="Think of the chain rule.\n\nMultiply many small\nfactors together.\n",
    )
    assert admin_client.post(url, form).status_code == 302
    question.refresh_from_db()
    assert question.tags == ["cnn", "pooling", "stride"]
    assert question.hints == ["Think of the chain rule.", "Multiply many small\nfactors together."]
    page = admin_client.get(url).content.decode()
    assert "cnn\npooling\nstride</textarea>" in page
    assert "Think of the chain rule.\n\nMultiply many small\nfactors together.</textarea>" in page
    # Posting the page back unchanged keeps both lists as they are.
    assert admin_client.post(url, _form(question, tags="cnn\npooling\nstride")).status_code == 302
    question.refresh_from_db()
    assert question.tags == ["cnn", "pooling", "stride"]
    too_long = _form(question, tags="x" * 101)
    html = admin_client.post(url, too_long).content.decode()
    assert "A tag has at most 100 characters" in _field_errors(html, "tags")


def test_combined_feedback_is_fields_of_its_own_where_the_type_has_it(admin_client):
    question = make_question("multi", slug="ed-combined")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="combined_correct"' in page and 'name="combined_feedback"' not in page
    inline = {"choices-TOTAL_FORMS": "0", "choices-INITIAL_FORMS": "0"}
    form = _form(
        question,
        combined_correct="Well done.",
        combined_incorrect="Not this time.",
        combined_show_num_correct="on",
        **inline,
    )
    form.update(
        {
            f"choices-{i}-{k}": v
            for i, c in enumerate(question.choices.all())
            for k, v in (
                ("id", str(c.pk)),
                ("question", str(question.pk)),
                ("order", str(c.order)),
                ("text", c.text),
                ("fraction", str(c.fraction)),
                ("feedback", c.feedback),
            )
        }
    )
    form["choices-TOTAL_FORMS"] = form["choices-INITIAL_FORMS"] = str(question.choices.count())
    assert admin_client.post(url, form).status_code == 302
    question.refresh_from_db()
    assert question.combined_feedback == {
        "correct": "Well done.",
        "incorrect": "Not this time.",
        "show_num_correct": True,
    }
    page = admin_client.get(url).content.decode()
    assert "Well done.</textarea>" in page
    essay = make_question("essay", slug="ed-no-combined")
    page = admin_client.get(f"/admin/quizzes/question/{essay.pk}/change/").content.decode()
    assert 'name="combined_' not in page


def test_the_editor_pages_are_csp_clean(admin_client):
    """No inline script, no style attribute, no event handler (script-src/style-src 'self')."""
    question = make_question("numerical_units", slug="ed-csp")
    pages = [
        ADD,
        ADD + "?type=gapselect",
        f"/admin/quizzes/question/{question.pk}/change/",
        f"/admin/quizzes/question/{question.pk}/preview/?behaviour=deferredcbm",
        f"/admin/quizzes/question/{question.pk}/preview/?show=review",
    ]
    bodies = [admin_client.get(url).content.decode() for url in pages]
    action = {"action": "move_to_category", "_selected_action": [question.pk]}
    bodies.append(admin_client.post("/admin/quizzes/question/", action).content.decode())
    for url, html in zip([*pages, "move"], bodies, strict=True):
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        inline = [a for a, body in scripts if body.strip() and "application/json" not in a]
        assert not inline, (url, inline)
        assert not re.search(r"\sstyle=\"|\son[a-z]+=\"", html), url
