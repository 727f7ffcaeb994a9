"""The API's JSON parser: DRF's, with the depth limit of dlplatform.safe_input."""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError

# DRF 3.16+ (it refuses bytes-to-bytes codecs); the stubs predate it.
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined]
from rest_framework.utils import json as drf_json

from . import safe_input


class DepthLimitedJSONParser(JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
            return safe_input.loads(
                text, parse_constant=drf_json.strict_constant if self.strict else None
            )
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError and JSONTooDeep
            raise ParseError(f"JSON parse error - {exc}") from None
