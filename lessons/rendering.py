"""Markdown to sanitized HTML, with glossary terms linked.

Sanitizing happens after Markdown so that raw HTML in content can never carry script or
inline style (the CSP would block it anyway, but it would also break the page).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "smarty"]


@lru_cache(maxsize=4096)
def markdown_to_html(text: str) -> str:
    """Rendering is pure, so results are memoized per process (content rarely changes)."""
    html = markdown.markdown(text or "", extensions=_EXTENSIONS, output_format="html")
    return nh3.clean(html, link_rel="noopener noreferrer")


def _term_linker() -> Callable[[str], str]:
    try:
        from glossary.linking import link_terms
    except ImportError:  # the glossary app may not ship its linker yet; pages still render
        logger.warning("glossary.linking.link_terms is missing; lesson text is not linked")
        return lambda html: html
    return link_terms


def render_lesson_text(text: str, *, link: bool = True) -> SafeString:
    """Markdown lesson text as safe HTML; glossary mentions become term links when `link`."""
    html = markdown_to_html(text)
    if link:
        html = _term_linker()(html)
    else:
        from glossary.linking import strip_overrides

        html = strip_overrides(html)  # "[[slug|text]]" reads as "text" where nothing links
    return mark_safe(html)  # noqa: S308 - sanitized by nh3 above; link_terms only adds links
