"""Forwarding (§21): every accepted change sent once to each forwarder of its pipeline (else
``DefaultForwarders``), and a change's Grafana annotations tagged ``failed`` when §19 finds it failed.

Each (change, forwarder) is claimed, renewed and settled as §13's notifications are (§22): the
claim names its holder, the lease outlasts one attempt and is renewed before each retry, and
only the holder records the outcome. Retryable failures raise, so Lambda retries the invocation;
the last attempt marks the claim failed and dead-letters the event, and a redrive opens it again.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from shared.adapters import envelope, notify_http
from shared.adapters.notify_http import DeliveryResult
from shared.adapters.store import events as event_store
from shared.adapters.store import forwards as forward_store
from shared.adapters.store import notifications as claim_store
from shared.adapters.store.notifications import Taker
from shared.adapters.store.pipelines import PIPELINES
from shared.domain.errors import NotFound
from shared.domain.forward_requests import forward_request, grafana_failed_tag, grafana_region, millis
from shared.domain.keys import ItemKey
from shared.domain.keys_forwards import end_key, failed_tag_key, forward_key
from shared.domain.models.change_events import ChangeAccepted
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.models.forwarders import (
    Forwarder,
    GrafanaAnnotationForwarder,
    forwarder_id,
    forwarder_view,
    opened_forwarder,
)
from shared.domain.notifications import OutboundRequest
from shared.logic.notify import LEASE, Clock, LeaseLost, RenewalFailed, status_after
from shared.observability import logger, tracer
from shared.settings import default_forwarders, forward_settings


@dataclass(frozen=True)
class Attempt:
    """Where a request's claim is, to whom it goes, how it is built and, for a new Grafana
    annotation, when it starts (kept with its id, for the edits that come later)."""

    key: ItemKey
    forwarder: Forwarder
    request: Callable[[], OutboundRequest]
    starts_ms: int | None = None


class ForwardsPending(Exception):
    """Some forwarder has not taken the change yet; Lambda retries the invocation, then dead-letters it."""


@dataclass(frozen=True)
class Forwarded:
    type: str
    status: str


@dataclass(frozen=True)
class _Claim:
    """A claim this invocation holds: where it is, and who holds it."""

    key: ItemKey
    forwarder_type: str
    holder: str
    clock: Clock

    def renew(self) -> None:
        """Before each retry: the lease extended, the request counted, or ``LeaseLost``."""
        try:
            renewed = claim_store.renew_at(self.key, self.holder, self.clock(), LEASE)
        except Exception as error:  # noqa: BLE001 - named by type, then retried as a whole
            raise RenewalFailed(type(error).__name__) from None
        if not renewed:
            raise LeaseLost(self.forwarder_type)


def forwarders_of(pipeline_id: str) -> tuple[Forwarder, ...]:
    """The pipeline's forwarders, opened to send; ``DefaultForwarders`` for a pipeline without any."""
    record = PIPELINES.get(pipeline_id)
    if record is None or not record.forwarders:
        return default_forwarders()
    place = record.secret_place("forwarders")
    return tuple(opened_forwarder(forwarder, place, envelope.open_secret) for forwarder in record.forwarders)


def _send(claim: _Claim, request: Callable[[], OutboundRequest]) -> DeliveryResult:
    try:
        return notify_http.deliver(request(), before_retry=claim.renew)
    except LeaseLost:
        raise
    except RenewalFailed as error:
        return DeliveryResult("retryable", None, f"renewing the {claim.forwarder_type} claim failed: {error}")
    except Exception as error:  # noqa: BLE001 - one forwarder's fault must not stop the others (§22)
        return DeliveryResult("failed", None, f"the {claim.forwarder_type} request failed: {type(error).__name__}")


def _annotation(attempt: Attempt, result: DeliveryResult) -> dict[str, str]:
    """Grafana answers ``{"id": …}``: kept with the annotation's time, so that the ``failed`` tag
    and a later state's end edit the same annotation."""
    if attempt.starts_ms is None or result.status != "delivered":
        return {}
    try:
        answer = json.loads(result.answer or b"{}")
    except ValueError:
        return {}
    annotation = answer.get("id") if isinstance(answer, dict) else None
    if not isinstance(annotation, int | str):
        return {}
    return {forward_store.ANNOTATION_ID: str(annotation), forward_store.ANNOTATION_TIME: str(attempt.starts_ms)}


def send_once(attempt: Attempt, invocation: str, clock: Clock) -> Forwarded | None:
    """Claim, send, record; None when another invocation holds or settled the claim."""
    claim_key, forwarder = attempt.key, attempt.forwarder
    taker = Taker(secrets.token_hex(8), invocation)
    shown = forwarder_view(forwarder).target
    taken, claim = claim_store.claim_at(
        claim_key, forwarder_id(forwarder), forwarder.type, shown, taker, clock(), LEASE
    )
    if not taken or claim is None:
        if claim is not None and claim.status == "pending":
            raise ForwardsPending(f"another invocation is forwarding to {forwarder.type}")
        return None
    held = _Claim(claim_key, forwarder.type, taker.holder, clock)
    try:
        result = _send(held, attempt.request)
    except LeaseLost:
        logger.warning("forward lease lost before a retry", extra={"type": forwarder.type})
        return None
    status = status_after(result, claim)
    kept = _annotation(attempt, result)
    if not claim_store.settle_at(claim_key, taker.holder, status, result.error, clock(), kept):
        logger.warning("forward lease lost; its new holder records it", extra={"type": forwarder.type})
        return None
    logger.info("forward", extra={"type": forwarder.type, "status": status, "invocations": claim.invocations})
    if result.status == "retryable":
        raise ForwardsPending(f"{forwarder.type} did not take the change: {result.error}")
    return Forwarded(forwarder.type, status)


