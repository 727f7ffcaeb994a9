"""Term explanations: Markdown to HTML, then sanitized with nh3 (content may carry raw HTML)."""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

_EXTENSIONS = ["sane_lists", "smarty", "fenced_code"]


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer"))  # noqa: S308 - sanitized
