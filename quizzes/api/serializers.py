"""API shapes. Attempt items serialize presenters.present_item dicts: secret fields are absent
(not null) until a question is locked, and afterwards whenever the quiz's review options hide
them now, because optional fields skip missing keys."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from ..access import EffectiveSettings, effective_settings, merge_settings
from ..marks import MARK_DECIMALS
from ..models import Attempt, Quiz
from ..review import marks_visible


class QuizSerializer(serializers.ModelSerializer):
    section_number = serializers.CharField(
        source="section.number", default=None, read_only=True, allow_null=True
    )
    time_limit_seconds = serializers.SerializerMethodField()
    attempts_allowed = serializers.SerializerMethodField()
    open_at = serializers.SerializerMethodField()
    close_at = serializers.SerializerMethodField()
    password_required = serializers.SerializerMethodField()
    question_count = serializers.SerializerMethodField()

    class Meta:
        model = Quiz
        fields = [
            "id",
            "title",
            "description",
            "section_number",
            "time_limit_seconds",
            "attempts_allowed",
            "grading_method",
            "behaviour",
            "pass_mark",
            "open_at",
            "close_at",
            "password_required",
            "question_count",
        ]

    def get_time_limit_seconds(self, quiz: Quiz) -> int | None:
        """The requesting student's limit: overrides and extra time included."""
        answer_time = self._settings(quiz).answer_time
        return int(answer_time.total_seconds()) if answer_time else None

    def get_question_count(self, quiz: Quiz) -> int:
        return quiz.draw_count or getattr(quiz, "slot_count", 0)

    def get_attempts_allowed(self, quiz: Quiz) -> int:
        return self._settings(quiz).attempts_allowed

    def get_open_at(self, quiz: Quiz) -> datetime | None:
        return self._settings(quiz).open_at

    def get_close_at(self, quiz: Quiz) -> datetime | None:
        return self._settings(quiz).close_at

    def get_password_required(self, quiz: Quiz) -> bool:
        return bool(self._settings(quiz).passwords)

    def _settings(self, quiz: Quiz) -> EffectiveSettings:
        cache = self.context.setdefault("effective_settings", {})
        if quiz.pk not in cache:
            request = self.context.get("request")
            user = getattr(request, "user", None)
            cache[quiz.pk] = (
                effective_settings(quiz=quiz, user=user)
                if user is not None and user.is_authenticated
                else merge_settings(quiz, None, [])
            )
        return cache[quiz.pk]


class PageRequestSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=0, max_value=10_000, help_text="From 0.")


class StartRequestSerializer(serializers.Serializer):
    password = serializers.CharField(
        required=False, allow_blank=True, max_length=128, trim_whitespace=False
    )


TOKEN_HELP = (
    "An opaque token for this option, the same for this attempt's question on every load and"
    " different in every attempt; answers name options by it."
)


class OptionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=TOKEN_HELP)
    text = serializers.CharField()


class TermLinkSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()


class OmitMissing(serializers.Serializer):
    """Keys the presenter left out stay out, even for fields that allow null (DRF would
    otherwise send them as null)."""

    def to_representation(self, instance: dict) -> dict:
        data = super().to_representation(instance)
        return {key: value for key, value in data.items() if key in instance}


