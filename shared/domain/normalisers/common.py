"""What every normaliser shares: its input, its two possible results and small text helpers."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidatorFunctionWrapHandler, field_validator

from shared.domain.errors import InvalidField
from shared.domain.models.common import Link
from shared.domain.models.deployments import (
    FACT_MAX_LENGTH,
    MAX_LINKS,
    DeploymentFacts,
    EventKind,
    Revision,
    cut_summary,
)
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.payloads import Ignored
from shared.domain.timestamps import TimestampError, parse_timestamp

Model = TypeVar("Model", bound=BaseModel)
TEXT_FACTS = ("repository", "service", "environment", "version", "commit_sha", "branch", "status", "user_name")


@dataclass(frozen=True)
class Delivery:
    """One webhook or API request after its transport checks (size, type, key, signature)."""

    event_name: str
    payload: dict[str, Any]
    headers: Mapping[str, str]
    """Lower-case header names, as API Gateway's HTTP API passes them."""
    received_at: datetime


class NormalisedEvent(DeploymentFacts):
    """A deployment event before the pipeline's identity and the event id are attached.

    Senders' payloads are tidied rather than refused here: a blank fact is absent, an over-long
    one is cut, and an address that is not one is dropped, since the delivery itself was valid."""

    model_config = ConfigDict(frozen=True)

    kind: EventKind
    summary: str
    timestamp: datetime
    natural_key: str | None = Field(default=None, exclude=True)
    """The same change redelivered maps to the same key, and so to the same stored event."""
    revision: Revision | None = Field(default=None, exclude=True)
    """Set for events that change state (deployments): the newest state wins."""

    @field_validator(*TEXT_FACTS, mode="before")
    @classmethod
    def _tidy_text(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip()
        return text[:FACT_MAX_LENGTH] if text else None

    @field_validator("user_email", mode="wrap")
    @classmethod
    def _usable_email(cls, value: object, handler: ValidatorFunctionWrapHandler) -> object:
        try:
            return handler(value)
        except ValidationError:
            return None

    @field_validator("links", mode="before")
    @classmethod
    def _at_most_max_links(cls, value: object) -> object:
        return value[:MAX_LINKS] if isinstance(value, list) else value


class Normaliser(Protocol):
    def __call__(self, delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored: ...


def parse_time_field(value: object, field_name: str) -> datetime:
    try:
        return parse_timestamp(value)
    except TimestampError as error:
        raise InvalidField.of(field_name, str(error)) from None


def branch_matches(branch: str, branch_filters: list[str]) -> bool:
    """An empty filter list means every branch; patterns are shell globs such as ``release/*``."""
    return not branch_filters or any(fnmatch.fnmatchcase(branch, pattern) for pattern in branch_filters)


def branch_ignored(branch: str) -> Ignored:
    return Ignored(f"branch {branch!r} does not match the pipeline's branch filters", "branch_filtered")


def event_not_enabled(event_name: str) -> Ignored:
    return Ignored(f"event {event_name!r} is not enabled in the pipeline's event filters", "event_filtered")


def unsupported_event(event_name: str) -> Ignored:
    return Ignored(f"event {event_name!r} is not a deployment event", "unsupported_event")


def first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0].strip() if (text or "").strip() else ""


def count_of(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_of(*parts: str | None) -> str:
    return cut_summary(" ".join(part for part in parts if part))


def link(href: str | None, text: str) -> list[Link]:
    """A link when the payload has a usable web URL for it; API URLs, empty strings and
    malformed values are left out rather than failing the delivery."""
    if not href:
        return []
    try:
        return [Link(href=href, text=text[:255])]
    except ValidationError:
        return []


def custom_details_of(base: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Custom details from a payload, leaving out what the payload did not have."""
    return {**base, **{name: value for name, value in values.items() if value is not None}}


def quoted(text: str | None) -> str:
    return f'"{text}"' if text else ""
