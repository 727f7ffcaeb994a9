"""The header's live search: wide enough to read a definition, with the typed text marked."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_dropdown_is_readable_and_marks_the_match(page, live_server, sample_terms, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/glossary/")
    box = page.locator("#site-search-input")
    box.click()
    box.type("gated", delay=20)
    first = page.locator("#site-search-results [role=option]").first
    first.wait_for()
    listbox = page.locator("#site-search-results").bounding_box()
    assert listbox["width"] >= min(500, width - 40), listbox  # was ~230 px
    assert listbox["x"] >= 0 and listbox["x"] + listbox["width"] <= width
    # The match is marked in the name; the definition wraps instead of ending after ~25 chars.
    hits = first.locator("mark.search-hit").all_inner_texts()
    assert hits and all(hit.lower() == "gated" for hit in hits), hits
    definition = first.locator(".search-option-def")
    term = sample_terms["gated-recurrent-unit"]
    shown = definition.evaluate(
        "el => el.scrollHeight <= el.clientHeight + 1 ? el.textContent : ''"
    )
    assert len(definition.inner_text()) == len(term.definition)
    assert definition.bounding_box()["height"] > 20 or shown == term.definition
    # The dropdown's text is the term's own (the marks add no characters).
    assert first.locator(".search-option-name").inner_text() == term.name
    assert page.js_errors == []
