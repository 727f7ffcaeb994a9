"""Glossary practice quizzes: distractors, the session-only answer key, grading, access."""

from __future__ import annotations

import random
import re

import pytest
from django.urls import reverse

from glossary.services import TermData, term_upsert, terms_set_related
from quizzes.practice import SESSION_KEY, TOKEN_KEY, option_token, practice_build

pytestmark = pytest.mark.django_db

SEQUENCE = ["lstm", "gru", "rnn", "cell-state", "hidden-state"]
OPTIM = ["sgd", "adam", "momentum", "rmsprop"]


@pytest.fixture
def terms():
    made = {}
    for i, slug in enumerate(SEQUENCE):
        made[slug] = _term(slug, "sequence-models", f"Sequence idea number {i} about recurrence")
    for i, slug in enumerate(OPTIM):
        made[slug] = _term(slug, "optimization", f"Optimizer idea number {i} about steps")
    terms_set_related(related={made["lstm"]: [made["gru"], made["sgd"]]})
    return made


def _term(slug: str, category: str, definition: str):
    name = slug.upper().replace("-", " ")
    data = TermData(slug=slug, name=name, definition=f"{definition} ({name}).", category=category)
    return term_upsert(data=data)[0]


def test_distractors_come_from_the_same_category(terms):
    questions = practice_build(count=20, category="sequence-models", rng=random.Random(1))
    assert {q.term for q in questions} == set(SEQUENCE)
    for q in questions:
        assert len(q.options) == 4 and len(set(q.options)) == 4
        assert q.options[q.answer] == q.term
        assert set(q.options) <= set(SEQUENCE)


def test_related_terms_are_preferred_and_small_categories_borrow(terms):
    for seed in range(5):
        (lstm,) = [
            q
            for q in practice_build(count=5, category="sequence-models", rng=random.Random(seed))
            if q.term == "lstm"
        ]
        assert "gru" in lstm.options  # related and same category
    for q in practice_build(count=4, category="optimization", rng=random.Random(2)):
        # 4 optimisation terms give only 3 distractors: exactly enough, none borrowed.
        assert set(q.options) == set(OPTIM)


def _start(client, **data):
    response = client.post(reverse("quizzes:practice-start"), {"count": 5, **data})
    assert response.status_code == 302 and response["Location"] == reverse("quizzes:practice-play")
    return client.session[SESSION_KEY]


def _page(client) -> str:
    html = client.get(reverse("quizzes:practice-play")).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_page_is_the_same_whichever_option_is_right(terms, student_client):
    """The answer key changes nothing in the page, so the page cannot reveal it."""
    state = _start(student_client, category="sequence-models")
    before = _page(student_client)
    session = student_client.session
    session[SESSION_KEY] = [dict(q, answer=(q["answer"] + 1) % 4) for q in state]
    session.save()
    assert _page(student_client) == before
    assert "answer" not in before.lower().replace("check my answers", "")
    for q in state:  # no slugs (hence no links to the right term) either
        assert q["term"] not in before


def test_definition_prompts_do_not_name_their_term(terms, student_client):
    state = _start(student_client, category="optimization", count=4)
    session = student_client.session
    session[SESSION_KEY] = [dict(q, direction="definition-to-term") for q in state]
    session.save()
    legends = re.findall(r"<legend>(.*?)</legend>", _page(student_client), re.S)
    assert len(legends) == len(state) == 4
    for q, legend in zip(state, legends, strict=True):
        assert terms[q["term"]].name not in legend and "(_____)" in legend


def test_definition_options_do_not_name_their_own_term(terms, student_client):
    state = _start(student_client, category="optimization", count=4)
    session = student_client.session
    session[SESSION_KEY] = [dict(q, direction="term-to-definition") for q in state]
    session.save()
    html = _page(student_client)
    options = re.findall(r'<label class="practice-option">(.*?)</label>', html, re.S)
    assert len(options) == 16 and all("(_____)" in o for o in options)
    for slug in OPTIM:
        assert f"({terms[slug].name})" not in html


