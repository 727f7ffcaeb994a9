"""Questions with their answers and terms, kept in each web process between requests.

Every student of a quiz sees the same questions, and loading one with its choices, numerical
answers, pairs, ordering items, section and terms took six queries and most of the quiz page's
time. Entries are keyed by the question's `updated_at` (bumped whenever a child row changes, see
signals.py) and the glossary index version, so an edited question is reloaded on the next request.
Callers only read the shared instances.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from glossary.linking import index_version

from .models import Question

MAX_ENTRIES = 4096

_entries: OrderedDict[int, tuple[tuple[datetime, str], Question]] = OrderedDict()
_lock = threading.Lock()


def _load(ids: list[int]) -> dict[int, Question]:
    from .selectors import questions_with_answers

    queryset = questions_with_answers().select_related("section").prefetch_related("terms")
    return queryset.in_bulk(ids)


def questions(*, versions: dict[int, datetime]) -> dict[int, Question]:
    """The questions whose ids are the keys of `versions` (their `updated_at`), fresh or cached."""
    terms = index_version()
    found: dict[int, Question] = {}
    with _lock:
        for pk, updated_at in versions.items():
            entry = _entries.get(pk)
            if entry is not None and entry[0] == (updated_at, terms):
                _entries.move_to_end(pk)
                found[pk] = entry[1]
    missing = [pk for pk in versions if pk not in found]
    if missing:
        loaded = _load(missing)
        found.update(loaded)
        with _lock:
            for pk, question in loaded.items():
                _entries[pk] = ((question.updated_at, terms), question)
                _entries.move_to_end(pk)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return found


def clear() -> None:
    with _lock:
        _entries.clear()
