"""The opaque page cursors of the API (§8, §16): where the previous page stopped, as
unpadded URL-safe base64, so a client passes it back as it got it and a made-up one is a 400."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TypeVar

from shared.domain.errors import BadRequest

Position = TypeVar("Position")


def encode_cursor(position: str) -> str:
    return base64.urlsafe_b64encode(position.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, read: Callable[[str], Position]) -> Position:
    """``read`` turns the position back into what the store resumes after; a ``ValueError`` from it
    (pydantic's ``ValidationError`` is one) means the cursor is not one this API returned."""
    try:
        return read(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError):
        raise BadRequest("cursor: is not a cursor this API returned") from None
