"""The dark-mode toggle: follows the system until the reader picks, then remembers the pick
(localStorage), applied before the first paint; and every page, the admin's too, has an icon."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BG = "getComputedStyle(document.body).backgroundColor"
LIGHT_BG, DARK_BG = "rgb(247, 248, 251)", "rgb(15, 17, 21)"


def test_theme_toggle_is_remembered_and_defaults_to_the_system(page, live_server):
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    toggle = page.locator("#theme-toggle")
    assert page.evaluate(BG) == DARK_BG  # nothing stored: the system's dark
    assert page.evaluate("document.documentElement.dataset.theme") is None
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert page.evaluate(BG) == LIGHT_BG
    assert page.evaluate("localStorage.getItem('dlp-theme')") == "light"
    assert toggle.get_attribute("aria-pressed") == "false"

    # Remembered on the next page, and set before any stylesheet or body is parsed: theme.js is
    # a blocking script in <head>, ahead of the stylesheets, so the first paint is already light.
    page.goto("/glossary/")
    assert page.evaluate(BG) == LIGHT_BG
    order = page.evaluate(
        """() => [...document.head.querySelectorAll('script[src], link[rel=stylesheet]')]
              .map((el) => el.tagName + (el.defer || el.async ? ':deferred' : '') + ':' + (el.src || el.href))"""
    )
    assert order[0].startswith("SCRIPT:http") and "theme.js" in order[0], order
    assert not page.locator("head script:not([src])").count()  # nothing inline (CSP)
    page.emulate_media(color_scheme="light")
    toggle.click()
    assert page.evaluate(BG) == DARK_BG  # a stored pick wins over the system
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(BG) == DARK_BG
    assert page.js_errors == []


def test_the_admin_gets_the_site_icon(page, live_server, admin_user):
    page.goto("/admin/login/")
    icon = page.evaluate(
        """async () => { const r = await fetch('/favicon.ico');
             return {ok: r.ok, redirected: r.redirected, type: r.headers.get('content-type'),
                     body: (await r.text()).slice(0, 200)}; }"""
    )
    assert icon["ok"] and icon["redirected"] and icon["type"].startswith("image/svg+xml"), icon
    assert "<svg" in icon["body"]
