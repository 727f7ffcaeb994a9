"""The theme toggle: system (the default, following prefers-color-scheme live), light or dark,
remembered (localStorage) and applied before the first paint; and every page, the admin's too,
has an icon."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BG = "getComputedStyle(document.body).backgroundColor"
LIGHT_BG, DARK_BG = "rgb(247, 248, 251)", "rgb(15, 17, 21)"


def _theme(page) -> tuple[str, str | None, str | None]:
    """(background, data-theme, what localStorage holds)."""
    return tuple(
        page.evaluate(
            f"[{BG}, document.documentElement.dataset.theme ?? null, localStorage.getItem('dlp-theme')]"
        )
    )


def test_theme_has_three_remembered_states_and_system_follows_live(page, live_server):
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    toggle = page.locator("#theme-toggle")
    # Nothing stored: the system's dark, and no data-theme (the stylesheet follows the system).
    assert _theme(page) == (DARK_BG, None, None)
    assert toggle.inner_text().endswith("System")
    assert toggle.evaluate("el => el.textContent").replace("\xa0", " ").strip() == "◐ Theme: System"
    page.emulate_media(color_scheme="light")  # the system changes while the page is open
    assert _theme(page) == (LIGHT_BG, None, None)
    # The label follows on the media query's change event, which the browser dispatches after
    # the style has changed: wait for it (with playwright's deadline), do not race it.
    expect(toggle).to_have_attribute("title", re.compile("now light"))

    # By keyboard only: focus the toggle, each Enter moves system -> light -> dark -> system.
    page.focus("#theme-toggle")
    page.emulate_media(color_scheme="dark")
    page.keyboard.press("Enter")
    assert _theme(page) == (LIGHT_BG, "light", "light")  # light although the system is dark
    assert toggle.inner_text().endswith("Light")
    page.keyboard.press("Enter")
    assert _theme(page) == (DARK_BG, "dark", "dark")
    page.emulate_media(color_scheme="light")
    assert _theme(page) == (DARK_BG, "dark", "dark")  # a stored pick wins over the system

    # Remembered on the next page, and set before any stylesheet or body is parsed: theme.js is
    # a blocking script in <head>, ahead of the stylesheets, so the first paint is already dark.
    page.goto("/glossary/")
    assert _theme(page) == (DARK_BG, "dark", "dark")
    order = page.evaluate(
        """() => [...document.head.querySelectorAll('script[src], link[rel=stylesheet]')]
              .map((el) => el.tagName + (el.defer || el.async ? ':deferred' : '') + ':' + (el.src || el.href))"""
    )
    assert order[0].startswith("SCRIPT:http") and "theme.js" in order[0], order
    assert not page.locator("head script:not([src])").count()  # nothing inline (CSP)

    page.locator("#theme-toggle").press("Space")  # back to following the system
    assert _theme(page) == (LIGHT_BG, None, None)
    page.emulate_media(color_scheme="dark")
    assert _theme(page) == (DARK_BG, None, None)
    page.reload()
    assert _theme(page) == (DARK_BG, None, None)
    assert page.locator("#theme-toggle").inner_text().endswith("System")
    assert page.js_errors == []


def test_a_stored_theme_is_in_force_before_the_first_paint(page, live_server):
    """The HTML is held back after <head>: by then the stored theme is already on <html>."""
    page.goto("/")
    page.evaluate("localStorage.setItem('dlp-theme', 'dark')")
    page.emulate_media(color_scheme="light")
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text))
    page.add_init_script(
        """document.addEventListener('readystatechange', () => {
             if (document.readyState === 'interactive')
               console.log('theme at parse end: ' + document.documentElement.dataset.theme);
           });
           new MutationObserver((records, observer) => {
             if (document.body) {
               console.log('theme at body: ' + document.documentElement.dataset.theme);
               observer.disconnect();
             }
           }).observe(document, {childList: true, subtree: true});"""
    )
    page.goto("/glossary/")
    assert "theme at body: dark" in seen, seen
    assert page.evaluate(BG) == DARK_BG


def test_the_admin_gets_the_site_icon(page, live_server, admin_user):
    page.goto("/admin/login/")
    icon = page.evaluate(
        """async () => { const r = await fetch('/favicon.ico');
             return {ok: r.ok, redirected: r.redirected, type: r.headers.get('content-type'),
                     body: (await r.text()).slice(0, 200)}; }"""
    )
    assert icon["ok"] and icon["redirected"] and icon["type"].startswith("image/svg+xml"), icon
    assert "<svg" in icon["body"]
    # And the admin's pages name it themselves, as the site's pages do.
    link = page.locator("head link[rel=icon]")
    assert link.count() == 1 and link.get_attribute("href").endswith("favicon.svg")
    assert page.locator("#site-name").count() == 1  # still Django's own base_site around it


def test_the_desktop_header_keeps_one_row(page, live_server, instructor):
    """The widest header (an instructor's: the tag and the Admin link) on a 1280 px screen: the
    theme toggle shows its icon only, and nothing wraps onto a second row."""
    from conftest import login

    login(page, live_server, instructor)
    page.goto("/learn/")
    tops = page.evaluate(
        """() => [...document.querySelector('.header-inner').children]
              .filter((el) => el.offsetParent !== null)
              .map((el) => [el.className || el.tagName, Math.round(el.getBoundingClientRect().top), Math.round(el.getBoundingClientRect().width)])"""
    )
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert header < 70, (header, tops)
    toggle = page.locator("#theme-toggle")
    assert toggle.evaluate("el => el.getBoundingClientRect().width") < 60
    assert page.get_by_role("button", name="Theme: System", exact=True).count() == 1  # its name
