"""Drag and drop into text (Moodle's ddwtos), graded as gapselect (qtypes/_gaps.py).

Never drag-only (WCAG 2.2, 2.5.7): every word is a button; pick one (click, Enter or Space),
then pick the blank it goes in; a filled blank picked again is emptied. Dragging with a
mouse does the same (quizzes/static/quizzes/ddwtos.js). Each blank keeps its word in a hidden
input that the attempt page's `gaps` collector reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element

from . import _html
from . import _moodle as mx
from ._gaps import GapType
from ._spec import Option

if TYPE_CHECKING:
    from ..models import AttemptQuestion
    from ..tokens import ItemTokens


class DdwtosType(GapType):
    name = "ddwtos"
    moodle_names = ("ddwtos",)
    moodle_type = "ddwtos"
    moodle_choice = "dragbox"
    spec_schema = (
        *GapType.spec_schema,
        Option("infinite", "bool", False, "A word may fill more than one blank."),
    )

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        data = super().moodle_read(question, warn)
        boxes = question.findall(self.moodle_choice)
        # Moodle says per word whether it may fill several blanks; here the question does.
        data["spec"]["infinite"] = any(b.find("infinite") is not None for b in boxes)
        return data

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        super().moodle_write(data, question)
        if self.spec(data)["infinite"]:
            for box in question.findall(self.moodle_choice):
                mx.sub(box, "infinite")

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        out = super().options(item, tokens)
        out["parts"]["infinite"] = self.spec(item.question)["infinite"]
        return out

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        # One piece: the fragment joins pieces with spaces, and the template has none here.
        qid, esc, parts = item["question_id"], _html.escape, item["parts"]
        tiles = "".join(
            f'<button type="button" class="btn btn-ghost btn-small dd-tile" draggable="true" '
            f'data-value="{esc(t["id"])}" data-group="{t["group"]}" aria-pressed="false" '
            f'aria-describedby="q{qid}-ddhelp">{esc(t["text"])}</button>'
            for t in parts["tiles"]
        )
        rows = "".join(_drop_html(item, gap) for gap in parts["gaps"])
        infinite = "true" if parts["infinite"] else "false"
        yield (
            f'<div class="ddwtos" data-collect="gaps" data-infinite="{infinite}"> '
            f'<p class="muted dd-help" id="q{qid}-ddhelp">Pick a word, then the blank it goes in'
            " (click, Enter or Space; or drag it). Pick a filled blank to empty it.</p> "
            f'<div class="dd-tiles" role="group" aria-label="Words to place">{tiles}</div> '
            f'<div class="dd-drops">{rows}</div> '
            '<p class="sr-only dd-status" role="status" aria-live="polite"></p> </div>'
        )


def _drop_html(item: dict[str, Any], gap: dict[str, Any]) -> str:
    qid, number, esc = item["question_id"], gap["number"], _html.escape
    response = item.get("response")
    chosen = response.get(str(number), "") if isinstance(response, dict) else ""
    word = next((t["text"] for t in item["parts"]["tiles"] if t["id"] == chosen), "")
    label = f"q{qid}-gap{number}"
    return (
        f'<div class="dd-row"><span id="{label}">Blank {number}</span> <button type="button" '
        f'class="btn btn-ghost dd-drop" data-drop="{number}" data-group="{gap["group"]}" '
        f'aria-labelledby="{label} {label}-word"><span id="{label}-word">'
        f'{esc(word)}{"" if chosen else "empty"}</span></button><input type="hidden" '
        f'name="q{qid}" data-gap="{number}" value="{esc(chosen)}"></div>'
    )


TYPE = DdwtosType()
