"""Deck export as CSV and as an Anki package."""

import csv
import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from django.urls import reverse

from flashcards.models import Card


def test_csv_export_has_every_card(student_client, course):
    response = student_client.get(reverse("flashcards:export-csv", args=["section-9-1"]))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="section-9-1.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["front", "back", "topic"]
    assert rows[1] == [
        "What does a perceptron compute?",
        "A weighted sum plus bias,\n\nthen a step function.",
        "perceptron",
    ]
    assert len(rows) == 4


def test_apkg_export_is_an_anki_collection_with_every_note(student_client, course):
    response = student_client.get(reverse("flashcards:export-apkg", args=["section-9-1"]))

    assert response.status_code == 200
    assert 'filename="section-9-1.apkg"' in response["Content-Disposition"]
    with (
        zipfile.ZipFile(io.BytesIO(response.content)) as package,
        tempfile.TemporaryDirectory() as tmp,
    ):
        package.extract("collection.anki2", tmp)
        db = sqlite3.connect(Path(tmp) / "collection.anki2")
        notes = [row[0].split("\x1f") for row in db.execute("select flds from notes")]
        db.close()
    assert len(notes) == 3
    front, back = next(n for n in notes if "perceptron" in n[0])
    assert front == "<p>What does a perceptron compute?</p>"
    assert "<p>then a step function.</p>" in back


def test_apkg_note_ids_are_stable_across_exports(student_client, course):
    url = reverse("flashcards:export-apkg", args=["section-9-2"])

    def guids(content: bytes) -> set[str]:
        with zipfile.ZipFile(io.BytesIO(content)) as package, tempfile.TemporaryDirectory() as tmp:
            package.extract("collection.anki2", tmp)
            db = sqlite3.connect(Path(tmp) / "collection.anki2")
            result = {row[0] for row in db.execute("select guid from notes")}
            db.close()
            return result

    first, second = guids(student_client.get(url).content), guids(student_client.get(url).content)
    # Two empty exports would be trivially equal: the deck's notes must really be there.
    assert len(first) == Card.objects.filter(deck__slug="section-9-2").count() > 0
    assert first == second


def test_export_needs_login_and_get(anon_client, student_client, course):
    for name in ("flashcards:export-csv", "flashcards:export-apkg"):
        url = reverse(name, args=["section-9-1"])
        assert anon_client.get(url).status_code == 302
        assert student_client.post(url).status_code == 405
        assert student_client.get(reverse(name, args=["missing"])).status_code == 404
