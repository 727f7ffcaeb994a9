"""What the apps above flashcards add to its pages, without flashcards importing them.

The study history page is the student's progress page; an app above (games) registers a panel
from its AppConfig.ready(): `template` is included with `build(user=..., now=...)` as `panel`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class HistoryPanel:
    template: str
    build: Callable[..., Any]


_history_panels: list[HistoryPanel] = []


def register_history_panel(panel: HistoryPanel) -> None:
    if panel not in _history_panels:
        _history_panels.append(panel)


def history_panels(*, user: Any, now: datetime) -> list[tuple[str, Any]]:
    """(template, panel) for each registered panel, built for `user`."""
    return [(p.template, p.build(user=user, now=now)) for p in _history_panels]