def _each(attempts: list[Attempt], invocation: str, clock: Clock) -> list[Forwarded]:
    """Each forwarder tried whatever the others do; ``ForwardsPending`` when any must be retried."""
    sent, pending = [], []
    for attempt in attempts:
        forwarder = attempt.forwarder
        try:
            outcome = send_once(attempt, invocation, clock)
        except ForwardsPending as error:
            pending.append(str(error))
            continue
        except Exception as error:  # noqa: BLE001 - the store failing for one forwarder; the others go on
            logger.warning("forward not recorded", extra={"type": forwarder.type, "error": type(error).__name__})
            pending.append(f"{forwarder.type} could not be recorded: {type(error).__name__}")
            continue
        if outcome is not None:
            sent.append(outcome)
    if pending:
        raise ForwardsPending("; ".join(pending))
    return sent


@tracer.capture_method(capture_response=False)
def forward(event: DeploymentEvent, invocation: str, clock: Clock) -> list[Forwarded]:
    """The change sent to each of its forwarders, each once; a later state of a change already
    annotated in Grafana makes the annotation a region from its first state to this one."""
    configured = forward_settings()
    forwarders = forwarders_of(event.pipeline_id)

    def request_for(forwarder: Forwarder) -> Callable[[], OutboundRequest]:
        return lambda: forward_request(forwarder, event, configured.pagerduty_events_url, configured.ilert_api_url)

    attempts = [
        Attempt(
            forward_key(event.id, forwarder_id(forwarder)),
            forwarder,
            request_for(forwarder),
            millis(event) if isinstance(forwarder, GrafanaAnnotationForwarder) else None,
        )
        for forwarder in forwarders
    ]
    return _each([*attempts, *_region_ends(event, forwarders)], invocation, clock)


def _region_ends(event: DeploymentEvent, forwarders: tuple[Forwarder, ...]) -> list[Attempt]:
    """For each Grafana annotation of the change that starts before this state: its end, here."""
    grafana = [forwarder for forwarder in forwarders if isinstance(forwarder, GrafanaAnnotationForwarder)]
    if not grafana:
        return []
    annotated = {
        forward.claim.target_id: (forward.annotation_id, forward.annotation_time)
        for forward in forward_store.forwards_of(event.id)
        if not forward.edit and forward.annotation_id and forward.annotation_time is not None
    }
    ends_ms = millis(event)
    attempts = []
    for forwarder in grafana:
        annotation_id, starts_ms = annotated.get(forwarder_id(forwarder), (None, None))
        if annotation_id and starts_ms is not None and starts_ms < ends_ms:
            region = _region(forwarder, annotation_id, starts_ms, ends_ms)
            attempts.append(Attempt(end_key(event.id, forwarder_id(forwarder), ends_ms), forwarder, region))
    return attempts


def _region(
    forwarder: GrafanaAnnotationForwarder, annotation: str, starts_ms: int, ends_ms: int
) -> Callable[[], OutboundRequest]:
    return lambda: grafana_region(forwarder, annotation, starts_ms, ends_ms)


def _stored_change(event_id: str) -> DeploymentEvent:
    stored = event_store.get_event(event_id)
    if stored is None:
        raise NotFound(f"no deployment event with id {event_id!r}")
    return stored.event


def change_of(detail: ChangeAccepted) -> DeploymentEvent:
    """The change an event stands for: its detail, or the stored one it refers to."""
    return detail.change or _stored_change(detail.event_id)


@tracer.capture_method(capture_response=False)
def tag_failed(event_id: str, invocation: str, clock: Clock) -> list[Forwarded]:
    """§19 found the change failed: each of its Grafana annotations gets the tag ``failed``, once."""
    event = _stored_change(event_id)
    stored = forward_store.forwards_of(event_id)
    annotations = {forward.claim.target_id: forward.annotation_id for forward in stored if not forward.edit}
    attempts: list[Attempt] = []
    for forwarder in forwarders_of(event.pipeline_id):
        annotation = annotations.get(forwarder_id(forwarder))
        if isinstance(forwarder, GrafanaAnnotationForwarder) and annotation:
            tagged = failed_tag_key(event_id, forwarder_id(forwarder))
            attempts.append(Attempt(tagged, forwarder, _failed_tag(event, forwarder, annotation)))
    return _each(attempts, invocation, clock)


def _failed_tag(
    event: DeploymentEvent, forwarder: GrafanaAnnotationForwarder, annotation: str
) -> Callable[[], OutboundRequest]:
    return lambda: grafana_failed_tag(event, forwarder, annotation)
