"""What notification targets (§13) and forwarders (§21) share: secrets that are write-only and
checked when written (§22), the sealed form they are stored in, and a configured JSON list of
them (``DefaultNotifications``, ``DefaultForwarders``) read entry by entry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shared.domain.models.common import HttpUrl
from shared.domain.models.header_safe import HeaderText, HeaderToken, SecretUrl
from shared.domain.models.sealed import Sealed

Secret = Annotated[str, Field(min_length=1, max_length=1024)]
"""Every secret field is also ``repr=False``: debug logs of a request never show it."""
HeaderSecret = Annotated[Secret, HeaderToken]
"""A token sent in a header or as a key, so header-safe (§22)."""
SigningSecret = Annotated[Secret, HeaderText]
TargetUrl = Annotated[HttpUrl, SecretUrl]
Entry = TypeVar("Entry")


class SealedOutbound(BaseModel):
    """A target or forwarder as stored: its type and redacted address in clear, for reads, and
    the whole of it sealed, opened only to send."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True, defer_build=True)

    type: str
    target: str
    sealed: Sealed = Field(repr=False)


@dataclass(frozen=True)
class Skipped:
    """A configured entry that is not valid: where it is and what is wrong, never what it holds."""

    position: int
    entry_type: str
    """Its ``type`` when that is one of ours, else what kind of JSON value it is."""
    problems: list[str]
    """``field: error kind`` (``webhookUrl: string_pattern_mismatch``), without the input."""


def _type_of(entry: object, known: tuple[str, ...]) -> str:
    if isinstance(entry, dict):
        return entry["type"] if entry.get("type") in known else "unknown"
    return type(entry).__name__


def _problems(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in problem['loc']) or 'type'}: {problem['type']}"
        for problem in error.errors(include_input=False, include_url=False, include_context=False)
    ]


def valid_entries(
    configured: str, adapter: TypeAdapter[Entry], known: tuple[str, ...], limit: int | None = None
) -> tuple[tuple[Entry, ...], list[Skipped]]:
    """The valid entries of a JSON list, each checked on its own (at most ``limit`` of them), and
    the entries skipped, named by position and type."""
    try:
        entries: Any = json.loads(configured or "[]")
    except ValueError:
        return (), [Skipped(0, "text", ["the value is not JSON"])]
    if not isinstance(entries, list):
        return (), [Skipped(0, type(entries).__name__, ["the value is not a JSON list"])]
    valid: list[Entry] = []
    skipped = []
    for position, entry in enumerate(entries):
        if limit is not None and position >= limit:
            skipped.append(Skipped(position, _type_of(entry, known), [f"more than {limit} entries"]))
            continue
        try:
            valid.append(adapter.validate_python(entry))
        except ValidationError as error:
            skipped.append(Skipped(position, _type_of(entry, known), _problems(error)))
    return tuple(valid), skipped
