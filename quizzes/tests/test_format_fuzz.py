"""Property tests: parsers never crash, errors carry real line numbers, exports round-trip,
and an import is either whole or nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.formats import export_gift, parse_aiken, parse_gift
from quizzes.formats.result import strip_meta
from quizzes.models import Question
from quizzes.services.importing import questions_import

GIFT_BITS = [
    "::",
    "{",
    "}",
    "~",
    "=",
    "#",
    "####",
    "%50%",
    "%-100%",
    "->",
    "\\",
    ":",
    "\n",
    "\n\n",
    "//",
    "[html]",
    "T",
    "FALSE",
    "#1..5",
    "#3:2",
    "$CATEGORY:",
    "..",
    " ",
    "a",
    "// @dlp ",
    '{"slug": "s", "tags": ["t"]}',
    '{"tags": 1}',
]
AIKEN_BITS = ["A) ", "B)", "C. ", "ANSWER: ", "ANSWER:A", "Q?", "\n", "\n\n", "<b>", "x", " "]


def _soup(bits: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(bits) | st.text(max_size=6), max_size=40).map("".join)


def _check_lines(text: str, result) -> None:
    lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for error in result.errors:
        assert 1 <= error.line <= lines and error.message
    for question in result.questions:
        assert 1 <= question["line"] <= lines and question["stem"]


@settings(max_examples=400, deadline=None)
@given(_soup(GIFT_BITS))
def test_parse_gift_never_raises(text):
    _check_lines(text, parse_gift(text))


@settings(max_examples=300, deadline=None)
@given(_soup(AIKEN_BITS))
def test_parse_aiken_never_raises(text):
    _check_lines(text, parse_aiken(text))


# --- round trip ----------------------------------------------------------------------------------
_chars = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\r\ue000\ue001\ue002\ue003\ue004\ue005\ue006\ue007",
)
TEXT = st.text(_chars, min_size=1, max_size=30).map(str.strip).filter(bool)
NO_ARROW = TEXT.filter(lambda t: "->" not in t)  # GIFT has no escape for "->"
FEEDBACK = st.just("") | TEXT
FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)


def _base(kind: str) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {
            "name": TEXT,
            "type": st.just(kind),
            "stem": TEXT,
            "stem_format": st.sampled_from(["markdown", "html", "plain"]),
            "explanation": st.just("") if kind == "description" else FEEDBACK,
        }
    )


def _choices(fractions: list[int]) -> st.SearchStrategy[list[dict]]:
    return st.tuples(
        *[
            st.fixed_dictionaries({"text": TEXT, "fraction": st.just(f), "feedback": FEEDBACK})
            for f in fractions
        ]
    ).map(list)


def _with(kind: str, **parts) -> st.SearchStrategy[dict]:
    return st.tuples(_base(kind), st.fixed_dictionaries(parts)).map(lambda p: {**p[0], **p[1]})


META = st.fixed_dictionaries(
    {},
    optional={
        "slug": TEXT,
        "difficulty": st.sampled_from(["easy", "medium", "hard"]),
        # Tags are a set kept in order: GIFT (Moodle's `[tag:]` lines) holds each once.
        "tags": st.lists(TEXT, min_size=1, max_size=3, unique=True),
        "terms": st.lists(TEXT, min_size=1, max_size=2),
    },
)

QUESTION_BODY = st.one_of(
    _with(
        "single", choices=st.sampled_from([[100, 0], [0, 100, 0], [50, 100, -50]]).flatmap(_choices)
    ),
    _with(
        "multi",
        choices=st.sampled_from([[50, 50, -100], [100, -50], [-100, 60, 40, 0]]).flatmap(_choices),
    ),
    _with(
        "truefalse",
        choices=st.tuples(st.booleans(), FEEDBACK, FEEDBACK).map(
            lambda t: [
                {"text": "True", "fraction": 100 if t[0] else 0, "feedback": t[1]},
                {"text": "False", "fraction": 0 if t[0] else 100, "feedback": t[2]},
            ]
        ),
    ),
    _with(
        "short",
        answers=st.lists(
            st.fixed_dictionaries(
                {
                    "text": NO_ARROW,
                    "fraction": st.sampled_from([50, 0]),
                    "feedback": st.just("") | NO_ARROW,
                }
            ),
            max_size=2,
        ).map(lambda rest: [{"text": "right", "fraction": 100, "feedback": ""}, *rest]),
    ),
    _with(
        "numerical",
        answers=st.tuples(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "value": FINITE,
                        "tolerance": FINITE.map(abs),
                        "fraction": st.sampled_from([100, 50]),
                        "feedback": FEEDBACK,
                    }
                ),
                min_size=1,
                max_size=3,
            ),
            st.lists(
                st.fixed_dictionaries(
                    {
                        "value": st.just("*"),
                        "tolerance": st.just(0),
                        "fraction": st.just(0),
                        "feedback": FEEDBACK,
                    }
                ),
                max_size=1,
            ),
        ).map(lambda t: [{**t[0][0], "fraction": 100}, *t[0][1:], *t[1]]),
    ),
    _with(
        "matching",
        pairs=st.lists(
            st.fixed_dictionaries({"left": NO_ARROW, "right": TEXT}), min_size=2, max_size=4
        ),
    ),
    _with("essay"),
    _with("description"),
)


QUESTION = st.tuples(QUESTION_BODY, META).map(lambda qm: {**qm[0], **qm[1]})


@settings(max_examples=300, deadline=None)
@given(st.lists(QUESTION, min_size=1, max_size=4))
@pytest.mark.slow
def test_gift_export_then_parse_gives_the_same_questions(questions):
    result = parse_gift(export_gift(questions))
    assert result.errors == []
    assert [strip_meta(q) for q in result.questions] == questions


# --- the import service ----------------------------------------------------------------------------
@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_soup(GIFT_BITS), fmt=st.sampled_from(["gift", "aiken"]), dry_run=st.booleans())
@pytest.mark.slow
def test_import_is_whole_or_nothing(text, fmt, dry_run):
    before = Question.objects.count()
    report = questions_import(text=text, fmt=fmt, dry_run=dry_run)
    after = Question.objects.count()
    if dry_run or report.errors:
        assert after == before and report.imported == 0
    else:
        assert after - before == report.imported == report.parsed
    for error in report.errors:
        assert error.line >= 1


XML_BITS = [
    "<quiz>",
    "</quiz>",
    '<question type="multichoice">',
    '<question type="truefalse">',
    '<question type="category">',
    '<question type="random">',
    "</question>",
    "<name><text>n</text></name>",
    '<questiontext format="html"><text>',
    "</text></questiontext>",
    '<answer fraction="100"><text>true</text></answer>',
    '<answer fraction="x"><text>false</text></answer>',
    "<single>false</single>",
    "<defaultgrade>-1</defaultgrade>",
    "<![CDATA[<p>a</p>]]>",
    "&amp;",
    "&bogus;",
    "<!DOCTYPE quiz>",
    "<!-- @dlp {} -->",
    "\n",
    "<",
    ">",
]


@settings(max_examples=300, deadline=None)
@given(_soup(XML_BITS))
def test_moodle_xml_parser_never_crashes_and_lines_are_real(text):
    from quizzes.formats import parse_moodle_xml

    result = parse_moodle_xml(text)
    lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for error in [*result.errors, *result.warnings]:
        assert 1 <= error.line <= lines and error.message
    for question in result.questions:
        assert 1 <= question["line"] <= lines and question["stem"]
