"""Validation of run configurations, with bounds and field-level errors.

The HTML form and the API both go through these forms, so a hidden size of 10^9 or a zero
learning rate is refused in the same words everywhere, long before a worker sees it. Their
fields are generated from the schema in `training/config.py`; what is added here is what needs
the site: installed data sets, the size and time limits of settings, the platform's text.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass

from dlplatform import safe_input

from . import conf, datasets, forecast
from .training import config as C
from .training.estimate import Estimate, ShapeError
from .training.files import LABELS

# Posted by the page with the settings but not settings themselves.
PAGE_KEYS = frozenset({"kind", "csrfmiddlewaretoken"})


def _form_field(spec: C.Spec) -> forms.Field:
    """The form field for one setting of the schema: its bounds, default and help come from it."""
    common: dict[str, Any] = {
        "label": spec.label or None,  # None: Django's own wording of the name
        "help_text": spec.help,
        "initial": spec.default,
    }
    if spec.choices:
        return forms.ChoiceField(choices=list(spec.choices), **common)
    if spec.type == "bool":
        return forms.BooleanField(required=False, **common)
    if spec.type == "int":
        # A whole-number setting has whole bounds (training/config.py): int() keeps them as is.
        low = None if spec.low is None else int(spec.low)
        high = None if spec.high is None else int(spec.high)
        return forms.IntegerField(
            min_value=low, max_value=high, required=not spec.optional, **common
        )
    if spec.type == "float":
        return forms.FloatField(
            min_value=spec.low, max_value=spec.high, required=not spec.optional, **common
        )
    if spec.type == "list":  # the blocks, as JSON text that the builder keeps in sync
        common["initial"] = json.dumps(spec.default)
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, **common)
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, strip=False, **common
    )


class _SchemaForm(DeclarativeFieldsMetaclass):
    """Adds a field per setting of the class's `kind` (training/config.py) to those declared."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        kind = attrs.get("kind")
        if kind:
            attrs = {n: _form_field(spec) for n, spec in C.specs(kind).items()} | attrs
        return super().__new__(mcs, name, bases, attrs)


class RunForm(forms.Form, metaclass=_SchemaForm):
    title = forms.CharField(max_length=120, required=False)

    kind = ""
    _config: C.RunConfig | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns (django-stubs: possibly None)
        unknown = sorted(set(self.data) - set(self.fields) - PAGE_KEYS)
        if unknown:
            self.add_error(None, f"Unknown setting: {', '.join(unknown)}.")
        for name, spec in C.specs(self.kind).items():
            if spec.optional and name in data and data[name] is None:
                data[name] = spec.default  # left empty: "off"
        return data

    def config(self) -> C.RunConfig:
        """The run as its dataclass, built once from the cleaned settings; it stays one until
        `services.job_submit` stores it. Settings that did not validate take their default
        (only the live estimate of an invalid form uses that)."""
        if self._config is None:
            names = C.specs(self.kind)
            data = {k: v for k, v in self.cleaned_data.items() if k in names}
            self._config = C.config_from(self.kind, data)
        return self._config

    def estimate(self) -> Estimate:
        raise NotImplementedError

    def _check_size(self, est: Estimate, field: str) -> None:
        limit = conf.get("PLAYGROUND_MAX_PARAMS")
        if est.params > limit:
            self.add_error(
                field, f"This network has {est.params:,} parameters; the limit is {limit:,}."
            )
        seconds = conf.get("PLAYGROUND_JOB_SOFT_LIMIT_S")
        if est.seconds > seconds:
            # Mostly per-step cost: many tiny batches, so the batch size is what to change.
            many_steps = est.overhead_seconds > est.seconds / 2
            self.add_error(
                "batch_size" if many_steps else "epochs",
                f"This run would take about {est.seconds:,.0f} s ({est.steps:,} steps); a run "
                f"may take at most {seconds:,} s. "
                + (
                    "Use a larger batch or fewer epochs."
                    if many_steps
                    else "Use fewer epochs or a smaller network."
                ),
            )
        mb, max_mb = est.memory_bytes / 2**20, conf.get("PLAYGROUND_MAX_MEMORY_MB")
        if mb > max_mb:
            self.add_error(
                "batch_size",
                f"One batch needs about {mb:,.0f} MB for its activations; "
                f"the limit is {max_mb:,} MB. Use a smaller batch or network.",
            )


class CnnForm(RunForm):
    kind = "cnn"
    preset = forms.ChoiceField(
        choices=[("", "custom")] + [(p, p) for p in C.CNN_PRESETS], required=False
    )
    field_order = ["title", "preset", "blocks"]  # then the settings, in the schema's order

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ready = datasets.available()
        dataset = self.fields["dataset"]
        assert isinstance(dataset, forms.ChoiceField)
        dataset.choices = [
            (name, label if name in ready else f"{label} - not installed yet")
            for name, label in LABELS.items()
        ]

    def clean_blocks(self) -> list[dict[str, Any]]:
        raw = self.data.get("blocks")  # a JSON string from the page, a list from the API
        raw = raw if isinstance(raw, list) else self.cleaned_data.get("blocks")
        if not raw and self.data.get("preset") in C.CNN_PRESETS:
            return list(C.CNN_PRESETS[self.data["preset"]])
        try:
            blocks = safe_input.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc.msg}.") from None
        try:
            return C.clean_blocks(blocks)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_dataset(self) -> str:
        name = self.cleaned_data["dataset"]
        missing = datasets.problems(name)
        if missing:
            raise forms.ValidationError(
                f"{LABELS[name]}: the digits data set is not installed yet; ask your instructor."
            )
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "blocks" in data and not self.errors:
            try:
                self._check_size(self.estimate(), "blocks")
            except ShapeError as exc:
                self.add_error("blocks", str(exc))
        return data

    def estimate(self) -> Estimate:
        return forecast.estimate(self.kind, self.config())


class TextForm(RunForm):
    kind = "text"
    field_order = ["title"]  # then the settings, in the schema's order

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["maxlength"] = conf.get("PLAYGROUND_MAX_TEXT_CHARS")

    def clean_text(self) -> str:
        text, limit = self.cleaned_data.get("text") or "", conf.get("PLAYGROUND_MAX_TEXT_CHARS")
        if len(text) > limit:
            raise forms.ValidationError(
                f"The text has {len(text):,} characters; the limit is {limit:,}."
            )
        return text

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("corpus") == "pasted":
            text = data.get("text") or ""
            if len(text) < 2000:
                self.add_error("text", "Paste at least 2,000 characters to train on.")
        else:
            data["text"] = ""
        if not self.errors:
            self._check_size(self.estimate(), "hidden")
        return data

    def estimate(self) -> Estimate:
        return forecast.estimate(self.kind, self.config())  # the text workers' own calibration


FORMS: dict[str, type[RunForm]] = {"cnn": CnnForm, "text": TextForm}
