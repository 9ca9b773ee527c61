"""Request bodies as interoperable JSON (RFC 8259), or a 400; and JSON written back compactly.

Python's parser accepts more than JSON, and each extra would fail later, far from the request,
as a 500: NaN and Infinity, numbers that overflow to infinity, integers longer than Python
converts (4300 digits), nesting deeper than the stack, and unpaired surrogate escapes such as
``"\\ud800"``, which no UTF-8 encoder can write. Every body the API reads goes through here.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

from shared.domain.errors import BadRequest

_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
"""A surrogate escape (or character) in the text: only then can a parsed string hold a lone one."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_STRING_OR_FLOAT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+(?:e[-+]?\d+)?|e[-+]?\d+)')
"""A string (kept as it is) or a number as ``json.dumps`` writes a float, in JSON text."""


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number {text[:20]}… is out of range")
    return number


def _has_lone_surrogate(value: object) -> bool:
    """Walks the parsed value without recursion, so the deepest body the parser accepts is fine too."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def parse_json(text: str) -> Any:
    """Parses a request body, or raises ``BadRequest`` (400). After JSON's own pairing of
    surrogate escapes, any surrogate left in a string is unpaired."""
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise BadRequest("malformed JSON: nested too deeply") from None
    except ValueError as error:
        raise BadRequest(f"malformed JSON: {error}") from None
    if _MAYBE_SURROGATE.search(text) and _has_lone_surrogate(value):
        raise BadRequest("malformed JSON: a string holds an unpaired surrogate (\\ud800-\\udfff)")
    return value


def _shortest(match: re.Match[str]) -> str:
    """A float as ``json.dumps`` wrote it (Python's repr), or the same number in exponent form
    when that is shorter: ``1000000000000000.0`` is ``1e15`` again."""
    token = match.group()
    if token.startswith('"'):
        return token
    exponent_form = format(Decimal(token).normalize(), "e").replace("e+", "e")
    return exponent_form if len(exponent_form) < len(token) else token


def dumps(value: Any, *, ensure_ascii: bool = False, encoder: type[json.JSONEncoder] | None = None) -> str:
    """Compact JSON in which every number is as short as the sender could have written it.

    A sender's ``1e15`` is read as a float, which Python writes as ``1000000000000000.0``: a body
    of such numbers would be stored (and answered) four times its size. The digits are the
    shortest that read back as the same number, so no number is written longer than it was sent.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=ensure_ascii, cls=encoder)
    return _STRING_OR_FLOAT.sub(_shortest, text)
