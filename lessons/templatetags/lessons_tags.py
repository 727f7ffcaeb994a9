from django import template
from django.utils.safestring import SafeString

from glossary.rendering import render_lesson_text

register = template.Library()


@register.filter
def lesson_md(text: str) -> SafeString:
    """Markdown with glossary links, for lesson prose."""
    return render_lesson_text(text)


@register.filter
def plain_md(text: str) -> SafeString:
    """Markdown without glossary links (short texts where links would be noise)."""
    return render_lesson_text(text, link=False)


@register.filter
def overview_for(section, depth: str) -> str:
    """The section's overview Markdown at `depth` (basic, standard or detailed)."""
    return section.overview(depth)
