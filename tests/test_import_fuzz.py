"""hypothesis against the plain-text importers (numbered lists, Q/A, pairs, CSV/TSV).

Whatever the text, a parser returns items or raises ParseError with line numbers inside the text;
nothing else escapes. An import that fails leaves the glossary exactly as it was.
(GIFT and Aiken have their own fuzz tests in quizzes/tests/test_format_fuzz.py.)
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glossary.textformats import FORMATS, ParseError, parse

# Lines that look like each format, mixed with noise, so the parsers' branches are all reached.
pytestmark = pytest.mark.slow


LINE = st.one_of(
    st.from_regex(r"\d{1,3}\. [A-Za-z ()-]{0,20}", fullmatch=True),
    st.from_regex(r"[-*•] [A-Za-z ,.]{0,30}", fullmatch=True),
    st.from_regex(r"(What|Why|How) [a-z ]{0,20}\?", fullmatch=True),
    st.from_regex(r"[A-Za-z ]{0,15}[,\t;][A-Za-z \"]{0,15}", fullmatch=True),
    st.just(""),
    st.text(max_size=40),
)
TEXT = st.lists(LINE, max_size=30).map("\n".join)
FORMAT = st.sampled_from([None, *FORMATS])


def _check_errors(error: ParseError, text: str) -> None:
    lines = max(1, len(text.splitlines()))
    assert error.errors, "a ParseError always says what is wrong"
    for line, message in error.errors:
        assert isinstance(line, int) and 1 <= line <= lines + 1, (line, lines)
        assert message.strip()


@settings(max_examples=300, deadline=None)
@given(text=TEXT, fmt=FORMAT)
def test_parsers_return_items_or_line_numbered_errors(text: str, fmt: str | None):
    try:
        used, items = parse(text, fmt=fmt)
    except ParseError as error:
        _check_errors(error, text)
        return
    assert used in FORMATS
    for item in items:
        assert item.front.strip() and item.line >= 1


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_a_failed_import_changes_nothing(text: str):
    from glossary.importing import glossary_import_items
    from glossary.models import Term

    Term.objects.create(slug="kept", name="Kept", category="fundamentals", definition="Stays.")
    before = list(Term.objects.order_by("slug").values_list("slug", "definition"))
    try:
        fmt, items = parse(text)
        glossary_import_items(items=items, fmt=fmt, category="fundamentals", dry_run=False)
    except ParseError as error:
        _check_errors(error, text)
        after = list(Term.objects.order_by("slug").values_list("slug", "definition"))
        assert after == before, "nothing of a refused file is imported"
    Term.objects.all().delete()
