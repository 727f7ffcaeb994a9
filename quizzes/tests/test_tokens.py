"""Students see per-attempt tokens, never the database ids of choices, ordering items or pairs.

Ids follow authoring order, which puts right answers first: an id on the page is an answer key.
These tests walk every question type of the bundled bank through the page and the API, save and
reload, forge tokens, and present an attempt whose responses were stored before tokens existed.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import AttemptQuestion, Question, Quiz
from quizzes.tokens import ItemTokens

from .factories import as_sent, make_quiz, right_response

pytestmark = pytest.mark.django_db

API = "/api/quizzes"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{10}$")
TOKEN_TYPES = ("single", "multi", "truefalse", "matching", "ordering")
# Everything in the attempt page that names an option: radio/checkbox values, select option
# values, the ordering list's data-id and the matching selects' data-left.
HTML_NAMES = re.compile(
    r'<input type="(?:radio|checkbox)"[^>]*value="([^"]*)"|<option value="([^"]+)"'
    r'|data-id="([^"]*)"|data-left="([^"]*)"'
)


@pytest.fixture
def bank(db) -> list[Quiz]:
    import glossary.content
    import lessons.content
    import quizzes.content

    for module in (glossary.content, lessons.content, quizzes.content):
        module.load(stdout=io.StringIO())
    return list(Quiz.objects.order_by("slug"))


def _db_ids(question: Question) -> set[str]:
    ids = [c.id for c in question.choices.all()]
    ids += [p.id for p in question.match_pairs.all()]
    ids += [o.id for o in question.ordering_items.all()]
    return {str(i) for i in ids}


def _shown_tokens(item: dict[str, Any]) -> list[str]:
    names = [o["id"] for o in item.get("options", []) + item.get("ordering", [])]
    names += [o["id"] for o in item.get("left", []) + item.get("right_options", [])]
    return names


def _response_tokens(response: Any) -> list[Any]:
    if isinstance(response, dict):
        return [*response, *(v for v in response.values() if v)]
    if isinstance(response, list):
        return response
    return [] if response in (None, "") else [response]


def _assert_only_tokens(payload: dict, html: str) -> set[str]:
    """Every option name in the API and the page is a token, the same in both; returns them."""
    shown: set[str] = set()
    for item in payload["items"]:
        question = Question.objects.get(pk=item["question_id"])
        names = _shown_tokens(item)
        sent = _response_tokens(item["response"]) if item["type"] in TOKEN_TYPES else []
        assert bool(names) is (item["type"] in TOKEN_TYPES), item["type"]
        for name in names + sent:
            assert isinstance(name, str) and TOKEN.match(name) and not name.isdigit(), name
            assert name not in _db_ids(question)
        assert set(sent) <= set(names)  # the saved answer names only what is shown
        shown |= set(names)
    in_page = {next(g for g in m.groups() if g is not None) for m in HTML_NAMES.finditer(html)}
    assert in_page == shown  # nothing else names an option in the page, and nothing is missing
    return shown


def _load(client, attempt_id: int) -> tuple[dict, str]:
    payload = client.get(f"{API}/attempts/{attempt_id}/").json()
    html = client.get(reverse("quizzes:attempt", args=[attempt_id])).content.decode()
    return payload, html


def _post(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


@pytest.mark.slow
def test_bank_attempts_show_tokens_only_stable_per_attempt_new_per_attempt(
    bank, student, student_client
):
    """(a) before locking, every type of every bundled quiz, then (c) save, reload and grade."""
    types_seen = set()
    for quiz in bank:
        started = _post(student_client, f"{API}/quizzes/{quiz.pk}/start/", {})
        assert started.status_code == 201
        attempt_id = started.json()["id"]
        payload, html = _load(student_client, attempt_id)
        first = _assert_only_tokens(payload, html)
        types_seen |= {i["type"] for i in payload["items"]}
        items = AttemptQuestion.objects.filter(attempt_id=attempt_id).select_related("question")
        for item in items:
            sent = as_sent(item, right_response(item.question))
            saved = _post(
                student_client,
                f"{API}/attempts/{attempt_id}/answer/",
                {"question_id": item.question_id, "response": sent},
            )
            assert saved.status_code == 200, saved.content
            item.refresh_from_db()
            assert item.response == services.clean_response(
                item.question.type, right_response(item.question)
            )  # stored as ids, as before tokens
        payload, html = _load(student_client, attempt_id)
        assert _assert_only_tokens(payload, html) == first  # the same tokens after a reload
        for shown, item in zip(payload["items"], items.order_by("order"), strict=True):
            assert shown["response"] == as_sent(item, right_response(item.question))
        results = _post(student_client, f"{API}/attempts/{attempt_id}/submit/", {}).json()
        chosen = [i for i in results["items"] if i["type"] in TOKEN_TYPES]
        assert all(i["result"]["state"] == "correct" for i in chosen), quiz.slug
        for shown in results["items"]:  # right answers, once shown, are tokens too
            if "correct_ids" in shown:
                assert set(shown["correct_ids"]) <= set(_shown_tokens(shown)) and all(
                    TOKEN.match(t) for t in shown["correct_ids"]
                )
        again = _post(student_client, f"{API}/quizzes/{quiz.pk}/start/", {}).json()
        assert not set(_shown_tokens_of(again)) & first  # a new attempt, new tokens
    assert types_seen >= set(TOKEN_TYPES)


def _shown_tokens_of(payload: dict) -> list[str]:
    return [t for item in payload["items"] for t in _shown_tokens(item)]


def _forgeries(item: AttemptQuestion, other: AttemptQuestion, sibling: AttemptQuestion):
    """Answers naming what this item never showed: ids, another attempt's or question's tokens."""
    ids = sorted(int(i) for i in _db_ids(item.question))
    theirs, neighbour = ItemTokens.of(other), ItemTokens.of(sibling)
    kind = item.question.type
    if kind in ("single", "truefalse"):
        return [ids[0], str(ids[0]), theirs.option(ids[0]), neighbour.option(ids[0]), "AAAAAAAAAA"]
    if kind in ("multi", "ordering"):
        mine = ItemTokens.of(item).options(ids)
        return [ids, [str(i) for i in ids], theirs.options(ids), [*mine[:-1], "AAAAAAAAAA"]]
    mine = ItemTokens.of(item)
    left = item.choice_order["left"][0]
    right = item.choice_order["right"][0]
    return [
        {str(left): right},  # the stored shape: pair id and text
        {theirs.option(left): theirs.right(right)},
        {mine.option(left): theirs.right(right)},
        {mine.option(left): right},
    ]


@pytest.mark.parametrize("kind", ["single", "truefalse", "multi", "ordering", "matching"])
def test_forged_or_foreign_tokens_are_a_field_400_and_save_nothing(
    kind, student, other_student, student_client
):
    """(d) an id, another attempt's token or an unknown one: 400 on `response`, nothing kept."""
    quiz = make_quiz(
        [kind, "truefalse" if kind != "truefalse" else "single"], behaviour="immediate"
    )
    now = timezone.now()
    mine = services.attempt_start(quiz=quiz, user=student, now=now)
    theirs = services.attempt_start(quiz=quiz, user=other_student, now=now)
    item = mine.items.select_related("question").get(order=0)
    sibling = mine.items.select_related("question").get(order=1)
    other = theirs.items.select_related("question").get(order=0)
    good = as_sent(item, right_response(item.question))
    url = f"{API}/attempts/{mine.pk}/"
    assert (
        _post(
            student_client, url + "answer/", {"question_id": item.question_id, "response": good}
        ).status_code
        == 200
    )
    stored = AttemptQuestion.objects.get(pk=item.pk).response
    for forged in _forgeries(item, other, sibling):
        for action in ("answer", "check"):
            body = {"question_id": item.question_id, "response": forged}
            refused = _post(student_client, url + action + "/", body)
            assert refused.status_code == 400, (action, forged, refused.content)
            assert "response" in refused.json(), refused.json()
            after = AttemptQuestion.objects.get(pk=item.pk)
            assert after.response == stored and not after.locked and after.tries == 0


