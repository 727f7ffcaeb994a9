"""Game rounds (Match, Recall sprint) and what each answer did, kept per student.

A round's id is a random UUID and its `state` (which tile belongs to which pair, the prompts
still to come) never leaves the server: pages and the API see opaque tile tokens only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from flashcards.models import Rating


class Game(models.TextChoices):
    MATCH = "match", "Match"
    RECALL = "recall", "Recall sprint"


class Round(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="game_rounds"
    )
    game = models.CharField(max_length=10, choices=Game.choices)
    # "section:7.8" or "deck:glossary-architectures" (selectors.game_set reads it).
    set_key = models.CharField(max_length=160)
    set_title = models.CharField(max_length=250)
    # Stamped by the server only: a client never sends a time.
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)  # Recall sprint: started_at + 60 s
    finished_at = models.DateTimeField(null=True, blank=True)
    wrong = models.PositiveIntegerField(default=0)  # Match: wrong picks, a penalty second each
    score = models.PositiveIntegerField(default=0)  # pairs matched / terms recalled
    total = models.PositiveIntegerField(default=0)  # pairs on the grid / prompts answered
    time_ms = models.PositiveIntegerField(null=True, blank=True)  # Match: elapsed + penalties
    state = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "game", "set_key"], name="games_round_user_set"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.game} {self.set_key} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class Outcome(models.Model):
    """One pair of a finished Match or one answered Recall prompt, and the review it recorded."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="outcomes")
    term = models.ForeignKey(
        "glossary.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    card = models.ForeignKey(
        "flashcards.Card", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=250)
    answer = models.CharField(max_length=100, blank=True)
    correct = models.BooleanField()
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    review = models.ForeignKey(
        "flashcards.ReviewLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["round", "answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {'right' if self.correct else 'missed'}"
