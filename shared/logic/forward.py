"""Forwarding (§21): every accepted change sent once to each forwarder of its pipeline (else
``DefaultForwarders``), and a change's Grafana annotations tagged ``failed`` when §19 finds it failed.

Each (change, forwarder) is claimed, sent under and settled by ``claims`` as §13's notifications
are (§22); the last attempt dead-letters the event, and a redrive opens its claims again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from shared.adapters import envelope, notify_http
from shared.adapters.notify_http import DeliveryResult
from shared.adapters.store import events as event_store
from shared.adapters.store import forwards as forward_store
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
from shared.domain.notifications.context import OutboundRequest
from shared.logic import claims
from shared.logic.claims import Clock, Pending, Sent
from shared.observability import tracer
from shared.settings import default_forwarders, forward_settings


@dataclass(frozen=True)
class Attempt:
    """Where a request's claim is, to whom it goes, how it is built and, for a new Grafana
    annotation, when it starts (kept with its id, for the edits that come later)."""

    key: ItemKey
    forwarder: Forwarder
    request: Callable[[], OutboundRequest]
    starts_ms: int | None = None


class ForwardsPending(Pending):
    """Some forwarder has not taken the change yet; Lambda retries the invocation, then dead-letters it."""


def forwarders_of(pipeline_id: str) -> tuple[Forwarder, ...]:
    """The pipeline's forwarders, opened to send; ``DefaultForwarders`` for a pipeline without any."""
    record = PIPELINES.get(pipeline_id)
    if record is None or not record.forwarders:
        return default_forwarders()
    place = record.secret_place("forwarders")
    return tuple(opened_forwarder(forwarder, place, envelope.open_secret) for forwarder in record.forwarders)


def _send(request: Callable[[], OutboundRequest], held: claims.Held) -> DeliveryResult:
    return notify_http.deliver(request(), before_retry=held.renew)


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


def _job(attempt: Attempt) -> claims.Job:
    forwarder = attempt.forwarder
    return claims.Job(
        kind="forward",
        key=attempt.key,
        target_id=forwarder_id(forwarder),
        target_type=forwarder.type,
        shown=forwarder_view(forwarder).target,
        send=partial(_send, attempt.request),
        kept=partial(_annotation, attempt),
    )


def _each(attempts: list[Attempt], invocation: str, clock: Clock) -> list[Sent]:
    """Each forwarder tried whatever the others do; ``ForwardsPending`` when any must be retried."""
    sent, pending = claims.send_each([_job(attempt) for attempt in attempts], invocation, clock)
    if pending:
        raise ForwardsPending("; ".join(pending))
    return sent


@tracer.capture_method(capture_response=False)
def forward(event: DeploymentEvent, invocation: str, clock: Clock) -> list[Sent]:
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
def tag_failed(event_id: str, invocation: str, clock: Clock) -> list[Sent]:
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
