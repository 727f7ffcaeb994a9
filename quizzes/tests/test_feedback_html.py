"""Hints and answers' feedback as HTML: a Moodle XML question's keep their markup and images.

An HTML question's hints (FileArea.HINT) and answers' feedback (FileArea.ANSWER_FEEDBACK) are
shown sanitized, their `@@PLUGINFILE@@/name` images at the URL that serves them and any other
<img> without its src (presenters.render_feedback); our own bank's plain text still shows as
escaped text with its line breaks. The integrity rules are unchanged: the hint only after a
failed try in the interactive behaviour, the feedback only once locked and the review options
show specific feedback; the images are served (else 404) exactly then.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.formats import parse_moodle_xml
from quizzes.formats.moodle_xml import export_moodle_xml
from quizzes.models import Behaviour, Question, Quiz, QuizSlot
from quizzes.review import ALL_TIMES
from quizzes.services.importing import questions_import

from .factories import make_section

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
FILE = f'<file name="a.png" path="/" encoding="base64">{base64.b64encode(PNG).decode()}</file>'
ATTACKS = '<script>alert("x")</script><img src="http://evil.example/x.png" alt="theirs">'
XML = f"""<quiz>
<question type="multichoice">
<name><text>Hinge</text></name>
<questiontext format="html"><text><![CDATA[<p>Which one is the hinge?</p>]]></text></questiontext>
<single>true</single>
<answer fraction="100"><text>ReLU</text>
<feedback format="html"><text><![CDATA[<p>Yes.</p>]]></text></feedback></answer>
<answer fraction="0"><text>Sigmoid</text>
<feedback format="html"><text><![CDATA[<p><strong>FB-no</strong>: see
<img src="@@PLUGINFILE@@/a.png" alt="fb pic">{ATTACKS}</p>]]></text>{FILE}</feedback></answer>
<hint format="html"><text><![CDATA[<p>Think of a <em>HINT-hinge</em>
<img src="@@PLUGINFILE@@/a.png" alt="hint pic">{ATTACKS}</p>]]></text>{FILE}</hint>
</question>
</quiz>
"""

pytestmark = pytest.mark.django_db


def _import() -> Question:
    report = questions_import(text=XML, fmt="moodlexml", section=make_section())
    assert report.ok, report.errors
    return Question.objects.get(pk=report.question_ids[0])


def _quiz(question: Question, **settings) -> Quiz:
    quiz = Quiz.objects.create(
        section=question.section, title="Hinge", shuffle_answers=False, **settings
    )
    QuizSlot.objects.create(quiz=quiz, question=question, order=0)
    return quiz


def _url(question: Question, area: str) -> str:
    return f"/quizzes/files/{question.pk}/{area}/a.png"


def _answer_wrong(attempt, question: Question) -> None:
    wrong = question.choices.get(fraction=0).pk
    services.attempt_save_answer(
        attempt=attempt, question_id=question.pk, response=wrong, now=timezone.now()
    )


def _pages(client, attempt) -> tuple[str, dict]:
    html = client.get(f"/quizzes/attempt/{attempt.pk}/").content.decode()
    return html, client.get(f"/api/quizzes/attempts/{attempt.pk}/").json()


def _assert_sanitized(html: str) -> None:
    assert "<script>alert" not in html and "alert(" not in html  # the page's own scripts stay
    assert "evil.example" not in html
    assert "&lt;p&gt;" not in html and "&lt;img" not in html  # no markup shown as text


def test_the_hint_shows_as_html_with_its_image_only_after_a_failed_try(student, student_client):
    question = _import()
    quiz = _quiz(question, behaviour=Behaviour.INTERACTIVE, max_tries=3)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    hint_url = _url(question, "hint")
    html, data = _pages(student_client, attempt)
    assert "HINT-hinge" not in html and "HINT-hinge" not in json.dumps(data)
    assert student_client.get(hint_url).status_code == 404

    _answer_wrong(attempt, question)
    services.attempt_check_answer(attempt=attempt, question_id=question.pk, now=timezone.now())
    html, data = _pages(student_client, attempt)
    hint = f'Hint: <p>Think of a <em>HINT-hinge</em>\n<img src="{hint_url}" alt="hint pic">'
    assert hint in html
    _assert_sanitized(html)
    (item,) = data["items"]
    assert not item["locked"] and hint_url in item["hint_html"]
    assert "<script" not in item["hint_html"] and "evil.example" not in item["hint_html"]
    assert student_client.get(hint_url).status_code == 200
    # Still nothing of the feedback: the item is open.
    assert "FB-no" not in html and "FB-no" not in json.dumps(data)
    assert student_client.get(_url(question, "answerfeedback")).status_code == 404


def test_the_feedback_shows_as_html_only_once_locked_with_specific_feedback(
    student, student_client, other_student, other_client
):
    question = _import()
    feedback_url = _url(question, "answerfeedback")
    shown = f'<strong>FB-no</strong>: see\n<img src="{feedback_url}" alt="fb pic">'

    quiz = _quiz(question)  # deferred feedback, the default review options
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    _answer_wrong(attempt, question)
    html, data = _pages(student_client, attempt)
    assert "FB-no" not in html and "FB-no" not in json.dumps(data)
    assert student_client.get(feedback_url).status_code == 404
    services.attempt_submit(attempt=attempt, now=timezone.now())
    result = student_client.get(f"/quizzes/attempt/{attempt.pk}/result/").content.decode()
    assert f'<div class="feedback"><p>{shown}' in result
    _assert_sanitized(result)
    api = student_client.get(f"/api/quizzes/attempts/{attempt.pk}/results/").json()
    (item,) = api["items"]
    assert shown in item["result"]["feedback_html"]
    assert "<script" not in item["result"]["feedback_html"]
    assert student_client.get(feedback_url).status_code == 200

    hidden = _quiz(question, review_specific_feedback=0)
    theirs = services.attempt_start(quiz=hidden, user=other_student, now=timezone.now())
    _answer_wrong(theirs, question)
    services.attempt_submit(attempt=theirs, now=timezone.now())
    result = other_client.get(f"/quizzes/attempt/{theirs.pk}/result/").content.decode()
    api = other_client.get(f"/api/quizzes/attempts/{theirs.pk}/results/").json()
    assert "FB-no" not in result and "FB-no" not in json.dumps(api)
    assert "feedback_html" not in api["items"][0]["result"]
    assert other_client.get(feedback_url).status_code == 404
    Quiz.objects.filter(pk=hidden.pk).update(review_specific_feedback=ALL_TIMES)
    result = other_client.get(f"/quizzes/attempt/{theirs.pk}/result/").content.decode()
    assert shown in result
    assert other_client.get(feedback_url).status_code == 200


def test_our_plain_hint_and_feedback_stay_escaped_text_with_their_lines(student, student_client):
    question = services.question_upsert_from_data(
        data={
            "type": "single",
            "stem": "Which is **bigger**?",
            "hints": ["Compare: 2 < 3 and <b>not</b> this\nsecond line"],
            "choices": [
                {"text": "a", "fraction": 100, "feedback": "Yes."},
                {"text": "b", "fraction": 0, "feedback": "No: 2 < 3 & <i>so</i>\non"},
            ],
        },
        section=make_section(),
    )
    quiz = _quiz(question, behaviour=Behaviour.INTERACTIVE, max_tries=2)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    _answer_wrong(attempt, question)
    services.attempt_check_answer(attempt=attempt, question_id=question.pk, now=timezone.now())
    html, data = _pages(student_client, attempt)
    escaped = "Compare: 2 &lt; 3 and &lt;b&gt;not&lt;/b&gt; this<br>second line"
    assert f"Hint: {escaped}</div>" in html
    assert data["items"][0]["hint_html"] == escaped
    services.attempt_check_answer(attempt=attempt, question_id=question.pk, now=timezone.now())
    html, data = _pages(student_client, attempt)
    feedback = "<p>No: 2 &lt; 3 &amp; &lt;i&gt;so&lt;/i&gt;<br>on</p>"
    assert f'<div class="feedback">{feedback}</div>' in html
    assert data["items"][0]["result"]["feedback_html"] == feedback


def test_an_html_question_s_feedback_round_trips_through_moodle_xml():
    (question,) = parse_moodle_xml(XML).questions
    wrong = question["choices"][1]["feedback"]
    assert wrong.startswith('<p><strong>FB-no</strong>: see\n<img src="@@PLUGINFILE@@/a.png"')
    (again,) = parse_moodle_xml(export_moodle_xml([question])).questions
    assert again["choices"] == question["choices"] and again["hints"] == question["hints"]
    assert again["files"] == question["files"]
