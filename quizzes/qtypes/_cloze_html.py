"""The answer controls of a Cloze question: one labelled control per gap, "Blank n" (a text
box, a menu, radios or checkboxes, as the gap's Moodle kind says)."""

from __future__ import annotations

from typing import Any

from ._html import escape, field_name


def cloze_html(item: dict[str, Any]) -> str:
    response = item.get("response")
    answers = response if isinstance(response, dict) else {}
    name = field_name(item)
    rows = "".join(
        _gap_html(name, gap, answers.get(str(gap["number"]))) for gap in item["parts"]["cloze"]
    )
    return f'<div class="gaps cloze" data-collect="gaps">{rows}</div>'


def _gap_html(name: str, gap: dict[str, Any], value: Any) -> str:
    number, control = gap["number"], gap["control"]
    if control == "text":
        shown = "" if value is None or isinstance(value, list) else escape(value)
        return (
            f'<label class="field gap-row">Blank {number} <input type="text" name="{name}" '
            f'data-gap="{number}" value="{shown}" autocomplete="off" maxlength="500"></label>'
        )
    if control == "one" and gap["display"] == "select":
        options = "".join(
            f'<option value="{escape(o["id"])}"{" selected" if value == o["id"] else ""}>'
            f"{escape(o['text'])}</option>"
            for o in gap["options"]
        )
        return (
            f'<label class="field gap-row">Blank {number} <select name="{name}" '
            f'data-gap="{number}"><option value="">Choose…</option>{options}</select></label>'
        )
    picked = set(value) if isinstance(value, list) else {value}
    kind = "radio" if control == "one" else "checkbox"
    boxes = "".join(
        f'<label class="option"><input type="{kind}" name="{name}-g{number}" '
        f'data-gap="{number}" value="{escape(o["id"])}"{" checked" if o["id"] in picked else ""}>'
        f" <span>{escape(o['text'])}</span></label>"
        for o in gap["options"]
    )
    return (
        f'<fieldset class="gap-row gap-{escape(gap["display"])}"><legend>Blank {number}</legend>'
        f"{boxes}</fieldset>"
    )
