"""The cache of one machine without Redis (`make run`): files, with Redis's atomic add and incr.

Django's file cache reads and then writes in add() and incr(), so two processes (or two threads
of runserver) counting the same rate-limit window can both read 4 and both write 5. Here both run
under an exclusive lock on one file, so counts and get_or_set() versions agree across processes
as they do on Redis.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class LockedFileBasedCache(FileBasedCache):
    if TYPE_CHECKING:  # FileBasedCache's own helpers, which django-stubs leaves out
        _dir: str

        def _createdir(self) -> None: ...
        def _key_to_file(self, key: str, version: int | None = None) -> str: ...
        def _delete(self, fname: str) -> bool: ...

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._createdir()
        with open(os.path.join(self._dir, "lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version=None) -> bool:
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key: str, delta: int = 1, version=None) -> int:
        with self._locked():
            fname = self._key_to_file(key, version)
            try:
                with open(fname, "rb") as f:
                    expiry = pickle.load(f)
                    value = pickle.loads(zlib.decompress(f.read()))
            except (FileNotFoundError, EOFError):
                raise ValueError(f"Key '{key}' not found") from None
            if expiry is not None and expiry < time.time():
                self._delete(fname)
                raise ValueError(f"Key '{key}' not found")
            # Keep the key's expiry (BaseCache.incr would give it the default timeout), as Redis does.
            value += delta
            fd, tmp_path = tempfile.mkstemp(dir=self._dir)
            with open(fd, "wb") as f:
                f.write(pickle.dumps(expiry, self.pickle_protocol))
                f.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
            os.replace(tmp_path, fname)
            return value