def test_the_orm_autosave_path_refuses_forged_tokens_too(student, student_client, monkeypatch):
    from django.db import connection

    quiz = make_quiz(["single"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.select_related("question").get()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    body = {"question_id": item.question_id, "response": item.choice_order[0]}
    refused = _post(student_client, f"{API}/attempts/{attempt.pk}/answer/", body)
    assert refused.status_code == 400 and "response" in refused.json()
    body["response"] = ItemTokens.of(item).option(item.choice_order[0])
    assert _post(student_client, f"{API}/attempts/{attempt.pk}/answer/", body).status_code == 200
    assert AttemptQuestion.objects.get(pk=item.pk).response == item.choice_order[0]


KINDS = ["single", "multi", "truefalse", "matching", "ordering", "short", "numerical"]


def test_an_attempt_saved_before_tokens_presents_and_grades(student, student_client):
    """(e) responses stored as ids (what the old pages sent) show as tokens and still grade."""
    quiz = make_quiz(KINDS, shuffle_answers=True)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    items = list(attempt.items.select_related("question").order_by("order"))
    for item in items:  # written as the old code wrote them, without going through tokens
        AttemptQuestion.objects.filter(pk=item.pk).update(response=right_response(item.question))
    payload, html = _load(student_client, attempt.pk)
    _assert_only_tokens(payload, html)
    by_type = {i["type"]: i for i in payload["items"]}
    single = by_type["single"]
    assert f'value="{single["response"]}" checked' in html
    assert single["response"] in [o["id"] for o in single["options"]]
    matching = by_type["matching"]
    assert set(matching["response"]) == {o["id"] for o in matching["left"]}
    rights = {o["id"] for o in matching["right_options"]}
    assert set(matching["response"].values()) <= rights
    assert html.count(" selected>") == len(matching["left"])
    order = [o["id"] for o in by_type["ordering"]["ordering"]]
    assert order == by_type["ordering"]["response"]  # shown in the saved (right) order
    # Re-sending what the page now shows keeps the stored ids unchanged.
    for shown, item in zip(payload["items"], items, strict=True):
        body = {"question_id": item.question_id, "response": shown["response"]}
        assert (
            _post(student_client, f"{API}/attempts/{attempt.pk}/answer/", body).status_code == 200
        )
        assert AttemptQuestion.objects.get(pk=item.pk).response == services.clean_response(
            item.question.type, right_response(item.question)
        )
    result = _post(student_client, f"{API}/attempts/{attempt.pk}/submit/", {}).json()
    assert result["score"] == "100.000"


def test_the_schema_describes_options_and_right_ids_as_tokens(anon_client):
    schema = anon_client.get("/api/schema/?format=json").json()
    parts = schema["components"]["schemas"]
    assert parts["Option"]["properties"]["id"]["type"] == "string"
    item = parts["Item"]["properties"]
    assert item["correct_ids"]["items"]["type"] == "string"
    assert item["right_options"]["items"]["$ref"].endswith("/Option")
    assert "integer" not in repr(parts["Option"])


def test_tokens_are_keyed_by_the_secret(settings):
    tokens = ItemTokens(7, "single", [1, 2])
    before = tokens.options([1, 2])
    settings.SECRET_KEY = "another-secret-" + "y" * 40
    after = tokens.options([1, 2])
    assert before != after and len(set(before + after)) == 4


@pytest.fixture
def glossary_bank(db) -> None:
    import glossary.content

    glossary.content.load(stdout=io.StringIO())


@pytest.mark.slow
def test_practice_pages_name_options_by_tokens_of_their_own(glossary_bank, student_client):
    from quizzes.practice import SESSION_KEY, TOKEN_KEY, option_token

    pages = []
    for _ in range(2):
        student_client.post(reverse("quizzes:practice-start"), {"count": 10})
        html = student_client.get(reverse("quizzes:practice-play")).content.decode()
        values = re.findall(r'type="radio" name="q\d+" value="([^"]*)"', html)
        assert len(values) == 40 and all(TOKEN.match(v) and not v.isdigit() for v in values)
        state = student_client.session[SESSION_KEY]
        assert not {s for q in state for s in q["options"]} & set(values)  # no slugs either
        pages.append(set(values))
    assert not pages[0] & pages[1]  # every practice quiz has tokens of its own
    key = student_client.session[TOKEN_KEY]
    right = {f"q{i}": option_token(key, i, q["answer"]) for i, q in enumerate(state)}
    done = student_client.post(reverse("quizzes:practice-play"), right).content.decode()
    assert "<strong>10</strong> of 10 right" in done


@pytest.mark.slow
def test_practice_lowest_token_scores_chance(glossary_bank):
    """200 practice quizzes (20 drawn question sets, each under 10 keys) of 20 questions:
    picking the lowest token is right 1 time in 4, within 4 standard errors (each pick is a
    Bernoulli(1/4) if tokens say nothing, independent across keys)."""
    import random
    import secrets

    from quizzes.practice import _present, practice_build

    rng, hits, picks = random.Random(), 0, 0
    for _ in range(20):
        questions = practice_build(count=20, category=None, rng=rng)
        for _ in range(10):
            shown = _present(questions, secrets.token_urlsafe(16))
            for q, view in zip(questions, shown, strict=True):
                values = [v for v, _ in view["options"]]
                hits += values.index(min(values)) == q.answer
                picks += 1
    error = (0.25 * 0.75 / picks) ** 0.5
    assert picks >= 3000 and abs(hits / picks - 0.25) <= 4 * error, (hits, picks)
