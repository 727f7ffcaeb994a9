"""What a student may see of an attempt: the single place where answers are kept secret.

Both the HTML pages and the API serialize `present_item`, so the integrity rule lives here:
before an item is locked its dict holds only tokens (tokens.py, never database ids), texts and
the student's own response; once locked, each part of the verdict (correctness, mark, specific
and general feedback, right answer) appears only when the quiz's review options
(`review.review_options`) allow it now.
Hidden parts are left out of the dict, never sent empty.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import nh3
from django.urls import reverse
from django.utils.html import escape, linebreaks

from glossary.rendering import markdown_to_html

from . import qtypes
from .behaviours import CbmSummary, cbm_summary, cbm_tally
from .models import (
    Attempt,
    AttemptQuestion,
    AttemptState,
    Behaviour,
    FileArea,
    Question,
    TextFormat,
)
from .qtypes import short
from .qtypes.base import Grade
from .question_files import keep_own_images, with_file_urls
from .review import ReviewOptions, review_options
from .selectors import overall_feedback
from .tokens import ItemTokens


def render_stem(
    text: str, fmt: str, *, question_id: int | None = None, area: str = FileArea.QUESTION_TEXT
) -> str:
    """A question's text as safe HTML; its `@@PLUGINFILE@@/name` images (with `question_id`)
    point at the URL that serves them, and an <img> from anywhere else loses its src."""
    if fmt == "plain":
        return linebreaks(escape(text))
    text = with_file_urls(text, question_id=question_id, area=area)
    html = nh3.clean(text) if fmt == "html" else markdown_to_html(text)
    return keep_own_images(html)


_MARKUP = re.compile(r"<[A-Za-z/!]")


def render_feedback(
    text: str, fmt: str, *, question_id: int | None = None, area: str, block: bool = False
) -> str:
    """A hint (area HINT) or an answer's feedback (ANSWER_FEEDBACK) as safe HTML, read in its
    question's text format `fmt` (its stem_format), as Moodle keeps them: an HTML question's
    (Moodle XML's) are HTML, sanitized as render_stem does, their `@@PLUGINFILE@@/name`
    images pointing at the URL that serves them and any other <img> without its src; our
    markdown and plain questions' are plain text, shown as always: escaped, line breaks kept.
    Text without markup keeps its lines either way; `block` puts it in a paragraph (the
    review's feedback; a hint runs on in its line)."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == TextFormat.HTML and _MARKUP.search(text):
        return render_stem(text, "html", question_id=question_id, area=area)
    html = (nh3.clean(text) if fmt == TextFormat.HTML else escape(text)).replace("\n", "<br>")
    return f"<p>{html}</p>" if block else html


def item_feedback_html(item: AttemptQuestion) -> str:
    """The item's specific feedback (its graded answers' feedback) as safe HTML."""
    question = item.question
    return render_feedback(
        item.feedback,
        question.stem_format,
        question_id=question.pk,
        area=FileArea.ANSWER_FEEDBACK,
        block=True,
    )


def _stem_html(question: Question) -> str:
    # The quiz pages' questions come from question_cache, one object per question version in
    # each process: the stem is rendered once per version, not on every page view.
    html = question.__dict__.get("_stem_html")
    if html is None:
        html = question.__dict__["_stem_html"] = render_stem(
            question.stem, question.stem_format, question_id=question.pk
        )
    return html


def _options(item: AttemptQuestion) -> dict[str, Any]:
    """What the student picks from, each named by its token (tokens.py), never a database id."""
    return qtypes.get(item.question.type).options(item, ItemTokens.of(item))


def present_response(item: AttemptQuestion) -> Any:
    """The student's saved answer as they sent it: in tokens."""
    return ItemTokens.of(item).present(item.response)


# Readable short answers live with their type; named here too for the review's callers.
short_answer_text = short.short_answer_text


def right_answer_text(question: Question) -> str:
    return qtypes.get(question.type).right_answer_text(question)


def response_text(item: AttemptQuestion) -> str:
    """The student's own answer in words (safe to show at any time: it is theirs)."""
    question, response = item.question, item.response
    if response in (None, "", [], {}):
        return ""
    return qtypes.get(question.type).response_text(question, response)


def try_texts(item: AttemptQuestion) -> list[str]:
    """The student's checked answers in order, in words: theirs, so shown wherever their own
    answer is (never a verdict per try, never to another student)."""
    qtype = qtypes.get(item.question.type)
    return [
        qtype.response_text(item.question, entry.get("response"))
        if entry.get("response") not in (None, "", [], {})
        else ""
        for entry in item.try_history
    ]


def _result(item: AttemptQuestion, review: ReviewOptions) -> dict[str, Any]:
    question = item.question
    result: dict[str, Any] = {"max_mark": item.max_mark}
    if review.correctness:
        result["state"] = Grade(item.fraction, [], item.needs_grading).state
    if review.marks:
        result |= {"mark": item.mark, "fraction": item.fraction}
    if review.specific_feedback:  # Moodle counts the grader's comment as specific feedback
        result |= {
            "feedback": item.feedback,
            "feedback_html": item_feedback_html(item),
            "grader_comment": item.grader_comment,
        }
    if review.general_feedback:
        result["explanation_html"] = render_stem(
            question.explanation,
            "markdown",
            question_id=question.pk,
            area=FileArea.GENERAL_FEEDBACK,
        )
        result["terms"] = [
            {"slug": t.slug, "name": t.name, "url": reverse("glossary:term", args=[t.slug])}
            for t in question.terms.all()
        ]
        result["section_number"] = question.section.number if question.section_id else None
    return result


def present_item(item: AttemptQuestion, *, review: ReviewOptions) -> dict[str, Any]:
    """`review` is what may be shown now (review.review_options); before the item locks only
    the question and the student's own response are sent, whatever it says."""
    question = item.question
    data: dict[str, Any] = {
        "id": item.id,
        "question_id": question.id,
        "number": item.order + 1,
        "type": question.type,
        "type_label": question.get_type_display(),
        "stem_html": qtypes.get(question.type).show_stem(_stem_html(question), item),
        "max_mark": item.max_mark,
        "response": present_response(item),
        "answered": item.answered,
        "flagged": item.flagged,
        "locked": item.locked,
        "tries": item.tries,
        "certainty": item.certainty,  # the student's own choice (certainty-based marking)
        **_options(item),
    }
    if not item.locked:
        if item.tries and question.hints:  # interactive: a hint per failed try
            hint = question.hints[min(item.tries, len(question.hints)) - 1]
            data["hint"] = hint
            data["hint_html"] = render_feedback(
                hint, question.stem_format, question_id=question.pk, area=FileArea.HINT
            )
        return data
    if review.attempt:
        data["response_text"] = response_text(item)
        if item.try_history:
            data["try_responses"] = try_texts(item)
    else:
        del data["response"]
    data["result"] = _result(item, review)
    qtype = qtypes.get(question.type)
    if review.right_answer and qtype.has_right_answer:
        data["right_answer"] = qtype.item_right_answer_text(item)
        correct = qtype.correct_ids(question, ItemTokens.of(item))
        if correct is not None:
            data["correct_ids"] = correct
    return data


def present_attempt(
    attempt: Attempt, items: list[AttemptQuestion], *, now: datetime
) -> dict[str, Any]:
    """Without the `attempt` review option the questions are not reviewed at all (Moodle's
    "not allowed to review"): `items` is empty; the total and overall feedback may still show."""
    review = review_options(attempt=attempt, now=now)
    finished = attempt.state == AttemptState.FINISHED
    remaining = None
    if attempt.deadline and not finished:
        remaining = max(0, int((attempt.deadline - now).total_seconds()))
    data = {
        "id": attempt.id,
        "quiz_id": attempt.quiz_id,
        "quiz_title": attempt.quiz.title,
        "number": attempt.number,
        "state": attempt.state,
        "behaviour": attempt.quiz.behaviour,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "seconds_left": remaining,
        "max_marks": attempt.max_marks,
        "review": review.as_dict(),
        "items": [present_item(i, review=review) for i in items] if review.attempt else [],
    }
    if not finished:
        data |= {"score": None, "marks": None, "passed": None}
    elif review.marks:
        passed = None if attempt.score is None else attempt.score >= attempt.quiz.pass_mark
        data |= {"score": attempt.score, "marks": attempt.marks, "passed": passed}
    return data


def present_results(
    attempt: Attempt, items: list[AttemptQuestion], *, now: datetime
) -> dict[str, Any]:
    """The result page and the API's results: the attempt, and the overall feedback when the
    review options show it (it names the score band, so it is held back like the marks)."""
    data = present_attempt(attempt, items, now=now)
    if data["review"]["overall_feedback"]:
        data["overall_feedback"] = overall_feedback(quiz=attempt.quiz, score=attempt.score)
    finished = attempt.state == AttemptState.FINISHED
    if finished and data["review"]["marks"] and attempt.quiz.behaviour == Behaviour.CBM:
        data["cbm"] = attempt_cbm(items)  # Moodle shows it with the marks, never without
    return data


def attempt_cbm(items: list[AttemptQuestion]) -> CbmSummary | None:
    """Moodle's CBM summary of one attempt, from its items as loaded: the questions marked by
    the code (not essays, not descriptions), as statistics.queries.cbm_tallies counts them."""
    rows = (
        (i.certainty, i.max_mark, i.fraction, i.mark, i.answered)
        for i in items
        if qtypes.get(i.question.type).counts_in_cbm
    )
    levels, unanswered = cbm_tally(rows)
    return cbm_summary(levels=levels, unanswered=unanswered)
