"""The question editor's form: tags and hints as lists, a type's settings as real fields.

A type's settings (`Question.spec`) are described once, by its `spec_schema`
(qtypes/_spec.py); the form fields come from there: a number is a bounded number input, a
text a textarea, a choice a select, a flag a checkbox, a list a table of inputs where its type
declares one (admin_rows.py; read only for what is read out of the text), else one record a
line. Each field is checked by its own Option, so a bad value is an error on that field.
"""

from __future__ import annotations

from typing import Any

from django import forms

from . import qtypes
from .admin_rows import RowsField
from .qtypes._spec import Option, Table
from .services.bank import COMBINED_KEYS

SPEC_PREFIX = "spec_"
INPUT_PREFIX = "editor_"
MAX_TAGS = 50
MAX_TAG_CHARS = 100
MAX_HINTS = 20
MAX_HINT_CHARS = 5000
MAX_LIST_CHARS = MAX_HINTS * MAX_HINT_CHARS


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) > MAX_LIST_CHARS:
        raise forms.ValidationError(f"At most {MAX_LIST_CHARS} characters.")
    return text.replace("\r\n", "\n")


class TagsField(forms.Field):
    """One tag per line (commas also separate); blanks and repeats dropped."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(map(str, value)) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = _text(value)
        tags = [t.strip() for line in text.splitlines() for t in line.split(",")]
        tags = list(dict.fromkeys(t for t in tags if t))
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"At most {MAX_TAGS} tags.")
        long = [t for t in tags if len(t) > MAX_TAG_CHARS]
        if long:
            raise forms.ValidationError(f"A tag has at most {MAX_TAG_CHARS} characters: {long[0]}")
        return tags


class HintsField(forms.Field):
    """One hint per paragraph: hints are separated by a blank line (a hint may span lines)."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value: Any) -> Any:
        return "\n\n".join(map(str, value)) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = _text(value)
        paragraphs: list[list[str]] = [[]]
        for line in text.split("\n"):
            if line.strip():
                paragraphs[-1].append(line.rstrip())
            elif paragraphs[-1]:
                paragraphs.append([])
        hints = ["\n".join(p) for p in paragraphs if p]
        if len(hints) > MAX_HINTS:
            raise forms.ValidationError(f"At most {MAX_HINTS} hints.")
        if any(len(h) > MAX_HINT_CHARS for h in hints):
            raise forms.ValidationError(f"A hint has at most {MAX_HINT_CHARS} characters.")
        return hints


class RecordsField(forms.Field):
    """A list of small records, one a line, its fields separated by "|" (the first field may
    hold a "|" of its own: lines split from the right)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *, columns: tuple[str, ...], **kwargs: Any) -> None:
        self.columns = columns
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return "\n".join(self._line(v) for v in value if isinstance(v, dict))

    def _line(self, record: dict[str, Any]) -> str:
        cells = [_cell(record.get(c)) for c in self.columns]
        while len(cells) > 1 and cells[-1] == "":
            cells.pop()
        return " | ".join(cells)

    def to_python(self, value: Any) -> list[dict[str, str]]:
        records = []
        for line in _text(value).split("\n"):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.rsplit("|", len(self.columns) - 1)]
            records.append({c: p for c, p in zip(self.columns, parts, strict=False) if p})
        return records


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _label(option: Option) -> str:
    return option.key.replace("_", " ").capitalize()


def _number_help(option: Option) -> str:
    bounds = [f"from {option.low:g}" if option.low is not None else ""]
    bounds.append(f"to {option.high:g}" if option.high is not None else "")
    said = " ".join(b for b in bounds if b)
    return " ".join(p for p in (option.help, f"A number {said}." if said else "") if p)


def spec_field(option: Option, table: Table | None = None) -> forms.Field:
    """The form field of one Option: the schema is the one description of a setting (a list
    setting whose type declares its table is a table of inputs: admin_rows.py)."""
    common: dict[str, Any] = {"label": _label(option), "required": False, "help_text": option.help}
    if table is not None:
        return RowsField(table=table, **common)
    if option.kind == "number":
        common["help_text"] = _number_help(option)
        return forms.FloatField(
            min_value=option.low,
            max_value=option.high,
            widget=forms.NumberInput(attrs={"step": "any"}),
            **common,
        )
    if option.kind == "bool":
        return forms.BooleanField(**common)
    if option.kind == "choice":
        choices = [(c, c.replace("_", " ")) for c in option.choices]
        return forms.ChoiceField(choices=choices, **common)
    if option.kind == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), strip=False, **common)
    if option.columns:
        said = " | ".join(option.columns)
        common["help_text"] = f"{option.help} One a line: {said} (only the first is needed)."
        return RecordsField(columns=option.columns, **common)
    common["help_text"] = f"{option.help} A JSON list.".strip()
    return forms.JSONField(widget=forms.Textarea(attrs={"rows": 4}), **common)


def _options(kind: str) -> list[tuple[str, Option]]:
    """The type's settings, then the editor's own inputs (not stored: QType.editor_spec)."""
    qtype = qtypes.get(kind)
    options = [(SPEC_PREFIX + o.key, o) for o in qtype.spec_schema] + [
        (INPUT_PREFIX + o.key, o) for o in qtype.editor_inputs
    ]
    order = {key: n for n, key in enumerate(qtype.editor_order)}
    return sorted(options, key=lambda pair: order.get(pair[1].key, len(order)))


def spec_field_names(kind: str) -> list[str]:
    return [name for name, _ in _options(kind)]


def spec_form_fields(kind: str) -> dict[str, forms.Field]:
    tables = qtypes.get(kind).editor_tables
    return {name: spec_field(o, tables.get(o.key)) for name, o in _options(kind)}


def spec_initial(form: forms.ModelForm, kind: str) -> None:
    """The stored settings (defaults for keys stored before they existed) as initial values;
    the text as the type's editor shows it."""
    qtype = qtypes.get(kind)
    stored = qtype.spec(form.instance) if form.instance.pk else {}
    inputs = qtype.editor_initial(stored) if form.instance.pk else {}
    for name, option in _options(kind):
        given = inputs if name.startswith(INPUT_PREFIX) else stored
        form.fields[name].initial = given.get(option.key, option.default)
    if form.instance.pk and "stem" in form.fields:
        form.initial["stem"] = qtype.editor_stem(form.instance)


