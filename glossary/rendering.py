"""Study text (term explanations, lessons, cards, question stems): Markdown to sanitized HTML,
with glossary terms linked where asked. The one Markdown renderer of the site.

Sanitizing happens after Markdown so that raw HTML in content can never carry script or
inline style (the CSP would block it anyway, but it would also break the page).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

from .linking import link_terms, strip_overrides

_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "smarty"]


@lru_cache(maxsize=4096)
def markdown_to_html(text: str) -> str:
    """Rendering is pure, so results are memoized per process (content rarely changes)."""
    html = markdown.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    return nh3.clean(html, link_rel="noopener noreferrer")


def render_markdown(text: str, *, link: bool = False, skip: Iterable[str] = ()) -> SafeString:
    """Markdown as safe HTML; with `link`, the first mention of each term (but those in `skip`)
    becomes a term link."""
    html = markdown_to_html(text)
    # Unlinked, "[[slug|text]]" override markup reads as plain "text".
    html = link_terms(html, skip=skip) if link else strip_overrides(html)
    return mark_safe(html)  # noqa: S308 - sanitized by nh3 above; link_terms only adds links


def render_lesson_text(text: str, *, link: bool = True) -> SafeString:
    """Lesson prose: glossary mentions become term links unless `link` is False."""
    return render_markdown(text, link=link)
