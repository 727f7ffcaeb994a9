"""Builders for quiz tests: real rows through the real services (no mocks)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lessons.models import Chapter, Section, Topic
from quizzes.models import Quiz, QuizSlot
from quizzes.services import question_upsert_from_data

# One question of every type; the secret texts are what integrity tests look for.
QUESTION_DATA: dict[str, dict[str, Any]] = {
    "single": {
        "type": "single",
        "stem": "Which layer shrinks feature maps?",
        "explanation": "EXPLAIN-single pooling reduces size.",
        "choices": [
            {"text": "Pooling", "fraction": 100, "feedback": "FEEDBACK-single-right"},
            {"text": "Dropout", "fraction": 0, "feedback": "FEEDBACK-single-wrong"},
            {"text": "Embedding", "fraction": 0, "feedback": "FEEDBACK-single-wrong2"},
        ],
    },
    "multi": {
        "type": "multi",
        "stem": "Which are activation functions?",
        "explanation": "EXPLAIN-multi",
        "choices": [
            {"text": "ReLU", "fraction": 50, "feedback": "FEEDBACK-multi-relu"},
            {"text": "Sigmoid", "fraction": 50, "feedback": "FEEDBACK-multi-sigmoid"},
            {"text": "Adam", "fraction": -50, "feedback": "FEEDBACK-multi-adam"},
            {"text": "Softmax pooling", "fraction": -50, "feedback": "FEEDBACK-multi-pool"},
        ],
    },
    "truefalse": {
        "type": "truefalse",
        "stem": "A GRU has a cell state.",
        "explanation": "EXPLAIN-tf",
        "choices": [
            {"text": "True", "fraction": 0, "feedback": "FEEDBACK-tf-true"},
            {"text": "False", "fraction": 100, "feedback": "FEEDBACK-tf-false"},
        ],
    },
    "short": {
        "type": "short",
        "stem": "Name the usual hidden-layer activation.",
        "explanation": "EXPLAIN-short",
        "answers": [
            {"text": "SECRETRELU", "fraction": 100, "feedback": "FEEDBACK-short-right"},
            {"text": "rectif*", "fraction": 80, "feedback": "FEEDBACK-short-wild"},
        ],
    },
    "numerical": {
        "type": "numerical",
        "stem": "Output width of a 3x3 conv, stride 1, no padding, on 28?",
        "explanation": "EXPLAIN-num",
        "answers": [
            {"value": 26, "tolerance": 0, "fraction": 100, "feedback": "FEEDBACK-num-right"},
            {"value": 28, "tolerance": 0.5, "fraction": 25, "feedback": "FEEDBACK-num-close"},
        ],
    },
    "matching": {
        "type": "matching",
        "stem": "Match each network to its trait.",
        "explanation": "EXPLAIN-match",
        "pairs": [
            {"left": "LSTM", "right": "has a cell state"},
            {"left": "CNN", "right": "shares kernels over space"},
            {"left": "GRU", "right": "has two gates"},
        ],
        "distractors": ["has no parameters"],
    },
    "ordering": {
        "type": "ordering",
        "stem": "Put the CNN stages in order.",
        "explanation": "EXPLAIN-order",
        "items": ["convolution", "activation", "pooling", "flattening", "fully connected"],
    },
    "essay": {
        "type": "essay",
        "stem": "Explain vanishing gradients.",
        "explanation": "EXPLAIN-essay",
    },
    "description": {"type": "description", "stem": "Read the following questions carefully."},
    # The types of issue 16 §2 (and variants of the older ones with their spec options).
    "numerical_units": {
        "type": "numerical",
        "stem": "How long is the kernel's receptive field?",
        "explanation": "EXPLAIN-units",
        "answers": [{"value": 26, "tolerance": 0.5, "fraction": 100, "feedback": "FEEDBACK-units"}],
        "spec": {
            "units": [{"unit": "m", "multiplier": 1}, {"unit": "cm", "multiplier": 100}],
            "unit_input": "select",
            "unit_grading": "response",
            "unit_penalty": 0.5,
        },
    },
    "gapselect": {
        "type": "gapselect",
        "stem": "A [[1]] layer shrinks feature maps and [[2]] adds nonlinearity.",
        "explanation": "EXPLAIN-gapselect",
        "spec": {
            "choices": [
                {"text": "pooling", "group": 1},
                {"text": "ReLU", "group": 2},
                {"text": "dropout", "group": 1},
                {"text": "identity", "group": 2},
            ]
        },
    },
    "cloze": {
        "type": "cloze",
        "stem": (
            "The unit is called {1:SA:=CLOZESECRET#FEEDBACK-cloze-sa~%50%clozes*#FEEDBACK-half}; "
            "a 3x3 kernel has {2:NM:=9:0#FEEDBACK-cloze-nm} weights; maps shrink by "
            "{1:MC:=pooling#FEEDBACK-cloze-mc~dropout#FEEDBACK-cloze-wrong}; activations: "
            "{1:MRS:%50%ReLU~%50%tanh~%-100%Adam}."
        ),
        "explanation": "EXPLAIN-cloze",
    },
    "calculated": {
        "type": "calculated",
        "stem": "A dense layer maps {n} inputs to {m} outputs. How many weights, without biases?",
        "explanation": "EXPLAIN-calc",
        "spec": {
            "answers": [
                {
                    "formula": "{n} * {m}",
                    "fraction": 100,
                    "tolerance": 0.01,
                    "tolerance_type": "relative",
                    "feedback": "FEEDBACK-calc",
                },
                {"formula": "{n} + {m}", "fraction": 20, "feedback": "FEEDBACK-calc-sum"},
            ],
            "datasets": {"n": [3, 4, 5], "m": [2, 6, 7]},
            "answer_format": "decimals",
            "answer_length": 0,
        },
    },
    "calculatedsimple": {
        "type": "calculatedsimple",
        "stem": "A layer has {n} units fed by {m} inputs. How many weights, without biases?",
        "explanation": "EXPLAIN-calcsimple",
        "spec": {
            "answers": [
                {
                    "formula": "{n} * {m}",
                    "fraction": 100,
                    "tolerance": 0,
                    "tolerance_type": "nominal",
                    "feedback": "FEEDBACK-calcsimple",
                },
                {"formula": "{n} + {m}", "fraction": 25, "feedback": "FEEDBACK-calcsimple-sum"},
            ],
            "ranges": [
                {"name": "n", "min": 3, "max": 9, "decimals": 0},
                {"name": "m", "min": 3, "max": 5, "decimals": 0},
            ],
            "items": 4,
            "answer_format": "decimals",
            "answer_length": 0,
        },
    },
    "calculatedmulti": {
        "type": "calculatedmulti",
        "stem": "A batch holds {b} images of {p} pixels. How many pixel values is that?",
        "explanation": "EXPLAIN-calcmulti",
        "choices": [
            {"text": "{={b} * {p}}", "fraction": 100, "feedback": "FEEDBACK-cmulti {b} times {p}"},
            {"text": "{={b} + {p}}", "fraction": 0, "feedback": "FEEDBACK-cmulti-sum"},
            {"text": "{={b} * {p} * 2} values", "fraction": 0, "feedback": "FEEDBACK-cmulti-2"},
        ],
        "spec": {
            "datasets": {"b": [2, 4, 8], "p": [10, 20, 30]},
            "answer_format": "decimals",
            "answer_length": 0,
        },
    },
    "calculatedmulti_many": {
        "type": "calculatedmulti",
        "stem": "Pick the product and the sum of {a} and {b}.",
        "explanation": "EXPLAIN-calcmany",
        "choices": [
            {"text": "{={a} * {b}}", "fraction": 50, "feedback": "FEEDBACK-cmany-product"},
            {"text": "{={a} + {b}}", "fraction": 50, "feedback": "FEEDBACK-cmany-sum"},
            {"text": "{={a} - {b}}", "fraction": -50, "feedback": "FEEDBACK-cmany-diff"},
            {"text": "{={a} / {b}}", "fraction": -50, "feedback": "FEEDBACK-cmany-quot"},
        ],
        "spec": {
            "single": False,
            "datasets": {"a": [6, 9], "b": [3, 2]},
            "answer_format": "decimals",
            "answer_length": 2,
        },
    },
    "essay_limits": {
        "type": "essay",
        "stem": "Explain exploding gradients.",
        "explanation": "EXPLAIN-essay-limits",
        "spec": {
            "response_template": "Gradients grow when",
            "grader_info": "GRADERINFO look for clipping",
            "min_words": 5,
            "max_words": 40,
        },
    },
    "randomsamatch": {
        "type": "randomsamatch",
        "stem": "Match each question to its answer.",
        "explanation": "EXPLAIN-rsm",
        "spec": {"count": 3},
    },
    "ddwtos": {
        "type": "ddwtos",
        "stem": "Gradients flow [[1]] through time; an [[2]] keeps a cell state.",
        "explanation": "EXPLAIN-ddwtos",
        "spec": {
            "choices": [
                {"text": "backwards", "group": 1},
                {"text": "LSTM", "group": 1},
                {"text": "sideways", "group": 1},
                {"text": "MLP", "group": 1},
            ]
        },
    },
}


def make_section(number: str = "7.8") -> Section:
    chapter, _ = Chapter.objects.get_or_create(
        number=int(number.split(".")[0]), defaults={"title": "Ch"}
    )
    section, _ = Section.objects.get_or_create(
        number=number,
        defaults={
            "slug": "s-" + number.replace(".", "-"),
            "title": f"Section {number}",
            "chapter": chapter,
        },
    )
    Topic.objects.get_or_create(section=section, slug="cnn", defaults={"title": "CNN"})
    return section


# The short-answer questions a random short-answer matching question draws from.
SHORT_POOL = [
    ("Which activation is max(0, x)?", "RELUPOOL"),
    ("Which optimiser keeps running moments?", "ADAMPOOL"),
    ("Which layer drops units at random?", "DROPOUTPOOL"),
    ("Which norm uses batch statistics?", "BATCHNORMPOOL"),
]


def make_question(kind: str, section: Section | None = None, **extra: Any):
    data = dict(QUESTION_DATA[kind], **extra)
    if data["type"] == "randomsamatch":
        for stem, answer in SHORT_POOL:
            pool = {"type": "short", "stem": stem, "answers": [{"text": answer}]}
            question_upsert_from_data(data=pool, section=section)
    return question_upsert_from_data(data=data, section=section)


def make_quiz(
    kinds: list[str] | None = None, section: Section | None = None, **settings: Any
) -> Quiz:
    section = section or make_section()
    settings.setdefault("shuffle_answers", False)
    quiz = Quiz.objects.create(section=section, title="Test quiz", **settings)
    for order, kind in enumerate(["single"] if kinds is None else kinds):
        QuizSlot.objects.create(quiz=quiz, question=make_question(kind, section), order=order)
    return quiz


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def right_response(question) -> Any:
    """The full-marks response of a factory question (None for description)."""
    kind = question.type
    if kind in ("single", "truefalse"):
        return question.choices.filter(fraction=100).first().id
    if kind == "multi":
        return [c.id for c in question.choices.filter(fraction__gt=0)]
    if kind == "short":
        return "secretrelu"  # matches SECRETRELU case-insensitively
    if kind == "numerical":
        units = (question.spec or {}).get("unit_input") == "select"
        return {"number": "2600", "unit": "cm"} if units else "26"
    if kind in ("gapselect", "ddwtos"):
        return {"1": 1, "2": 2}
    if kind == "randomsamatch":
        from quizzes.models import Question

        right = dict(SHORT_POOL)
        pool = Question.objects.filter(stem__in=list(right), section_id=question.section_id)
        return {str(q.pk): right[q.stem] for q in pool}
    if kind == "calculated":
        return {"item": 0, "value": "6"}
    if kind == "calculatedsimple":
        first = question.spec["datasets"][0]
        return {"item": 0, "value": str(int(first["n"] * first["m"]))}
    if kind == "calculatedmulti":
        single = question.spec["single"]
        right = question.choices.filter(fraction=100 if single else 50)
        return {"item": 0, "choices": [c.id for c in right]}
    if kind == "cloze":
        return {"1": "clozesecret", "2": "9", "3": 3001, "4": [4001, 4002]}
    if kind == "matching":
        return {str(p.id): p.right for p in question.match_pairs.exclude(left="")}
    if kind == "ordering":
        return [o.id for o in question.ordering_items.order_by("position")]
    if kind == "essay":
        return "Gradients shrink as they flow back."
    return None


def as_sent(item, response: Any) -> Any:
    """A response stored as ids, as the student's browser sends it: in the item's tokens."""
    from quizzes.tokens import ItemTokens

    return ItemTokens.of(item).present(response)


def make_report_quiz(student, other_student) -> Quiz:
    """The reports' quiz: two finished attempts, `student` right and `other_student` wrong, and
    a question name a spreadsheet would run as a formula."""
    from quizzes import services

    now = timezone.now()
    quiz = make_quiz(["single", "truefalse"])
    single = quiz.slots.get(question__type="single").question
    single.name = "=HYPERLINK(evil)"
    single.save()
    right, wrong, _ = single.choices.all()
    for user, choice in ((student, right), (other_student, wrong)):
        attempt = services.attempt_start(quiz=quiz, user=user, now=now)
        services.attempt_save_answer(
            attempt=attempt, question_id=single.pk, response=choice.pk, now=now
        )
        services.attempt_submit(attempt=attempt, now=now)
    return quiz
