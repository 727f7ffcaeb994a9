"""Hostile input in the topic admin's `Speaker: line` dialogue (and its other fields): a NUL
byte, a 100 KB line, a pasted paragraph as a speaker, control characters, a "\u0000" escape in
a JSON field. Never a 500, and nothing is saved: a raw NUL anywhere in a form is refused for
the whole site by dlplatform/safe_input.py (a 400 that says so, before any view); the rest is a
field error on the form."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from conftest import course_sections
from lessons import dialogue
from lessons.models import Topic

BIG = "word " * 20_000  # 100 KB on one line


@pytest.fixture
def course(course_once, db) -> dict:
    """The fixture course, written once for the module (conftest.course_once)."""
    return course_sections(course_once)


def _form_data(topic: Topic, admin_user) -> dict[str, str]:
    """What the change page's form would send back unchanged (the admin's own form)."""
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site._registry[Topic]
    form = model_admin.get_form(request, topic)(instance=topic)
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def _lines(topic: Topic) -> list[str]:
    return dialogue.to_text(topic.dialogue).splitlines()


@pytest.fixture
def topic(course) -> Topic:
    return Topic.objects.get(slug="perceptron")


def _post(admin_client, topic: Topic, data: dict[str, str]):
    return admin_client.post(reverse("admin:lessons_topic_change", args=[topic.pk]), data)


def test_the_unchanged_form_saves(admin_client, admin_user, topic):
    response = _post(admin_client, topic, _form_data(topic, admin_user))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Maya: It adds them\x07 up.", "turn 2: contains a control character"),
        ("Maya: \x1b[31m", "turn 2: contains a control character"),
        (f"Maya: {BIG}", f"turn 2: longer than {dialogue.MAX_LINE_CHARS} characters"),
        (f"{BIG}: hello", "line 2: 'word word word word word word word w... is not in the cast"),
        ("Ma\x08ya: hello", "line 2: 'Ma\\x08ya' is not in the cast"),
        (BIG, "line 2: write it as 'Speaker: what they say'"),
    ],
    ids=["bel-in-line", "escape", "100kb-line", "100kb-speaker", "backspace-speaker", "100kb-raw"],
)
def test_a_hostile_dialogue_line_is_a_field_error(admin_client, admin_user, topic, line, message):
    before = list(topic.dialogue)
    lines = _lines(topic)
    lines[1] = line
    data = _form_data(topic, admin_user) | {"dialogue": "\n".join(lines)}
    response = _post(admin_client, topic, data)
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["dialogue"]
    assert errors["dialogue"][0].startswith(message)
    assert len(errors["dialogue"][0]) < 200  # a pasted 100 KB is not echoed in the message
    topic.refresh_from_db()
    assert topic.dialogue == before


@pytest.mark.parametrize("field", ["dialogue", "title", "explanation"])
def test_a_raw_nul_byte_is_refused_before_the_form_with_a_reason(
    admin_client, admin_user, topic, field
):
    data = _form_data(topic, admin_user)
    data[field] = data[field].replace("Maya:", "Maya: \x00", 1) if field == "dialogue" else "a\x00b"
    response = _post(admin_client, topic, data)
    assert response.status_code == 400
    assert "A form field contains a NUL character." in response.content.decode()
    assert Topic.objects.get(pk=topic.pk).title == topic.title


@pytest.mark.parametrize("field", ["examples", "applications", "memory_aids", "playground"])
def test_a_nul_escape_in_a_json_field_is_a_field_error(admin_client, admin_user, topic, field):
    data = _form_data(topic, admin_user)
    data[field] = '{"experiment": "a\\u0000b"}' if field == "playground" else '["a\\u0000b"]'
    response = _post(admin_client, topic, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field] and "NUL" in errors[field][0]


def test_a_nul_escape_in_a_section_json_field_is_a_field_error(admin_client, course):
    section = course["9.1"]
    page = admin_client.get(reverse("admin:lessons_section_change", args=[section.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["key_concepts"] = '["a\\u0000b"]'
    for inline in page.context["inline_admin_formsets"]:  # the topics and videos, unchanged
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for i, sub in enumerate(formset.forms):
            for name in sub.fields:
                value = sub[name].value()
                data[f"{formset.prefix}-{i}-{name}"] = "" if value is None else value
    response = admin_client.post(reverse("admin:lessons_section_change", args=[section.pk]), data)
    assert response.status_code == 200
    assert "NUL" in response.context["adminform"].form.errors["key_concepts"][0]
