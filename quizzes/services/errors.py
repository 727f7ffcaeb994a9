"""The error every quiz service raises for a refused action."""

from __future__ import annotations


class AttemptError(Exception):
    """A refused action; `code` lets views pick a status (closed, locked, not_open, ...)."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code
