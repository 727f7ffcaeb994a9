"""Values kept in each process between requests, dropped when a version in the shared cache moves.

Read-mostly content (the glossary's term index, a section page, a question with its answers)
costs queries to build and changes a few times a term. Each process keeps what it built in a
dict; the shared cache (Redis, or the file cache of `make run`) holds one token per cache, which
`bump()` replaces. A process asks the shared cache for the token at most every `check_every_s`
seconds (a page reads cached values many times), so a change shows at once in the process that
made it and within that interval in every other one.

Inside a transaction a bump moves the shared version only when the transaction commits (no
other process can see the rows before), and the writing thread meanwhile follows a token of its
own, so it sees its own writes at once and a rollback leaves nothing behind.

A cache may follow others (`depends_on`): its version includes theirs, so a section page that
links glossary terms is rebuilt when the term index moves.

When the shared cache cannot be reached (ResilientRedisCache answers every call as a miss), each
check yields a fresh token: the process rebuilds at most every `check_every_s` rather than serve
values that an edit elsewhere may have outdated. A bump during the outage is remembered by
ResilientRedisCache and its key deleted when Redis answers again, which moves the version too.

Bulk writes send no signals, so content models use `VersionedQuerySet.as_manager()`: its
`update`, `bulk_create`, `bulk_update` and `delete` bump the model's `content_caches`.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from time import monotonic
from typing import Any, Generic, TypeVar

from django.core.cache import BaseCache, cache
from django.db import models, transaction

V = TypeVar("V")
CHECK_EVERY_S = 2.0

_registry: weakref.WeakSet[VersionedCache[Any]] = weakref.WeakSet()


def _new_token() -> str:
    return uuid.uuid4().hex


class VersionedCache(Generic[V]):
    """Entries of one kind, kept per process; `name` is the version's key in the shared cache
    (`shared`, the default cache unless given: tests pass another)."""

    def __init__(
        self,
        name: str,
        *,
        check_every_s: float = CHECK_EVERY_S,
        depends_on: Sequence[VersionedCache[Any]] = (),
        max_entries: int | None = None,
        shared: BaseCache | None = None,
    ) -> None:
        self.name = name
        self._shared = shared
        self.check_every_s = check_every_s
        self.depends_on = tuple(depends_on)
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._token: str | None = None
        self._checked_at = float("-inf")
        self._version: str | None = None  # the version the entries were built under
        self._pending = threading.local()  # the transaction whose commit will bump again
        _registry.add(self)

    @property
    def shared(self) -> BaseCache:
        return self._shared if self._shared is not None else cache

    def __repr__(self) -> str:
        return f"VersionedCache({self.name!r})"

    def version(self) -> str:
        """The current version (with those of `depends_on`); entries of an older one are dropped."""
        now = monotonic()
        if self._token is None or now - self._checked_at >= self.check_every_s:
            self._token = str(self.shared.get_or_set(self.name, _new_token, None))
            self._checked_at = now
        own = self._token
        uncommitted = self._uncommitted()
        if uncommitted is not None:
            own = f"{own}+{uncommitted}"
        version = "-".join([own, *(other.version() for other in self.depends_on)])
        if version != self._version:
            with self._lock:
                self._entries.clear()
                self._version = version
        return version

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        """The entry under `key`, built by `build()` when missing (a None result is not kept)."""
        version = self.version()
        with self._lock:
            if key in self._entries:
                return self._hit(key)
        value = build()
        self._store(version, {key: value})
        return value

    def get_many_or_build(
        self, keys: Iterable[Hashable], build: Callable[[list[Any]], Mapping[Any, V]]
    ) -> dict[Any, V]:
        """The entries under `keys`; `build(missing)` returns those it finds of the missing ones."""
        version = self.version()
        found: dict[Any, V] = {}
        with self._lock:
            for key in keys:
                if key in self._entries:
                    found[key] = self._hit(key)
        missing = [key for key in keys if key not in found]
        if missing:
            built = build(missing)
            found.update(built)
            self._store(version, built)
        return found

    def _hit(self, key: Hashable) -> V:
        if self.max_entries is not None:
            self._entries.move_to_end(key)
        return self._entries[key]

    def _store(self, version: str, values: Mapping[Hashable, V]) -> None:
        with self._lock:
            if self._version != version:  # built from rows older than the current version
                return
            for key, value in values.items():
                # A missing row is not kept: a URL typed at random must not pin memory.
                if value is not None:
                    self._entries[key] = value
                    if self.max_entries is not None:
                        self._entries.move_to_end(key)
            while self.max_entries is not None and len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def bump(self) -> None:
        """Every process drops its entries within `check_every_s`; this one at once.

        Inside a transaction the shared version moves when it commits: until then no other
        process can see the new rows (and one that rebuilt early would keep the old ones), so
        only this thread's version moves, by a token of its own. A rollback leaves nothing
        behind, and a transaction of thousands of bulk writes sets the shared version once.
        """
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            self._publish()
            return
        if getattr(self._pending, "hooks", None) is not connection.run_on_commit:
            self._pending.hooks = connection.run_on_commit
            # robust: a cache that fails after the commit must not fail the request that made it.
            transaction.on_commit(self._publish, robust=True)
        self._pending.token = _new_token()

    def _uncommitted(self) -> str | None:
        """This thread's token while its transaction holds bumps not yet published."""
        hooks = getattr(self._pending, "hooks", None)
        # Django replaces the list of commit hooks on commit and on rollback (and on a rolled
        # back savepoint), so a stale reference never matches.
        if hooks is None or hooks is not transaction.get_connection().run_on_commit:
            return None
        return self._pending.token

    def _publish(self) -> None:
        token = _new_token()
        self.shared.set(self.name, token, None)
        with self._lock:
            self._entries.clear()
            self._token, self._checked_at = token, monotonic()

    def forget_local(self) -> None:
        """Drop this process's entries and ask the shared cache again on the next read."""
        with self._lock:
            self._entries.clear()
            self._token, self._version = None, None
            self._checked_at = float("-inf")
        self._pending.hooks = None


def forget_all_local() -> None:
    """Tests start with every cache empty (rolled-back rows must not linger in a process)."""
    for versioned in list(_registry):
        versioned.forget_local()


def all_caches() -> list[VersionedCache[Any]]:
    return list(_registry)


class VersionedQuerySet(models.QuerySet):
    """A content model's queryset: bulk writes send no signals, so they bump its caches here.

    The model names what it feeds in `content_caches`, a tuple of VersionedCache.
    """

    def _bump(self) -> None:
        caches: Sequence[VersionedCache[Any]] = self.model.content_caches
        for versioned in caches:
            versioned.bump()

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        self._bump()
        return rows

    def bulk_create(self, objs: Iterable[models.Model], *args: Any, **kwargs: Any) -> list:
        created = super().bulk_create(objs, *args, **kwargs)
        self._bump()
        return created

    def bulk_update(self, objs: Iterable[models.Model], *args: Any, **kwargs: Any) -> int:
        rows = super().bulk_update(objs, *args, **kwargs)
        self._bump()
        return rows

    def delete(self) -> tuple[int, dict[str, int]]:
        # Signals fire only for models with receivers; a fast delete sends none.
        deleted = super().delete()
        self._bump()
        return deleted

    # As Django marks its own: templates may not call these, and `Model.objects.delete()`
    # (every row) stays impossible; only a queryset deletes.
    update.alters_data = True  # type: ignore[attr-defined]
    bulk_create.alters_data = True  # type: ignore[attr-defined]
    bulk_update.alters_data = True  # type: ignore[attr-defined]
    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]
