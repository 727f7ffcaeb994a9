"""Real Chromium: header live search as a keyboard listbox, and term-link definitions on focus."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_live_search_with_keyboard(page, live_server, sample_terms):
    page.goto("/glossary/")
    page.keyboard.press("/")
    box = page.locator("#site-search-input")
    assert box.evaluate("el => el === document.activeElement")
    box.type("convolutonal", delay=20)
    first = page.locator("#site-search-results [role=option]").first
    first.wait_for()
    assert "Convolutional Neural Network" in first.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("Escape")
    assert page.locator("#site-search-results").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("")
    box.type("GRU", delay=20)
    page.locator("#site-search-results [role=option]").first.wait_for()
    page.wait_for_function(
        "document.querySelector('#site-search-results').innerText.includes('Gated')"
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/glossary/gated-recurrent-unit/")
    assert page.locator("h1").inner_text().startswith("Gated Recurrent Unit")
    assert page.js_errors == []


def test_no_results_message(page, live_server, sample_terms):
    page.goto("/glossary/")
    page.locator("#site-search-input").type("zzqxv", delay=20)
    page.locator("#site-search-results .search-empty").wait_for()
    assert "No term matches" in page.locator("#site-search-results").inner_text()


def test_term_link_definition_shows_on_keyboard_focus(page, live_server, sample_terms):
    from glossary.linking import link_terms

    html = link_terms("<p>Training uses dropout.</p>")
    page.goto("/glossary/")
    page.evaluate(
        "html => { document.querySelector('main').insertAdjacentHTML('afterbegin', html); }", html
    )
    link = page.locator("a.term-link")
    hidden = link.evaluate("el => getComputedStyle(el, '::after').visibility")
    assert hidden == "hidden"
    page.keyboard.press("Tab")  # a keyboard interaction, so focus() below counts as :focus-visible
    link.evaluate("el => el.focus()")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('a.term-link'), '::after').opacity === '1'"
    )
    content = link.evaluate("el => getComputedStyle(el, '::after').content")
    assert "Randomly silencing units" in content
    # Escape hides it and leaves the focus where it was; leaving and coming back shows it again.
    page.keyboard.press("Escape")
    assert link.evaluate("el => getComputedStyle(el, '::after').display") == "none"
    assert link.evaluate("el => el === document.activeElement")
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert link.evaluate("el => el === document.activeElement")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('a.term-link'), '::after').opacity === '1'"
    )
    assert link.evaluate("el => getComputedStyle(el, '::after').display") != "none"


def test_term_link_definition_shows_on_hover(page, live_server, sample_terms):
    from glossary.linking import link_terms

    page.goto("/glossary/")
    page.evaluate(
        "html => { document.querySelector('main').insertAdjacentHTML('afterbegin', html); }",
        link_terms("<p>A GRU cell.</p>"),
    )
    page.locator("a.term-link").hover()
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('a.term-link'), '::after').opacity === '1'"
    )


def test_letter_bar_by_keyboard(page, live_server, db):
    from glossary.models import Term

    Term.objects.bulk_create(
        Term(slug=f"t-{first}-{i}", name=f"{first}{i:03d} term", definition="d.", category="data")
        for first, count in (("A", 60), ("C", 60), ("D", 5))
        for i in range(count)
    )
    page.goto("/glossary/")
    first = page.locator(".letter-jump a").first
    assert first.get_attribute("aria-current") == "page" and first.inner_text().startswith("A")
    first.focus()
    page.keyboard.press("ArrowRight")  # B has no terms: the next link is C
    assert page.evaluate("document.activeElement.getAttribute('href')") == "?letter=C"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "?letter=D"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    page.wait_for_url("**/glossary/?letter=C")
    assert page.locator("#letter-C .term-item").count() == 60
    assert page.locator('.letter-jump a[aria-current="page"]').get_attribute("href") == "?letter=C"
    assert page.js_errors == []


def test_search_dropdown_keyboard_wraps_shows_the_active_option_and_tab_closes(
    page, live_server, sample_terms
):
    from tests.keyboard import assert_focus_visible, focused

    page.goto("/glossary/")
    page.keyboard.press("/")
    box = page.locator("#site-search-input")
    assert_focus_visible(page, "the search box")
    box.type("neural", delay=20)
    options = page.locator("#site-search-results [role=option]")
    options.first.wait_for()
    count = options.count()
    assert count >= 2
    page.keyboard.press("ArrowUp")  # from the box, up wraps to the last option
    last = options.nth(count - 1)
    assert last.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == last.get_attribute("id")
    page.keyboard.press("ArrowDown")  # and down wraps back to the first
    first = options.first
    assert first.get_attribute("aria-selected") == "true"
    # The active option is visibly marked, not only announced.
    ring = first.evaluate("el => getComputedStyle(el).outlineStyle")
    plain = options.nth(1).evaluate("el => getComputedStyle(el).backgroundColor")
    assert ring == "solid"
    assert first.evaluate("el => getComputedStyle(el).backgroundColor") != plain
    assert box.evaluate("el => el === document.activeElement")  # the focus never left the box
    # Tab goes on to the next control in the header and the list closes behind it.
    page.keyboard.press("Tab")
    expect_hidden = page.locator("#site-search-results")
    expect_hidden.wait_for(state="hidden")
    assert box.get_attribute("aria-expanded") == "false"
    assert focused(page)["id"] == "theme-toggle"
    assert page.js_errors == []
