"""Opaque per-attempt tokens: the one translation between what a student sees and sends and
the database ids that responses are stored as.

Choice, ordering-item and matching-pair ids follow authoring order, and authors list the right
answer first, so an id shown to a student is an answer key. Pages and the API show instead a
keyed HMAC of (attempt item, part, id): stable for one attempt item (an autosaved answer still
matches after a reload), different in every attempt and unrelated to the id's size, so ranking
tokens tells nothing. Responses stay stored as ids (grading, reports and attempts made before
tokens existed are unchanged); only the edge translates, here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from django.conf import settings

from . import qtypes
from .models import AttemptQuestion
from .qtypes.base import Response
from .qtypes.base import as_int as _as_int

SALT = "dlplatform.quizzes.tokens"
LENGTH = 10  # 60 bits: collisions among a question's few options are out of reach


class UnknownToken(ValueError):
    """A response naming something this attempt item never showed (a 400 on `response`)."""


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    """A key of its own for tokens, derived from SECRET_KEY and the salt."""
    return hashlib.sha256(f"{SALT}|{secret}".encode()).digest()


def token(scope: str, value: object) -> str:
    """A short url-safe token for `value` within `scope`; unguessable without SECRET_KEY."""
    message = f"{scope}|{value}".encode()
    digest = hmac.digest(_key(settings.SECRET_KEY), message, "sha256")
    return base64.urlsafe_b64encode(digest)[:LENGTH].decode()


@dataclass(frozen=True)
class ItemTokens:
    """Tokens of one attempt item; `order` is its choice_order (ids and right texts shown)."""

    item_id: int
    kind: str
    order: Any

    @classmethod
    def of(cls, item: AttemptQuestion) -> ItemTokens:
        return cls(item.pk, item.question.type, item.choice_order)

    def _tok(self, part: str, value: object) -> str:
        return token(f"item:{self.item_id}:{part}", value)

    def option(self, db_id: object) -> str:
        """A choice, ordering item or matching left (a pair) by its database id."""
        return self._tok(qtypes.get(self.kind).token_part, _as_int(db_id))

    def options(self, db_ids: Iterable[object]) -> list[str]:
        return [self.option(i) for i in db_ids if _as_int(i) is not None]

    def right(self, text: str) -> str:
        return self._tok("right", text)

    # --- stored (ids) -> shown (tokens) --------------------------------------------------------
    def present(self, response: Response) -> Response:
        if response in (None, "", [], {}):
            return response
        return qtypes.get(self.kind).present_tokens(self, response)

    # --- sent (tokens) -> stored (ids) ---------------------------------------------------------
    @cached_property
    def _ids(self) -> dict[str, int]:
        """Token -> id of every choice, ordering item or left shown (choice_order)."""
        ids = qtypes.get(self.kind).shown_option_ids(self.order) or []
        return {self.option(i): int(i) for i in ids if _as_int(i) is not None}

    @property
    def shown_ids(self) -> dict[str, int]:
        """Token -> id of what this item shows; the types decode through it (qtypes)."""
        return self._ids

    def lookup(self, table: dict[str, Any], sent: Any) -> Any:
        if isinstance(sent, str) and sent in table:
            return table[sent]
        raise UnknownToken("That answer names an option this question does not offer.")

    def decode(self, response: Response) -> Response:
        """The response as stored; UnknownToken for anything not shown in this attempt item."""
        return qtypes.get(self.kind).decode(self, response)


def decode_response(*, attempt_id: int, question_id: int, response: Response) -> Response:
    """Translate a response for one attempt's question (unchanged if there is no such item:
    the service that follows answers that with its own 404)."""
    row = (
        AttemptQuestion.objects.filter(attempt_id=attempt_id, question_id=question_id)
        .values_list("pk", "question__type", "choice_order")
        .first()
    )
    return response if row is None else ItemTokens(*row).decode(response)
