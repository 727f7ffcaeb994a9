"""NUL characters and deeply nested JSON get a 400 with a reason, wherever they come in.

Before the guard each of these reached PostgreSQL ("text fields cannot contain NUL") or Python's
recursive JSON parser (RecursionError): a 500. The guard is one middleware and one parser, so
these tests go through the whole stack with the real client, not through a view function.
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from dlplatform import safe_input
from playground.tests.conftest import cnn_form_data
from quizzes import services
from quizzes.models import AttemptQuestion
from quizzes.tests.factories import make_quiz

pytestmark = pytest.mark.django_db

DEEP_5000 = "[" * 5000 + "]" * 5000
DEEP_3000 = "[" * 3000 + "]" * 3000
CNN_FORM = cnn_form_data()


def _reason(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json())
    return response.content.decode()


@pytest.fixture
def strict_clients(anon_client, student_client):
    # A 500 must show as a 500 here, not as an exception raised into the test.
    anon_client.raise_request_exception = False
    student_client.raise_request_exception = False
    return anon_client, student_client


@pytest.mark.parametrize(
    "url",
    [
        "/glossary/?q=%00",
        "/glossary/?q=a%00b",
        "/glossary/?q=%00&page=1",
        "/api/glossary/terms/?search=%00",
        "/api/glossary/terms/%00/",
        "/api/glossary/terms/x%00y/",
        "/learn/%00/",
    ],
)
def test_a_nul_in_the_address_or_query_is_a_400_for_anyone(strict_clients, url):
    anon, _ = strict_clients
    response = anon.get(url)
    assert response.status_code == 400, response.content[:300]
    assert "NUL" in _reason(response)


def test_a_raw_nul_in_the_query_string_is_refused_too(strict_clients):
    anon, _ = strict_clients
    response = anon.generic("GET", "/glossary/", QUERY_STRING="q=\x00")
    assert response.status_code == 400 and "NUL" in _reason(response)


def test_the_guard_lets_ordinary_text_through(strict_clients):
    anon, _ = strict_clients
    assert anon.get("/glossary/?q=%2500relu").status_code == 200  # a literal "%00", not a NUL
    assert anon.get("/api/glossary/terms/?search=relu").status_code == 200


@pytest.fixture
def attempt(student):
    quiz = make_quiz(["short", "matching", "single"])
    return services.attempt_start(quiz=quiz, user=student, now=timezone.now())


def _item(attempt, kind: str) -> AttemptQuestion:
    return attempt.items.get(question__type=kind)


def _answer(client, attempt, raw_body: str):
    url = f"/api/quizzes/attempts/{attempt.pk}/answer/"
    return client.post(url, raw_body, content_type="application/json")


def test_autosave_with_a_nul_in_a_short_answer_is_a_400(strict_clients, attempt):
    _, client = strict_clients
    item = _item(attempt, "short")
    body = json.dumps({"question_id": item.question_id, "response": "relu\u0000"})
    assert "\\u0000" in body  # the escaped form a browser sends
    response = _answer(client, attempt, body)
    assert response.status_code == 400 and "NUL" in _reason(response)
    item.refresh_from_db()
    assert item.response is None


def test_autosave_with_a_nul_in_a_matching_key_is_a_400(strict_clients, attempt):
    _, client = strict_clients
    item = _item(attempt, "matching")
    body = json.dumps({"question_id": item.question_id, "response": {"\u0000": "x"}})
    response = _answer(client, attempt, body)
    assert response.status_code == 400 and "NUL" in _reason(response)


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(strict_clients, attempt):
    _, client = strict_clients
    item = _item(attempt, "short")
    body = json.dumps({"question_id": item.question_id, "response": "\\u0000"})
    response = _answer(client, attempt, body)
    assert response.status_code == 200, _reason(response)
    item.refresh_from_db()
    assert item.response == "\\u0000"


def test_a_nul_in_a_form_field_is_a_400(strict_clients):
    _, client = strict_clients
    response = client.post("/playground/estimate/", {**CNN_FORM, "title": "a\x00b"})
    assert response.status_code == 400 and "NUL" in _reason(response)


def test_a_response_nested_5000_deep_is_a_400(strict_clients, attempt):
    _, client = strict_clients
    item = _item(attempt, "short")
    response = _answer(
        client, attempt, f'{{"question_id": {item.question_id}, "response": {DEEP_5000}}}'
    )
    assert response.status_code == 400
    assert "nested too deeply" in _reason(response)


def test_a_response_just_over_the_limit_is_refused_and_one_at_it_is_parsed(strict_clients, attempt):
    """Deep but not deep enough to overflow: refused by the depth walk, not by the recursion."""
    _, client = strict_clients
    item = _item(attempt, "short")
    limit = safe_input.MAX_JSON_DEPTH
    over = "[" * limit + "]" * limit  # the body object is one more level
    response = _answer(
        client, attempt, f'{{"question_id": {item.question_id}, "response": {over}}}'
    )
    assert response.status_code == 400 and "nested too deeply" in _reason(response)
    at = "[" * (limit - 1) + "]" * (limit - 1)
    response = _answer(client, attempt, f'{{"question_id": {item.question_id}, "response": {at}}}')
    assert response.status_code != 500 and "nested too deeply" not in _reason(response)


def test_job_config_blocks_3000_deep_is_a_400(strict_clients):
    from playground.models import Job

    _, client = strict_clients
    body = f'{{"kind": "cnn", "config": {{"blocks": {DEEP_3000}}}}}'
    response = client.post("/api/playground/jobs/", body, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in _reason(response)
    # the same blocks as a JSON string inside the JSON body (as the page's field sends them)
    body = json.dumps({"kind": "cnn", "config": {"blocks": DEEP_3000}})
    response = client.post("/api/playground/jobs/", body, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in _reason(response)
    assert not Job.objects.exists()


@pytest.mark.parametrize("url", ["/playground/estimate/", "/playground/new/"])
def test_estimate_and_new_run_with_deep_blocks_are_a_400(strict_clients, url):
    from playground.models import Job

    _, client = strict_clients
    response = client.post(url, {**CNN_FORM, "blocks": DEEP_3000})
    assert response.status_code == 400
    assert "nested too deeply" in _reason(response)
    assert not Job.objects.exists()


def test_a_shared_link_with_a_deep_config_opens_the_form_with_defaults(strict_clients):
    import base64

    _, client = strict_clients
    blob = base64.urlsafe_b64encode(DEEP_3000.encode()).decode()
    response = client.get(f"/playground/new/?experiment=cnn&config={blob}")
    assert response.status_code == 200


def test_loads_refuses_depth_without_recursing():
    with pytest.raises(safe_input.JSONTooDeep):
        safe_input.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError):  # every existing `except ValueError` handles it
        safe_input.loads('{"a": ' * 40 + "1" + "}" * 40)
    assert safe_input.loads('{"a": [[1, {"b": 2}]]}') == {"a": [[1, {"b": 2}]]}
