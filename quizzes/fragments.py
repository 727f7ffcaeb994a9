"""The quiz-taking page's questions as HTML, built in Python from `present_item`'s dicts.

The page is the one students load most, and through the template engine its questions cost
two thirds of the request (about 240 template nodes a question). A question's markup is simple
and fixed, so it is written here with plain string building, each type's answer controls by
its own module (`qtypes.<type>.answer_html`): this is the one description of a question on the
page. A locked item's review (verdict, right answer, feedback, explanation) is the template
`quizzes/_review.html`, which the result page shows too.

Integrity is unchanged: everything here comes from `present_item`, so an open item shows only
tokens, texts and the student's own response (see presenters.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import qtypes
from .behaviours import CERTAINTIES
from .marks import format_mark


class TriesLimit(Protocol):
    """What the fragments read of a quiz: a Quiz, or the question preview's stand-in."""

    @property
    def max_tries(self) -> int: ...


class Attempted(Protocol):
    """An Attempt, or the preview's stand-in: its quiz is all the fragments read."""

    @property
    def quiz(self) -> TriesLimit: ...


def question_fragments(data: dict[str, Any], attempt: Attempted) -> list[SafeString]:
    """One fragment per item of a presented attempt, in order."""
    out = []
    for item in data["items"]:
        out.append(question_html(item, behaviour=data["behaviour"], quiz=attempt.quiz))
        cbm = data["behaviour"] == "deferredcbm" and qtypes.get(item["type"]).graded
        if cbm and not item["locked"]:
            out.append(certainty_html(item))
    return out


def certainty_html(item: dict[str, Any]) -> SafeString:
    """Certainty-based marking: a radio group beside the question's own fieldset (kept out of
    it, so that attempt.js reads only the answer's inputs); cbm.js saves the choice."""
    number, qid, chosen = item["number"], item["question_id"], item.get("certainty")
    parts = [
        f'<fieldset class="card cbm-certainty" data-qid="{qid}">'
        f"<legend>How sure are you of your answer to question {number}?</legend>"
    ]
    for level, label in CERTAINTIES.items():
        checked = " checked" if chosen == level else ""
        parts.append(
            f'<label class="option"><input type="radio" name="certainty-{qid}" value="{level}"'
            f"{checked}> <span>{escape(label)}</span></label>"
        )
    parts.append('<p class="muted">Not chosen counts as C1.</p></fieldset>')
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped labels only


def nav_html(items: list[dict[str, Any]], pages: Any = None) -> SafeString:
    """The quiz navigation's links, one per question (attempt.js keeps their classes current;
    quiz-nav.js their spoken state). With pages (paging.Pages), a question on another page links
    there, or, in sequential navigation, is shown but not a link."""
    links = []
    for item in items:
        state = "".join(f" is-{name}" for name in ("answered", "flagged", "locked") if item[name])
        number, qid = item["number"], item["question_id"]
        page = pages.page_of(number - 1) if pages is not None else 0
        spoken = "".join(f", {name}" for name in ("answered", "flagged") if item[name])
        common = f'class="nav-q{state}" data-qid="{qid}" aria-label="Question {number}{spoken}"'
        if pages is not None and not pages.reachable(page):
            links.append(f'<li><span {common} aria-disabled="true">{number}</span></li>')
            continue
        href = (
            f"#q-{number}" if pages is None or page == pages.number else f"?page={page}#q-{number}"
        )
        links.append(f'<li><a href="{href}" {common}>{number}</a></li>')
    return mark_safe("".join(links))  # noqa: S308 - numbers only


def question_html(item: dict[str, Any], *, behaviour: str, quiz: TriesLimit) -> SafeString:
    """One question: its head, stem and answer controls; then, open, the hint after a wrong try
    and the Flag / Check buttons, or, locked (disabled), its review."""
    kind, locked = item["type"], item["locked"]
    qtype = qtypes.get(kind)
    parts = [
        f'<fieldset class="card question q-{escape(kind)}{" is-locked" if locked else ""}" '
        f'id="q-{item["number"]}" data-qid="{item["question_id"]}" data-type="{escape(kind)}"'
        f"{' disabled' if locked else ''}>",
        f'<legend class="q-head"><span>Question {item["number"]}</span> '
        f'<span class="muted">{escape(item["type_label"])}{_marks_label(item["max_mark"])}'
        "</span></legend>",
        f'<div class="q-stem">{item["stem_html"]}</div>',  # sanitised by render_stem
        *qtype.answer_html(item),
    ]
    if locked:
        parts += [render_to_string("quizzes/_review.html", {"item": item}), "</fieldset>"]
        return mark_safe(" ".join(parts))  # noqa: S308 - escaped here and by the template
    if item["tries"]:
        limited = quiz.max_tries and behaviour == "interactive"
        tries = f" (try {item['tries'] + 1} of {quiz.max_tries})" if limited else ""
        # hint_html: sanitised, or escaped plain text, by presenters.render_feedback
        hint = f" Hint: {item['hint_html']}" if item.get("hint_html") else ""
        parts.append(
            '<div class="alert alert-warning hint" role="status">Not right yet: change your'
            f" answer and check again{tries}.{hint}</div>"
        )
    parts.append('<div class="row q-actions">')
    if qtype.graded:
        flagged = item["flagged"]
        parts.append(
            '<button type="button" class="btn btn-ghost btn-small flag-toggle" '
            f'aria-pressed="{"true" if flagged else "false"}">{"Unflag" if flagged else "Flag"}'
            "</button>"
        )
        if behaviour not in ("deferred", "deferredcbm"):
            parts.append('<button type="button" class="btn btn-small check-answer">Check</button>')
    parts += ["</div>", "</fieldset>"]
    return mark_safe(" ".join(parts))  # noqa: S308 - every value above is escaped


def _marks_label(max_mark: Any) -> str:
    return _marks_label_cached(max_mark, translation.get_language()) if max_mark else ""


@lru_cache(maxsize=256)
def _marks_label_cached(max_mark: Any, language: str | None) -> str:
    # As the template's `|mark` and `pluralize`: a handful of distinct values.
    plural = "" if float(max_mark) == 1 else "s"
    return f" · {format_mark(max_mark)} mark{plural}"
