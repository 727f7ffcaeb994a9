"""The site shell by keyboard alone: on a phone the menu opens with Enter, its links follow in
the tab order, and Escape closes it and gives the focus back to its button."""

from __future__ import annotations

import pytest

from tests.keyboard import assert_focus_visible, focused, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_menu_opens_with_enter_and_escape_closes_it(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/glossary/")
    menu = page.locator(".nav-toggle")
    nav = page.locator("#site-nav")
    assert nav.is_hidden()
    tab_to(page, ".nav-toggle")
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    page.keyboard.press("Tab")  # the first link of the open menu comes next
    assert focused(page)["text"] == "Learn"
    assert_focus_visible(page, "the menu's first link")
    page.keyboard.press("Escape")
    assert nav.is_hidden()
    assert menu.get_attribute("aria-expanded") == "false"
    assert focused(page)["text"] == "Menu"  # back on the button that opened it
    assert page.js_errors == []
