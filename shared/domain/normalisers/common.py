"""What every normaliser shares: its input, its two possible results, the dispatch of a webhook's
events to their readers, and small text helpers."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

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
from shared.domain.models.signals import ChangeSignals
from shared.domain.payloads import Ignored, parse_payload
from shared.domain.timestamps import TimestampError, parse_timestamp

if TYPE_CHECKING:
    from shared.domain.models.alerts import Alert

Payload = TypeVar("Payload", bound=BaseModel)
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"
TEXT_FACTS = ("repository", "service", "environment", "version", "commit_sha", "branch", "status", "user_name")


@dataclass(frozen=True)
class Delivery:
    """One webhook or API request after its transport checks (size, type, key, signature)."""

    event_name: str
    payload: dict[str, Any]
    headers: Mapping[str, str]
    """Lower-case header names, as API Gateway's HTTP API passes them."""
    received_at: datetime
    body: bytes = b""
    """The body as sent, for readers of an envelope that spans headers and body (CloudEvents)."""


@dataclass(frozen=True)
class AlertRaised:
    """A change source's report of an incident (a CDEvents ``incident.detected``): an alert of
    the pipeline's teams, published for correlation as the alert sources' are (§4)."""

    alert: Alert


class NormalisedEvent(DeploymentFacts):
    """A deployment event before the pipeline's identity and the event id are attached.

    Senders' payloads are tidied rather than refused here: a blank fact is absent, an over-long
    one is cut, a lone surrogate (which no UTF-8 can carry) is replaced as a decoder replaces it,
    and an address that is not one is dropped, since the delivery itself was valid."""

    model_config = ConfigDict(frozen=True)

    kind: EventKind
    summary: str
    timestamp: datetime
    natural_key: str | None = Field(default=None, exclude=True)
    """The same change redelivered maps to the same key, and so to the same stored event."""
    revision: Revision | None = Field(default=None, exclude=True)
    """Set for events that change state (deployments): the newest state wins."""
    service_candidates: tuple[str, ...] = Field(default=(), exclude=True)
    """Names the service catalog (§17) may know the change's service by, when the payload names
    none (a feature flag's key and project, §20): the first the catalog knows is the service."""
    signals: ChangeSignals | None = None
    """What the change says of earlier ones (a revert, a rollback, a fix): §19's detection reads it."""

    @field_validator(*TEXT_FACTS, mode="before")
    @classmethod
    def _tidy_text(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = _LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, value).strip()
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
    def __call__(self, delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | AlertRaised | Ignored: ...


def _nothing_to_skip(payload: BaseModel) -> Ignored | None:
    return None


@dataclass(frozen=True)
class EventReader(Generic[Payload]):
    """How one event of a webhook becomes a deployment event, as a row of its source's table."""

    payload: type[Payload]
    """The part of the body this event is read with."""
    build: Callable[[Payload, Delivery], NormalisedEvent]
    skip: Callable[[Payload], Ignored | None] = _nothing_to_skip
    """Why a valid delivery of this event is no change (a closed pull request not merged, a tag push)."""
    branch: Callable[[Payload], str] | None = None
    """The branch the pipeline's branch filters judge, for events that have one."""

    def read(self, delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
        payload = parse_payload(self.payload, delivery.payload)
        ignored = self.skip(payload)
        if ignored is not None:
            return ignored
        branch = self.branch(payload) if self.branch else None
        if branch is not None and not branch_matches(branch, pipeline.branch_filters):
            return branch_ignored(branch)
        return self.build(payload, delivery)


@dataclass(frozen=True)
class EventDispatch:
    """The normaliser of a webhook that names its event in a header (GitHub, GitLab): the event
    picks its reader, and the pipeline's event filters say whether it is wanted (§3.2, §3.3)."""

    readers: Mapping[str, EventReader[Any]]
    answered: Mapping[str, Ignored] = field(default_factory=dict)
    """Events answered before any filter, such as GitHub's ``ping``."""

    def __call__(self, delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
        name = delivery.event_name
        if name in self.answered:
            return self.answered[name]
        reader = self.readers.get(name)
        if reader is None:
            return unsupported_event(name)
        if name not in pipeline.event_filters:
            return event_not_enabled(name)
        return reader.read(delivery, pipeline)


def webhook_details(delivery: Delivery, source: str, headers: Mapping[str, str], **values: Any) -> dict[str, Any]:
    """The custom details of a webhook's event: its source and event name, the delivery headers
    named in ``headers`` (``{"deliveryId": "x-github-delivery"}``), then ``values``; what the
    delivery does not have is left out."""
    from_headers = {name: delivery.headers.get(header) for name, header in headers.items()}
    return custom_details_of({"source": source, "event": delivery.event_name}, **from_headers, **values)


def content_revision(payload: Mapping[str, Any], at: datetime, credential_fields: Collection[str]) -> Revision:
    """The same body sent again is a duplicate, whatever its credentials or whitespace: the digest
    of its canonical JSON is the revision's identity."""
    content = {name: value for name, value in payload.items() if name not in credential_fields}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    return Revision(at=at, tiebreak=digest, identity=digest)


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


def not_finished(what: str, status: str, finished: Collection[str], word: str = "final") -> Ignored | None:
    """``deployment status 'running' is not final``: a deployment or a run is a change once it ends."""
    return None if status in finished else Ignored(f"{what} {status!r} is not {word}", "not_final")


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
