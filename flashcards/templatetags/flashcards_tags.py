from __future__ import annotations

from django import template

from flashcards.selectors import History

register = template.Library()

WIDTH, HEIGHT, LABEL_SPACE = 600, 180, 22


@register.filter
def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _label(i: int, count: int, slot: float) -> dict:
    """Date labels on the first, middle and last day; edge labels anchor inwards so the
    viewBox never cuts them off."""
    if i == 0:
        return {"label": True, "label_x": 0, "anchor": "start"}
    if i == count - 1:
        return {"label": True, "label_x": round(count * slot, 2), "anchor": "end"}
    return {"label": i == count // 2, "label_x": round(i * slot + slot / 2, 2), "anchor": "middle"}


@register.inclusion_tag("flashcards/_bar_chart.html")
def bar_chart(history: History) -> dict:
    """Geometry for an inline SVG bar chart (SVG attributes, not style=, so the CSP allows it)."""
    count = max(len(history.days), 1)
    slot = WIDTH / count
    peak = max(history.peak, 1)
    bars = []
    for i, (day, n, again) in enumerate(history.days):
        height = HEIGHT * n / peak
        again_height = HEIGHT * again / peak
        bars.append(
            {
                "day": day,
                "n": n,
                "again": again,
                "x": round(i * slot + slot * 0.15, 2),
                "width": round(slot * 0.7, 2),
                "y": round(HEIGHT - height, 2),
                "height": round(height, 2),
                "again_y": round(HEIGHT - again_height, 2),
                "again_height": round(again_height, 2),
                "label": i in (0, count // 2, count - 1),
                **_label(i, count, slot),
            }
        )
    return {
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT + LABEL_SPACE,
        "base": HEIGHT,
        "peak": history.peak,
        "total": history.total,
    }