class MarkField(serializers.DecimalField):
    """A mark as the pages and CSV print it (quizzes.marks): half-up to two decimals, so the
    API says 0.67 for two thirds, where DRF's own rounding would keep five (0.66667)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_digits=12, decimal_places=MARK_DECIMALS, rounding=ROUND_HALF_UP, **kwargs
        )


class ItemResultSerializer(OmitMissing):
    """Each field but max_mark is present only when its review option shows it now."""

    max_mark = serializers.DecimalField(max_digits=6, decimal_places=2)
    # marks
    mark = MarkField(allow_null=True, required=False)
    fraction = serializers.DecimalField(
        max_digits=9, decimal_places=5, allow_null=True, required=False
    )
    # whether correct
    state = serializers.CharField(required=False)
    # specific feedback
    feedback = serializers.CharField(allow_blank=True, required=False)
    feedback_html = serializers.CharField(
        allow_blank=True,
        required=False,
        help_text="The feedback as safe HTML (an HTML question's sanitized, its images at "
        "their URL; plain text escaped).",
    )
    grader_comment = serializers.CharField(allow_blank=True, required=False)
    # general feedback
    explanation_html = serializers.CharField(allow_blank=True, required=False)
    terms = TermLinkSerializer(many=True, required=False)
    section_number = serializers.CharField(allow_null=True, required=False)


class ItemSerializer(OmitMissing):
    id = serializers.IntegerField()
    question_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    number = serializers.IntegerField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    stem_html = serializers.CharField()
    max_mark = serializers.DecimalField(max_digits=6, decimal_places=2)
    # Absent once locked when the review options hide the attempt.
    response = serializers.JSONField(allow_null=True, required=False)
    answered = serializers.BooleanField()
    flagged = serializers.BooleanField()
    locked = serializers.BooleanField()
    tries = serializers.IntegerField()
    certainty = serializers.IntegerField(allow_null=True, required=False)
    options = OptionSerializer(many=True, required=False)
    left = OptionSerializer(many=True, required=False)
    right_options = OptionSerializer(many=True, required=False)
    ordering = OptionSerializer(many=True, required=False)
    parts = serializers.JSONField(
        required=False,
        help_text="A question type's own controls (gaps and their options, words to place, "
        "Cloze gaps, units), each option named by its token (quizzes/qtypes/).",
    )
    # Interactive behaviour, open item after a failed try: the text and as safe HTML.
    hint = serializers.CharField(required=False)
    hint_html = serializers.CharField(required=False)
    # Only once locked (response_text also needs the "attempt" review option):
    response_text = serializers.CharField(required=False, allow_blank=True)
    try_responses = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="The student's own checked answers in order, in words (with response_text).",
    )
    result = ItemResultSerializer(required=False)
    # Only once locked and the "right answer" review option shows it now:
    right_answer = serializers.CharField(required=False, allow_blank=True)
    correct_ids = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Tokens of the right options."
    )


class AttemptSerializer(OmitMissing):
    id = serializers.IntegerField()
    quiz_id = serializers.IntegerField()
    quiz_title = serializers.CharField()
    number = serializers.IntegerField()
    state = serializers.CharField()
    behaviour = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True)
    # null while in progress; absent when the "marks" review option hides them now.
    score = serializers.DecimalField(
        max_digits=7, decimal_places=3, allow_null=True, required=False
    )
    marks = MarkField(allow_null=True, required=False)
    max_marks = serializers.DecimalField(max_digits=9, decimal_places=2)
    passed = serializers.BooleanField(allow_null=True, required=False)
    # Empty when the "attempt" review option hides the questions.
    items = ItemSerializer(many=True)


class ResultsSerializer(AttemptSerializer):
    overall_feedback = serializers.CharField(allow_blank=True, required=False)


class AttemptSummarySerializer(serializers.ModelSerializer):
    quiz_title = serializers.CharField(source="quiz.title", read_only=True)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "quiz",
            "quiz_title",
            "number",
            "state",
            "started_at",
            "deadline",
            "submitted_at",
            "score",
        ]

    def to_representation(self, attempt: Attempt) -> dict:
        data = super().to_representation(attempt)
        if attempt.state != "in_progress" and not marks_visible(
            attempt=attempt, now=timezone.now()
        ):
            del data["score"]  # the "marks" review option hides it now
        return data


RESPONSE_HELP = (
    "single/truefalse: an option token; multi: a list of option tokens; ordering: the item"
    " tokens in order; matching: {left token: right option token}; short, numerical, essay:"
    " the text. A token this question did not show is a 400."
)


class AnswerRequestSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    response = serializers.JSONField(allow_null=True, help_text=RESPONSE_HELP)


class CheckRequestSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    response = serializers.JSONField(required=False, allow_null=True, help_text=RESPONSE_HELP)


class FlagRequestSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    flagged = serializers.BooleanField()


class CertaintyRequestSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    certainty = serializers.ChoiceField(choices=[1, 2, 3], help_text="C1, C2 or C3.")


class SavedSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    answered = serializers.BooleanField()
    flagged = serializers.BooleanField()
    locked = serializers.BooleanField()
