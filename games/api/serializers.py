from __future__ import annotations

from rest_framework import serializers

from ..models import Round
from ..services import MAX_ANSWER_LENGTH


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "game", "set_key", "set_title", "started_at", "deadline", "finished_at",
                  "score", "total", "wrong", "time_ms"]  # fmt: skip
        read_only_fields = fields


class PickSerializer(serializers.Serializer):
    first = serializers.CharField(max_length=40)
    second = serializers.CharField(max_length=40)


class PickResultSerializer(serializers.Serializer):
    correct = serializers.BooleanField()
    tokens = serializers.ListField(child=serializers.CharField())
    matched = serializers.IntegerField()
    total = serializers.IntegerField()
    wrong = serializers.IntegerField()
    finished = serializers.BooleanField()
    time_ms = serializers.IntegerField(allow_null=True)
    result_url = serializers.CharField()


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(
        max_length=MAX_ANSWER_LENGTH, allow_blank=True, trim_whitespace=True
    )


class AnswerResultSerializer(serializers.Serializer):
    counted = serializers.BooleanField()
    correct = serializers.BooleanField()
    term = serializers.CharField()
    href = serializers.CharField()
    score = serializers.IntegerField()
    answered = serializers.IntegerField()
    finished = serializers.BooleanField()
    next_prompt = serializers.CharField(allow_null=True)
    result_url = serializers.CharField()
