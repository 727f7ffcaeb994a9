"""Oversized or malformed uploads, pasted text and training configurations get a clear 4xx.

"Clear" means the answer names what is wrong (the field, or the file's problem), and nothing is
written: no job row, no imported term or question.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

JOBS = "/api/playground/jobs/"


def _post_json(client, url: str, body) -> tuple[int, dict]:
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    response = client.post(url, raw, content_type="application/json")
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, {"raw": response.content.decode(errors="replace")}


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("text", {"hidden": 10**9}, "hidden"),
        ("cnn", {"lr": 0}, "lr"),
        ("cnn", {"batch_size": 10**6}, "batch_size"),
        ("cnn", {"epochs": -1}, "epochs"),
        ("cnn", {"blocks": "not a list of blocks"}, "blocks"),
        ("text", {"corpus": "pasted", "text": "x" * 300_000}, "text"),
    ],
)
def test_training_configs_out_of_bounds_are_refused_per_field(student_client, kind, config, field):
    from playground.models import Job

    status, body = _post_json(student_client, JOBS, {"kind": kind, "config": config})
    assert status == 400, body
    assert field in json.dumps(body), f"the error names the field {field!r}: {body}"
    assert Job.objects.count() == 0, "nothing reaches a worker"


def test_malformed_json_is_a_400_not_a_500(student_client):
    status, body = _post_json(student_client, JOBS, b"{not json")
    assert status == 400 and "JSON" in json.dumps(body)


def test_a_body_over_the_upload_limit_is_refused_with_a_reason(student_client):
    big = {"kind": "text", "config": {"corpus": "pasted", "text": "y" * (3 * 1024 * 1024)}}
    status, body = _post_json(student_client, JOBS, big)
    assert status == 400 and "too large" in body["detail"]


def test_the_refusal_names_the_limit_in_force(student_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2**20
    big = {"kind": "text", "config": {"corpus": "pasted", "text": "y" * (3 * 2**19)}}
    status, body = _post_json(student_client, JOBS, big)
    assert status == 400 and "the limit is 1 MB" in body["detail"]


def test_flashcard_review_with_a_bad_rating(student_client):
    status, body = _post_json(student_client, "/api/flashcards/reviews/", {"card": 1, "rating": 9})
    assert status == 400 and "rating" in body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00binary\x00", "not UTF-8"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_admin_uploads_refuse_bad_files(instructor_client, content, message):
    from glossary.models import Term
    from quizzes.models import Question

    glossary = instructor_client.post(
        "/admin/glossary/term/import/",
        {
            "file": SimpleUploadedFile("terms.txt", content),
            "format": "pairs",
            "category": "fundamentals",
        },
    )
    quizzes = instructor_client.post(
        "/admin/quizzes/question/import/",
        {"file": SimpleUploadedFile("q.gift.txt", content), "fmt": "gift"},
    )
    for response in (glossary, quizzes):
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Term.objects.count() == 0 and Question.objects.count() == 0


def test_a_gift_file_with_errors_is_refused_with_line_numbers(instructor_client):
    from quizzes.models import Question

    text = b"::ok:: Good question {=yes ~no}\n\n::bad:: Unclosed {=yes ~no\n"
    response = instructor_client.post(
        "/admin/quizzes/question/import/",
        {"file": SimpleUploadedFile("q.gift.txt", text), "fmt": "gift"},
    )
    assert response.status_code == 400
    assert "line 3" in response.content.decode().lower()
    assert Question.objects.count() == 0, "all or nothing"
