from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..forms import FORMS
from ..models import Job
from ..training import config as C


def _config_help() -> str:
    return "The run's settings; any left out take their default. " + " ".join(
        f"{kind}: {', '.join(C.specs(kind))}." for kind in C.CONFIGS
    )


class JobListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "status",
            "created",
            "started",
            "finished",
            "attempts",
            "progress",
        ]


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "config",
            "status",
            "created",
            "started",
            "finished",
            "heartbeat",
            "worker",
            "attempts",
            "cancel_requested",
            "stop_requested",
            "failure_reason",
            "progress",
            "history",
            "results",
        ]


class JobProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "status",
            "progress",
            "history",
            "results",
            "failure_reason",
            "started",
            "finished",
        ]


class JobCreateSerializer(serializers.Serializer):
    """Validates `config` with the same form as the HTML page; errors come back per field.

    `validated_data["config"]` is the run's dataclass (training/config.py), not a dict."""

    kind = serializers.ChoiceField(choices=Job.Kind.choices)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    config = serializers.DictField(help_text=_config_help())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind, given = attrs["kind"], attrs["config"]
        unknown = C.unknown_keys(kind, given)
        if unknown:  # a misspelt setting would otherwise train with the default unnoticed
            raise serializers.ValidationError(
                {"config": {key: ["Unknown setting."] for key in unknown}}
            )
        form = FORMS[kind]({**C.defaults(kind), **given})
        if not form.is_valid():
            errors = {
                name: [e["message"] for e in errs]
                for name, errs in form.errors.get_json_data().items()
            }
            raise serializers.ValidationError({"config": errors})
        attrs["config"] = form.config()
        return attrs


class DigitSerializer(serializers.Serializer):
    pixels = serializers.ListField(
        child=serializers.ListField(
            child=serializers.FloatField(min_value=0, max_value=1), min_length=28, max_length=28
        ),
        min_length=28,
        max_length=28,
        help_text="28 rows of 28 values, 0 (paper) to 1 (ink).",
    )


class PromptSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=200, allow_blank=True, trim_whitespace=False)
    temperature = serializers.FloatField(min_value=0.05, max_value=2.0, default=0.8)
    length = serializers.IntegerField(min_value=1, max_value=500, default=200)


class DigitAnswerSerializer(serializers.Serializer):
    probabilities = serializers.ListField(child=serializers.FloatField())
    prediction = serializers.IntegerField()


class TextAnswerSerializer(serializers.Serializer):
    prompt = serializers.CharField()
    continuation = serializers.CharField()


class TicketSerializer(serializers.Serializer):
    ticket = serializers.CharField(help_text="Ask `url` for the answer until it is ready.")
    url = serializers.CharField()
    status = serializers.CharField()


class InferenceResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text='"pending" (202) until the answer is "done" (200).')
    result = serializers.DictField(
        required=False, help_text="The answer once done: a digit's probabilities, or a text."
    )