def spec_from_form(
    form: forms.ModelForm, kind: str, *, inputs: bool = False
) -> dict[str, Any] | None:
    """The spec the fields give (with `inputs`: the editor's own inputs), each checked by its
    Option (an error on that field); None when a field is wrong."""
    raw: dict[str, Any] = {}
    ok = True
    prefix = INPUT_PREFIX if inputs else SPEC_PREFIX
    for name, option in _options(kind):
        if not name.startswith(prefix):
            continue
        if name not in form.cleaned_data:
            ok = False  # its own field error is shown already
            continue
        value = form.cleaned_data[name]
        if option.kind != "bool" and value in (None, ""):
            value = None if option.kind != "text" else ""
        try:
            raw[option.key] = option.clean(value)
        except qtypes.DataError as exc:
            form.add_error(name, str(exc))
            ok = False
    return raw if ok else None


def spec_error(form: forms.ModelForm, kind: str, message: str) -> None:
    """A whole-spec error on the field it names (messages start with the key), else the form."""
    for name, option in _options(kind):
        # "ranges ..." or "range 'x': ..." (a message about one of its records)
        if message.startswith((option.key, option.key.removesuffix("s") + " ")):
            form.add_error(name, message)
            return
    form.add_error(None, message)


# --- Moodle's combined feedback (types whose QType has it), four fields, not a JSON box ---
COMBINED_PREFIX = "combined_"
COMBINED_LABELS = {
    "correct": "Feedback for any right response",
    "partial": "Feedback for any partly right response",
    "incorrect": "Feedback for any wrong response",
    "show_num_correct": "Show the number of right parts",
}


def combined_form_fields(kind: str) -> dict[str, forms.Field]:
    if not qtypes.get(kind).combined_feedback:
        return {}
    fields: dict[str, forms.Field] = {}
    for key, label in COMBINED_LABELS.items():
        if COMBINED_KEYS[key] is bool:
            fields[COMBINED_PREFIX + key] = forms.BooleanField(label=label, required=False)
        else:
            widget = forms.Textarea(attrs={"rows": 2})
            fields[COMBINED_PREFIX + key] = forms.CharField(
                label=label, required=False, widget=widget
            )
    return fields


def combined_initial(form: forms.ModelForm) -> None:
    stored = form.instance.combined_feedback or {}
    for key in COMBINED_LABELS:
        if COMBINED_PREFIX + key in form.fields:
            form.fields[COMBINED_PREFIX + key].initial = stored.get(key)


def combined_from_form(form: forms.ModelForm) -> None:
    if COMBINED_PREFIX + "correct" not in form.fields:
        return
    values = {k: form.cleaned_data.get(COMBINED_PREFIX + k) for k in COMBINED_LABELS}
    form.instance.combined_feedback = {k: v for k, v in values.items() if v}
