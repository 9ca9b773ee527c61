"""Intake (§3, §11): one path for every delivery, deployment or alert, from a raw request to
its outcome, and that outcome in the key owner's delivery log (§16).

The checks run in the order §3 fixes, so that each failure gets its status code: 413 size,
415 content type, 404 key, 401 signature, 400 JSON, 422 fields. Where the body carries the key
(the generic API), the JSON is read before the key is looked up: 413, 415, 400, 422 for a missing
key, 404, then 422. How a sender is checked is its row in ``shared.domain.senders``; what follows
the checks is a ``Sink``'s: deployment events are recorded (``intake_deployments``), alerts
published (``intake_alerts``), each imported only by the function that needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, Protocol, TypeVar

from shared.adapters import envelope
from shared.domain.errors import DomainError, InvalidField, PayloadTooLarge
from shared.domain.models.deliveries import DeliveryEntry
from shared.domain.models.sealed import SecretPlace, StoredSecret
from shared.domain.requests import (
    RawRequest,
    check_size,
    content_kind,
    parse_json_object,
    read_payload,
    required_header,
)
from shared.domain.senders import SenderKind
from shared.logic import delivery_log
from shared.observability import tracer


class KeyOwner(Protocol):
    """A pipeline or an alert source: what an integration key belongs to."""

    @property
    def id(self) -> str: ...

    @property
    def webhook_secret(self) -> StoredSecret | None:
        """Sealed (§22): opened only to verify a delivery."""

    def secret_place(self, field: str) -> SecretPlace: ...


class Outcome(Protocol):
    """A delivery's answer, and what the delivery log says of it."""

    @property
    def status(self) -> Literal["accepted", "duplicate", "ignored"]: ...

    @property
    def http_status(self) -> int: ...

    @property
    def logged_reason(self) -> str | None: ...

    @property
    def logged_ids(self) -> str | None:
        """What the delivery became: the event's id, or the alerts' ids."""


OwnerT = TypeVar("OwnerT", bound=KeyOwner)
OutcomeT = TypeVar("OutcomeT", bound=Outcome)


@dataclass(frozen=True)
class Sink(Generic[OwnerT, OutcomeT]):
    """What happens around the checks for one kind of owner."""

    owner_of: Callable[[str, SenderKind], OwnerT]
    """The owner of the key, of the sender's integration type, or ``NotFound``."""
    take: Callable[[SenderKind, OwnerT, str, dict[str, Any], RawRequest, datetime], OutcomeT]
    """Reads the checked payload (the event's name, the JSON) and records or publishes it."""


class Rejected(Exception):
    """A delivery refused once its key's owner was known: the error, and whose log records it."""

    def __init__(self, owner: KeyOwner, error: DomainError) -> None:
        super().__init__(error.message)
        self.owner = owner
        self.error = error


@tracer.capture_method(capture_response=False)
def take(
    sink: Sink[OwnerT, OutcomeT],
    kind: SenderKind,
    integration_key: str | None,
    request: RawRequest,
    received_at: datetime,
) -> OutcomeT:
    """One delivery, checked, read and taken by the sink; once its owner is known, its fate is
    written to the owner's delivery log, whatever it is. ``integration_key`` is the URL's; None
    means the body carries it."""
    owner: KeyOwner
    answer: OutcomeT | DomainError
    try:
        owner, answer = _checked(sink, kind, integration_key, request, received_at)
    except Rejected as rejected:
        owner, answer = rejected.owner, rejected.error
    delivery_log.record(kind.owner, owner.id, _entry(kind, request, received_at, answer))
    if isinstance(answer, DomainError):
        raise answer
    return answer


def _checked(
    sink: Sink[OwnerT, OutcomeT],
    kind: SenderKind,
    integration_key: str | None,
    request: RawRequest,
    received_at: datetime,
) -> tuple[KeyOwner, OutcomeT]:
    """§3's checks in order; a failure before the owner is known is nobody's to log, except a
    body too large for a key in the URL, which is its owner's (§16)."""
    try:
        check_size(request, kind.max_body_bytes)
    except PayloadTooLarge as error:
        raise _too_large(sink, kind, integration_key, error) from None
    content = content_kind(request, allow_form=kind.allows_form)
    payload = None
    if integration_key is None:
        payload = parse_json_object(request.body)
        integration_key = _key_in_body(payload, kind.key_fields)
    owner = sink.owner_of(integration_key, kind)
    try:
        if owner.webhook_secret and kind.verify is not None:
            kind.verify(envelope.open_secret(owner.webhook_secret, owner.secret_place("webhookSecret")), request)
        if payload is None:
            payload = read_payload(request, content)
        event_name = required_header(request, kind.event_header) if kind.event_header else kind.event_name
        return owner, sink.take(kind, owner, event_name, payload, request, received_at)
    except DomainError as error:
        raise Rejected(owner, error) from error


def _too_large(
    sink: Sink[OwnerT, OutcomeT], kind: SenderKind, integration_key: str | None, error: PayloadTooLarge
) -> PayloadTooLarge | Rejected:
    """The 413 stands whatever the key (§3 answers size first); the key is looked up after it
    only to record the rejection in its owner's delivery log, when the URL names a known one."""
    if integration_key is None:
        return error
    try:
        owner = sink.owner_of(integration_key, kind)
    except DomainError:
        return error
    return Rejected(owner, error)


def _key_in_body(payload: dict[str, Any], fields: tuple[str, ...]) -> str:
    integration_key = next((payload[field] for field in fields if payload.get(field)), None)
    if not isinstance(integration_key, str) or not integration_key:
        also = f" ({fields[1]} is accepted too)" if len(fields) > 1 else ""
        raise InvalidField.of(fields[0], f"is required{also}")
    return integration_key


def _entry(
    kind: SenderKind, request: RawRequest, received_at: datetime, answer: Outcome | DomainError
) -> DeliveryEntry:
    """The log's line: never a secret, a signature or the body (§16)."""
    outcome: Literal["accepted", "duplicate", "ignored", "rejected"]
    reason: str | None
    ids: str | None
    if isinstance(answer, DomainError):
        status, outcome, reason, ids = answer.status_code, "rejected", answer.message, None
    else:
        status, outcome, reason, ids = answer.http_status, answer.status, answer.logged_reason, answer.logged_ids
    headers = request.headers
    return DeliveryEntry(
        received_at=received_at,
        status=status,
        outcome=outcome,
        reason=reason[: delivery_log.MAX_TEXT] if reason else None,
        event_type=delivery_log.header_of(headers, kind.event_header.lower()) if kind.event_header else kind.event_name,
        delivery_id=delivery_log.header_of(headers, *kind.delivery_headers),
        event_id=ids,
        bytes=len(request.body),
    )
