"""Select missing words (Moodle's gapselect): a labelled select per gap (qtypes/_gaps.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _html
from ._gaps import GapType


class GapSelectType(GapType):
    name = "gapselect"
    moodle_names = ("gapselect",)
    moodle_type = "gapselect"

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        name, esc = _html.field_name(item), _html.escape
        response = item.get("response")
        answers = response if isinstance(response, dict) else {}
        yield '<div class="gaps" data-collect="gaps">'
        for gap in item["parts"]["gaps"]:
            chosen = answers.get(str(gap["number"]), "")
            options = "".join(
                f'<option value="{esc(o["id"])}"{" selected" if chosen == o["id"] else ""}>'
                f"{esc(o['text'])}</option>"
                for o in gap["options"]
            )
            yield (
                f'<label class="field gap-row">Blank {gap["number"]} <select name="{name}" '
                f'data-gap="{gap["number"]}"> <option value="">Choose…</option> {options} '
                "</select></label>"
            )
        yield "</div>"


TYPE = GapSelectType()
