"""Practice quizzes drawn from the glossary on demand: term → definition and definition → term.

Each question offers the right answer and 3 distractors from the same category (related terms
first, because those are the ones students confuse). Which option is right lives only in the
server-side session until the answers are submitted; the page names options by tokens of a
random per-quiz key (quizzes/tokens.py), so neither their values nor their order say which is right.
"""

from __future__ import annotations

import random
import re
import secrets
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from glossary.models import Category, Term

from .tokens import token

SESSION_KEY = "quizzes_practice"
TOKEN_KEY = "quizzes_practice_key"  # a fresh random key per practice quiz
OPTIONS = 4
COUNTS = (5, 10, 15, 20)
BLANK = "_____"


@dataclass(frozen=True)
class PracticeQuestion:
    term: str  # slug of the term asked about
    direction: str  # "term-to-definition" or "definition-to-term"
    options: list[str]  # term slugs, in the order shown
    answer: int  # index into options; never rendered before submission


def _distractors(term: Term, pool: list[Term], rng: random.Random) -> list[Term]:
    same = [t for t in pool if t.pk != term.pk and t.category == term.category]
    related = {t.pk for t in term.related.all()}
    rng.shuffle(same)
    same.sort(key=lambda t: t.pk not in related)  # stable: related first, then random
    others = [t for t in pool if t.pk != term.pk and t.category != term.category]
    rng.shuffle(others)
    picked: list[Term] = []
    seen = {term.definition.strip().lower(), term.name.strip().lower()}
    for candidate in same + others:  # other categories only when a category is too small
        keys = {candidate.definition.strip().lower(), candidate.name.strip().lower()}
        if not keys & seen:
            picked.append(candidate)
            seen |= keys
        if len(picked) == OPTIONS - 1:
            break
    return picked


def practice_build(
    *, count: int, category: str | None, rng: random.Random
) -> list[PracticeQuestion]:
    """Pick up to `count` terms (of one category if given) and make one question per term."""
    pool = list(Term.objects.prefetch_related("related").order_by("slug"))
    chosen = [t for t in pool if not category or t.category == category]
    rng.shuffle(chosen)
    questions = []
    for term in chosen[:count]:
        distractors = _distractors(term, pool, rng)
        if len(distractors) < OPTIONS - 1:
            continue
        options = [term, *distractors]
        rng.shuffle(options)
        direction = rng.choice(["term-to-definition", "definition-to-term"])
        slugs = [t.slug for t in options]
        questions.append(PracticeQuestion(term.slug, direction, slugs, slugs.index(term.slug)))
    return questions


def _mask(text: str, term: Term) -> str:
    """Blank out a term's own names in its definition."""
    for name in sorted({term.name, term.abbreviation, *term.aliases} - {""}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", BLANK, text, flags=re.IGNORECASE)
    return text


def option_token(key: str, number: int, index: int) -> str:
    return token(f"practice:{key}:{number}", index)


def _present(questions: list[PracticeQuestion], key: str | None = None) -> list[dict[str, Any]]:
    """What the page may show: prompts and option texts, with no trace of the answer; options
    are (token, text) with the quiz's key, (index, text) without it (after submission)."""
    slugs = {s for q in questions for s in q.options}
    terms = {t.slug: t for t in Term.objects.filter(slug__in=slugs)}
    shown = []
    for number, q in enumerate(questions):
        term, options = terms[q.term], [terms[s] for s in q.options]
        if q.direction == "term-to-definition":
            label = term.name + (f" ({term.abbreviation})" if term.abbreviation else "")
            # A definition naming its own term would give the answer away.
            texts = [_mask(t.definition, t) for t in options]
            prompt = f"What does “{label}” mean?"
        else:
            prompt = f"Which term is this? {_mask(term.definition, term)}"
            texts = [t.name for t in options]
        values = [option_token(key, number, i) if key else i for i in range(len(texts))]
        shown.append(
            {"number": number, "prompt": prompt, "options": list(zip(values, texts, strict=True))}
        )
    return shown


def practice_grade(*, questions: list[PracticeQuestion], answers: dict[int, int | None]) -> dict:
    slugs = {s for q in questions for s in q.options}
    terms = {t.slug: t for t in Term.objects.filter(slug__in=slugs)}
    rows = []
    for (number, shown), q in zip(enumerate(_present(questions)), questions, strict=True):
        picked = answers.get(number)
        rows.append(
            {
                **shown,
                "picked": picked,
                "answer": q.answer,
                "correct": picked == q.answer,
                "term": terms[q.term],
            }
        )
    score = sum(r["correct"] for r in rows)
    return {"rows": rows, "score": score, "total": len(rows)}


# --- views --------------------------------------------------------------------------------------
def _parse_count(raw: str | None) -> int:
    try:
        value = int(raw or COUNTS[1])
    except ValueError:
        value = COUNTS[1]
    return min(max(value, 1), max(COUNTS))


@require_http_methods(["GET"])
@login_required
def practice_index(request: HttpRequest) -> HttpResponse:
    context = {"categories": Category.choices, "counts": COUNTS}
    return render(request, "quizzes/practice_start.html", context)


@require_POST
@login_required
def practice_start(request: HttpRequest) -> HttpResponse:
    category = request.POST.get("category") or None
    if category not in {None, *Category.values}:
        category = None
    rng = random.Random(uuid.uuid4().int)
    questions = practice_build(
        count=_parse_count(request.POST.get("count")), category=category, rng=rng
    )
    if not questions:
        context = {"categories": Category.choices, "counts": COUNTS, "error": True}
        return render(request, "quizzes/practice_start.html", context, status=422)
    request.session[SESSION_KEY] = [asdict(q) for q in questions]
    request.session[TOKEN_KEY] = secrets.token_urlsafe(16)
    return redirect("quizzes:practice-play")


def _session_questions(request: HttpRequest) -> list[PracticeQuestion] | None:
    raw = request.session.get(SESSION_KEY)
    return [PracticeQuestion(**q) for q in raw] if raw else None


def _token_key(request: HttpRequest) -> str:
    if not request.session.get(TOKEN_KEY):  # a quiz started before keys existed
        request.session[TOKEN_KEY] = secrets.token_urlsafe(16)
    return request.session[TOKEN_KEY]


def _answers(request: HttpRequest, questions: list[PracticeQuestion]) -> dict[int, int | None]:
    """Tokens back to option indices; an unknown token counts as no answer."""
    key = _token_key(request)
    answers: dict[int, int | None] = {}
    for number, q in enumerate(questions):
        by_token = {option_token(key, number, i): i for i in range(len(q.options))}
        answers[number] = by_token.get(request.POST.get(f"q{number}", ""))
    return answers


@require_http_methods(["GET", "POST"])
@login_required
def practice_play(request: HttpRequest) -> HttpResponse:
    questions = _session_questions(request)
    if questions is None:
        return redirect("quizzes:practice")
    if request.method == "GET":
        shown = _present(questions, _token_key(request))
        return render(request, "quizzes/practice_play.html", {"questions": shown})
    result = practice_grade(questions=questions, answers=_answers(request, questions))
    del request.session[SESSION_KEY]  # one submission per practice quiz
    request.session.pop(TOKEN_KEY, None)
    return render(request, "quizzes/practice_result.html", result)


# Included by quizzes/urls.py (namespace "quizzes").
urlpatterns = [
    path("practice/", practice_index, name="practice"),
    path("practice/start/", practice_start, name="practice-start"),
    path("practice/play/", practice_play, name="practice-play"),
]
