"""Validation of run configurations, with bounds and field-level errors.

The HTML form and the API both go through these forms, so a hidden size of 10^9 or a zero
learning rate is refused in the same words everywhere, long before a worker sees it.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms

from dlplatform import safe_input

from . import conf, datasets, selectors
from .training import config as C
from .training.corpus import platform_text
from .training.estimate import Estimate, ShapeError, cnn_estimate, text_estimate
from .training.files import LABELS

MAX_BLOCKS = 24
# Per block type: field -> (kind, low, high) or a tuple of allowed strings.
BLOCK_FIELDS: dict[str, dict[str, Any]] = {
    "conv": {
        "channels": (int, 1, 128),
        "kernel": (int, 1, 9),
        "stride": (int, 1, 4),
        "padding": (int, 0, 4),
    },
    "activation": {"fn": C.ACTIVATIONS},
    "batchnorm": {},
    "pool": {"kind": C.POOLS, "size": (int, 2, 4)},
    "dropout": {"p": (float, 0.0, 0.9)},
    "dense": {"units": (int, 1, 1024)},
}


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def _check_value(where: str, name: str, rule: Any, value: Any) -> Any:
    if isinstance(rule, tuple) and rule and isinstance(rule[0], str):
        if value not in rule:
            raise forms.ValidationError(f"{where}: {name} must be one of {', '.join(rule)}.")
        return value
    kind, low, high = rule
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (kind is int and value != int(value))
    ):
        raise forms.ValidationError(
            f"{where}: {name} must be a {'whole ' if kind is int else ''}number."
        )
    if not low <= value <= high:
        raise forms.ValidationError(f"{where}: {name} must be between {low} and {high}.")
    return kind(value)


def clean_block(index: int, block: Any) -> dict[str, Any]:
    where = f"Block {index + 1}"
    if not isinstance(block, dict) or block.get("type") not in BLOCK_FIELDS:
        raise forms.ValidationError(f"{where}: type must be one of {', '.join(BLOCK_FIELDS)}.")
    rules = BLOCK_FIELDS[block["type"]]
    missing = [name for name in rules if name not in block]
    if missing:
        raise forms.ValidationError(f"{where}: {', '.join(missing)} missing.")
    out = {"type": block["type"]}
    for name, rule in rules.items():
        out[name] = _check_value(where, name, rule, block[name])
    return out


class RunForm(forms.Form):
    title = forms.CharField(max_length=120, required=False)
    optimizer = forms.ChoiceField(choices=_choices(C.OPTIMIZERS), initial="adam")
    lr = forms.FloatField(label="Learning rate", min_value=1e-6, max_value=1.0, initial=0.003)
    batch_size = forms.IntegerField(min_value=1, max_value=512, initial=64)
    epochs = forms.IntegerField(min_value=1, max_value=50, initial=6)
    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, initial=0)
    max_steps = forms.IntegerField(
        min_value=0,
        max_value=1_000_000,
        initial=0,
        required=False,
        help_text="Stop after this many batches (0: no limit).",
    )

    kind = ""

    def clean_max_steps(self) -> int:
        return self.cleaned_data.get("max_steps") or 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The dataclass defaults are the one source of the form's starting values.
        for name, value in C.config_from(self.kind, {}).to_dict().items():
            if name in self.fields and name != "blocks":
                self.fields[name].initial = value

    def config(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "title"}
        return C.config_from(self.kind, data).to_dict()

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
        choices=[("", "custom")] + _choices(tuple(C.CNN_PRESETS)), required=False
    )
    blocks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="The network as a JSON list of blocks (the builder fills this in).",
    )
    dataset = forms.ChoiceField(choices=list(LABELS.items()), initial="mnist10k")
    schedule = forms.ChoiceField(choices=_choices(C.SCHEDULES), initial="cosine")
    init = forms.ChoiceField(
        label="Weight initialization", choices=_choices(C.INITS), initial="default"
    )
    augment = forms.BooleanField(required=False, help_text="Small random shifts and rotations.")
    train_subset = forms.IntegerField(
        min_value=0,
        max_value=60_000,
        initial=0,
        required=False,
        help_text="Train on only this many images (0: all).",
    )
    field_order = [
        "title",
        "preset",
        "blocks",
        "dataset",
        "optimizer",
        "lr",
        "schedule",
        "batch_size",
        "epochs",
        "init",
        "augment",
        "seed",
        "max_steps",
        "train_subset",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ready = datasets.available()
        dataset = self.fields["dataset"]
        assert isinstance(dataset, forms.ChoiceField)
        dataset.choices = [
            (name, label if name in ready else f"{label} - not installed yet")
            for name, label in LABELS.items()
        ]

    def clean_train_subset(self) -> int:
        return self.cleaned_data.get("train_subset") or 0

    def clean_blocks(self) -> list[dict[str, Any]]:
        raw = self.data.get("blocks")  # a JSON string from the page, a list from the API
        raw = raw if isinstance(raw, list) else self.cleaned_data.get("blocks")
        if not raw and self.data.get("preset") in C.CNN_PRESETS:
            return list(C.CNN_PRESETS[self.data["preset"]])
        try:
            blocks = safe_input.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc.msg}.") from None
        if not isinstance(blocks, list) or not blocks:
            raise forms.ValidationError("Give at least one block.")
        if len(blocks) > MAX_BLOCKS:
            raise forms.ValidationError(f"At most {MAX_BLOCKS} blocks.")
        return [clean_block(i, b) for i, b in enumerate(blocks)]

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
        overhead, gflops = selectors.step_costs()
        return cnn_estimate(C.CnnConfig.from_dict(self.config()), gflops, overhead)


class TextForm(RunForm):
    kind = "text"
    cell = forms.ChoiceField(choices=_choices(C.CELLS), initial="lstm")
    embedding = forms.IntegerField(min_value=2, max_value=256, initial=32)
    hidden = forms.IntegerField(label="Hidden size", min_value=2, max_value=1024, initial=128)
    layers = forms.IntegerField(min_value=1, max_value=4, initial=1)
    dropout = forms.FloatField(min_value=0.0, max_value=0.8, initial=0.0)
    seq_len = forms.IntegerField(label="Sequence length", min_value=4, max_value=256, initial=64)
    clip = forms.FloatField(
        label="Gradient clipping",
        min_value=0.0,
        max_value=100.0,
        initial=1.0,
        help_text="Largest gradient norm (0: no clipping).",
    )
    corpus = forms.ChoiceField(
        choices=[
            ("platform", "The platform's glossary and lessons"),
            ("pasted", "Text I paste below"),
        ],
        initial="platform",
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, strip=False)
    field_order = [
        "title",
        "cell",
        "embedding",
        "hidden",
        "layers",
        "dropout",
        "seq_len",
        "batch_size",
        "clip",
        "optimizer",
        "lr",
        "epochs",
        "seed",
        "max_steps",
        "corpus",
        "text",
    ]

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
        cfg = C.TextConfig.from_dict(self.config())
        text = cfg.text if cfg.corpus == "pasted" else platform_text()
        overhead, gflops = selectors.step_costs()
        return text_estimate(cfg, gflops, len(text), len(set(text)) or 1, overhead)


FORMS: dict[str, type[RunForm]] = {"cnn": CnnForm, "text": TextForm}
