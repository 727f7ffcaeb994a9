"""The one Markdown renderer: tables everywhere, sanitized, terms linked only when asked."""

from __future__ import annotations

import pytest

from glossary.rendering import markdown_to_html, render_lesson_text, render_markdown

pytestmark = pytest.mark.django_db

TABLE = "| Layer | Output |\n|---|---|\n| Pooling | smaller map |\n"


def test_tables_render_as_tables():
    html = markdown_to_html(TABLE)
    assert "<table>" in html and "<td>Pooling</td>" in html


def test_raw_html_is_sanitized():
    html = render_markdown('Hi <script>alert(1)</script><a href="javascript:x" onclick="y">z</a>')
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


def test_terms_are_linked_when_asked_except_the_skipped(sample_terms):
    text = "Dropout and the GRU."
    assert "term-link" not in render_markdown(text)
    linked = render_markdown(text, link=True, skip=["dropout"])
    assert 'href="/glossary/gated-recurrent-unit/"' in linked
    assert 'href="/glossary/dropout/"' not in linked
    assert 'href="/glossary/dropout/"' in render_lesson_text(text)
    assert "term-link" not in render_lesson_text(text, link=False)
