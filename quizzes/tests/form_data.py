"""What a browser would send for a rendered form: every named input, select and textarea of
the form with the given id (or the first form with a field of the given name), read from the
page's HTML. Tests fill in what a
user would change and post the rest back as the page gave it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

SKIPPED_INPUTS = frozenset({"submit", "button", "reset", "file", "image"})


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_values: list[str] = []
        self._select_first: str | None = None
        self._option: str | None = None
        self._multiple = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside, self.data = True, {}
            self.forms.append((a.get("id", ""), self.data))
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in SKIPPED_INPUTS:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(a["name"], []).append(
                a.get("value", "on" if a.get("type") in ("checkbox", "radio") else "")
            )
        elif tag == "select" and a.get("name"):
            self._select, self._select_values, self._select_first = a["name"], [], None
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._option = a.get("value", "")
            if self._select_first is None:
                self._select_first = self._option
            if "selected" in a:
                self._select_values.append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            first = [] if self._multiple or self._select_first is None else [self._select_first]
            values = self._select_values or first
            self.data.setdefault(self._select, []).extend(values)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.data.setdefault(self._textarea, []).append("".join(self._text).removeprefix("\n"))
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_data(
    html: str, *, form_id: str | None = None, having: str | None = None
) -> dict[str, Any]:
    """The form's fields as Django's test client posts them (a list for a repeated name)."""
    reader = _FormReader()
    reader.feed(html)
    found = [
        data
        for id_, data in reader.forms
        if (form_id is None or id_ == form_id) and (having is None or having in data)
    ]
    assert found, f"no form (id {form_id!r}, field {having!r}) on the page"
    return {k: v[0] if len(v) == 1 else v for k, v in found[0].items()}
