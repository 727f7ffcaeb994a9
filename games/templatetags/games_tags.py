from django import template

register = template.Library()


@register.filter
def seconds(ms: int | None) -> str:
    """12345 ms as "12.3 s"."""
    return "–" if ms is None else f"{ms / 1000:.1f} s"


@register.filter
def percent_of(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"
