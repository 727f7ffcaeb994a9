"""Helpers for the keyboard-only browser tests: where the focus is and whether it can be seen."""

from __future__ import annotations

from typing import Any

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {id: el.id, tag: el.tagName, text: (el.innerText || el.value || '').trim().slice(0, 80),
          label: el.getAttribute('aria-label') || '',
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
          shadow: s.boxShadow !== 'none', focusVisible: el.matches(':focus-visible')};
}"""


def focused(page: Any) -> dict[str, Any] | None:
    return page.evaluate(FOCUS)


def assert_focus_visible(page: Any, where: str = "") -> dict[str, Any]:
    """The focused element shows a ring (outline of 2 px or more, or a box shadow)."""
    info = focused(page)
    assert info is not None, f"{where}: nothing has the focus"
    assert info["focusVisible"] and (info["outline"] or info["shadow"]), (
        f"{where}: the focus on {info} is not visible"
    )
    return info


def tab_to(page: Any, selector: str, limit: int = 60) -> dict[str, Any]:
    """Press Tab until `selector` has the focus (it is reached in the tab order), or fail."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return assert_focus_visible(page, selector)
    raise AssertionError(f"{selector} was not reached in {limit} presses of Tab")
