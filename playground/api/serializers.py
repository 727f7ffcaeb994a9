from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..forms import FORMS
from ..models import Job
from ..training import config as C


def _api_field(spec: C.Spec) -> serializers.Field:
    """A setting of the schema as a DRF field, so /api/schema/ documents its type and bounds."""
    common: dict[str, Any] = {"required": False, "help_text": spec.help or None}
    if spec.choices:
        return serializers.ChoiceField(choices=list(spec.choices), default=spec.default, **common)
    if spec.type == "list":
        return serializers.ListField(child=serializers.DictField(), **common)
    field = {
        "bool": serializers.BooleanField,
        "int": serializers.IntegerField,
        "float": serializers.FloatField,
        "str": serializers.CharField,
    }[spec.type]
    bounds = {"min_value": spec.low, "max_value": spec.high} if spec.low is not None else {}
    extra = {"allow_blank": True, "trim_whitespace": False} if spec.type == "str" else {}
    return field(default=spec.default, **bounds, **extra, **common)


def _config_serializer(kind: str) -> type[serializers.Serializer]:
    fields = {name: _api_field(spec) for name, spec in C.specs(kind).items()}
    return type(f"{kind.title()}ConfigSerializer", (serializers.Serializer,), fields)


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="RunConfig",
        serializers=[_config_serializer(kind) for kind in C.CONFIGS],
        resource_type_field_name=None,
    )
)
class ConfigField(serializers.DictField):
    """The run's settings (the schema of training/config.py, per kind); any left out take
    their default. Documented from the schema; validated by the run form."""


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


# `history`: the curve points after `since` (from the context; 0: all), from the rows a running
# job appends or the history a finished one stores; `history_last`: send it back as `since`.
class _HistoryFields(serializers.Serializer):
    history = serializers.SerializerMethodField(
        help_text='{"train": [...], "val": [...]}: the points after `since` (all without it).'
    )
    history_last = serializers.SerializerMethodField(
        help_text="The `seq` of the last point: ask with `since` set to it for the next ones."
    )

    def _history(self, job: Job) -> tuple[dict[str, Any], int]:
        cached = getattr(self, "_cached_history", None)
        if cached is None or cached[0] != job.pk:
            cached = (job.pk, selectors.job_history(job, self.context.get("since", 0)))
            self._cached_history = cached
        return cached[1]

    def get_history(self, job: Job) -> dict[str, list[dict[str, Any]]]:
        return self._history(job)[0]

    def get_history_last(self, job: Job) -> int:
        return self._history(job)[1]


class JobSerializer(_HistoryFields, serializers.ModelSerializer):
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
            "history_last",
            "results",
        ]


class JobProgressSerializer(_HistoryFields, serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "status",
            "progress",
            "history",
            "history_last",
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
    config = ConfigField()

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
    prompt = serializers.CharField(
        max_length=C.PROMPT_MAX_CHARS, allow_blank=True, trim_whitespace=False
    )
    temperature = _api_field(C.GENERATE["temperature"])
    length = _api_field(C.GENERATE["length"])


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
    retry_ms = serializers.IntegerField(
        required=False, help_text="While pending: ask again after this many milliseconds."
    )