def test_submission_grades_reveals_and_ends_the_quiz(terms, student_client):
    state = _start(student_client, category="sequence-models")
    key = student_client.session[TOKEN_KEY]
    answers = {f"q{i}": option_token(key, i, q["answer"]) for i, q in enumerate(state)}
    answers["q0"] = option_token(key, 0, (state[0]["answer"] + 1) % 4)  # one wrong
    response = student_client.post(reverse("quizzes:practice-play"), answers)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>4</strong> of 5 right" in html
    assert html.count("(right answer)") == 5 and html.count("(your answer)") == 1
    assert reverse("glossary:term", args=[state[0]["term"]]) in html
    assert SESSION_KEY not in student_client.session
    again = student_client.post(reverse("quizzes:practice-play"), answers)
    assert again.status_code == 302  # already submitted: back to the start page


def test_garbage_answers_count_as_unanswered(terms, student_client):
    state = _start(student_client)
    plain = {f"q{i}": str(q["answer"]) for i, q in enumerate(state)}  # indices, not tokens
    response = student_client.post(reverse("quizzes:practice-play"), {**plain, "q0": "9"})
    assert "<strong>0</strong> of 5 right" in response.content.decode()


def test_not_enough_terms_is_a_friendly_error(student_client):
    response = student_client.post(reverse("quizzes:practice-start"), {"count": 5})
    assert response.status_code == 422 and "not enough glossary terms" in response.content.decode()


def test_login_required_and_methods(terms, anon_client, student_client):
    for name in ("quizzes:practice", "quizzes:practice-play"):
        response = anon_client.get(reverse(name))
        assert response.status_code == 302 and "/login" in response["Location"]
    assert anon_client.post(reverse("quizzes:practice-start")).status_code == 302
    assert student_client.get(reverse("quizzes:practice-start")).status_code == 405
    assert student_client.post(reverse("quizzes:practice")).status_code == 405
    page = student_client.get(reverse("quizzes:practice"))
    assert page.status_code == 200 and "Sequence models" in page.content.decode()


def test_each_student_has_their_own_quiz(terms, student_client, other_client):
    _start(student_client)
    assert other_client.get(reverse("quizzes:practice-play")).status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_practice_in_the_browser_without_csp_violations(page, live_server, student):
    from conftest import login

    for i, slug in enumerate(SEQUENCE):
        _term(slug, "sequence-models", f"Sequence idea number {i} about recurrence")
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    login(page, live_server, student)
    page.goto(f"{live_server.url}{reverse('quizzes:practice')}")
    page.get_by_label("Category").select_option("sequence-models")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(f"**{reverse('quizzes:practice-play')}")
    questions = page.locator("fieldset.practice-question")
    assert questions.count() == 5
    for i in range(5):
        questions.nth(i).get_by_role("radio").first.check()
    page.get_by_role("button", name="Check my answers").click()
    assert page.get_by_text("right answer").count() == 5
    assert page.locator(".practice-score").inner_text().endswith("of 5 right")
    assert not [m for m in console if "Content Security Policy" in m], console
    assert page.js_errors == []


@pytest.mark.slow
def test_every_category_of_the_real_glossary_makes_a_full_practice_quiz():
    import io

    from glossary.content import load
    from glossary.models import Category, Term
    from quizzes.practice import _present

    load(stdout=io.StringIO())
    terms = {t.slug: t for t in Term.objects.all()}
    for category in Category.values:
        questions = practice_build(count=5, category=category, rng=random.Random(category))
        assert len(questions) == 5, category
        for q in questions:
            assert {terms[s].category for s in q.options} == {category}
        for q, shown in zip(questions, _present(questions), strict=True):
            if q.direction == "definition-to-term":
                assert terms[q.term].name.lower() not in shown["prompt"].lower(), q.term
