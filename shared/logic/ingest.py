"""Ingest (SPEC §3): from a raw request to a stored, deduplicated deployment event.

The checks run in the order SPEC §3 fixes, so that each failure gets its status code:
413 size, 415 content type, 404 key, 401 signature, 400 JSON, 422 fields. The generic API carries
its key in the body, so there the JSON is read before the key is looked up.
"""

from __future__ import annotations

import importlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from shared.adapters.store import events as event_store
from shared.adapters.store.client import WriteConflict
from shared.domain.errors import Busy, DomainError, InvalidField, Unauthorized
from shared.domain.ids import event_id_for
from shared.domain.models.common import ApiModel
from shared.domain.models.deliveries import DeliveryEntry, LogOwner
from shared.domain.models.deployments import DeploymentEvent, Revision, deployment_facts
from shared.domain.models.pipelines import IntegrationType, PipelineRecord
from shared.domain.normalisers.common import Delivery, NormalisedEvent, Normaliser
from shared.domain.payloads import Ignored
from shared.domain.signatures import hmac_sha256_hex, same_secret
from shared.domain.timestamps import FUTURE_TOLERANCE
from shared.http.raw_request import (
    FORM_CONTENT,
    MAX_BODY_BYTES,
    RawRequest,
    check_size,
    content_kind,
    form_payload,
    parse_json_object,
    required_header,
)
from shared.logic import delivery_log
from shared.logic.pipelines import resolve_pipeline
from shared.observability import tracer

MAX_WRITE_ATTEMPTS = 5


class IngestOutcome(ApiModel):
    """The body of every 2xx ingest response: accepted or duplicate with an id, or ignored."""

    status: Literal["accepted", "duplicate", "ignored"]
    id: str | None = None
    reason: str | None = None
    reason_code: str | None = Field(default=None, exclude=True)

    @property
    def metric_outcome(self) -> str:
        return f"ignored:{self.reason_code}" if self.status == "ignored" else self.status

    @property
    def http_status(self) -> int:
        return 200 if self.status == "ignored" else 202


@dataclass(frozen=True)
class Source:
    """How one kind of sender is checked and read; every source then takes the same path."""

    name: str
    """For metrics and logs."""
    integration_type: IntegrationType
    normaliser: str
    """The module whose ``normalise`` reads this source, imported on first use, so that a
    function's cold start loads only the payload models of the sources it is sent."""
    event_header: tuple[str, str] | None = None
    """The header naming the event (lower-case, as displayed); None: every delivery is one event."""
    allows_form: bool = False
    verify: Callable[[str, RawRequest], None] | None = None
    delivery_headers: tuple[str, ...] = ("idempotency-key",)
    """Headers naming the delivery, for the delivery log, first present wins."""
    key_fields: tuple[str, ...] = ("integrationKey", "apiKey")
    """Where a body carries its key, when the URL does not."""
    max_body_bytes: int = MAX_BODY_BYTES
    """Checks the pipeline's webhook secret against the request, or raises ``Unauthorized``."""


def verify_github_signature(secret: str, request: RawRequest) -> None:
    """HMAC-SHA256 over the raw body bytes as received, compared in constant time."""
    signature = request.headers.get("x-hub-signature-256", "")
    if not signature.startswith("sha256="):
        raise Unauthorized("X-Hub-Signature-256 is missing; this pipeline has a webhook secret")
    if not same_secret("sha256=" + hmac_sha256_hex(secret, request.body), signature):
        raise Unauthorized("X-Hub-Signature-256 does not match the body and the pipeline's webhook secret")


def verify_gitlab_token(secret: str, request: RawRequest) -> None:
    token = request.headers.get("x-gitlab-token")
    if token is None:
        raise Unauthorized("X-Gitlab-Token is missing; this pipeline has a webhook secret")
    if not same_secret(secret, token):
        raise Unauthorized("X-Gitlab-Token does not match the pipeline's webhook secret")


GENERIC = Source("api", IntegrationType.API, "shared.domain.normalisers.generic")
GITHUB = Source(
    "github",
    IntegrationType.GITHUB,
    "shared.domain.normalisers.github",
    event_header=("x-github-event", "X-GitHub-Event"),
    allows_form=True,
    verify=verify_github_signature,
    delivery_headers=("x-github-delivery",),
)
GITLAB = Source(
    "gitlab",
    IntegrationType.GITLAB,
    "shared.domain.normalisers.gitlab",
    event_header=("x-gitlab-event", "X-Gitlab-Event"),
    verify=verify_gitlab_token,
    delivery_headers=("idempotency-key", "x-gitlab-event-uuid"),
)


def verify_argocd_token(secret: str, request: RawRequest) -> None:
    """Argo CD's webhook service sets any header: ``X-Argocd-Token`` carries the secret."""
    token = request.headers.get("x-argocd-token")
    if token is None:
        raise Unauthorized("X-Argocd-Token is missing; this pipeline has a webhook secret")
    if not same_secret(secret, token):
        raise Unauthorized("X-Argocd-Token does not match the pipeline's webhook secret")


ARGOCD = Source("argocd", IntegrationType.ARGOCD, "shared.domain.normalisers.argocd", verify=verify_argocd_token)
PAGERDUTY_CHANGE = Source(
    "pagerduty",
    IntegrationType.PAGERDUTY_CHANGE,
    "shared.domain.normalisers.pagerduty_change",
    key_fields=("routing_key",),
    max_body_bytes=512 * 1024,
)
"""PagerDuty's change events, keyed in the URL or, at ``/v2/change/enqueue``, by ``routing_key``;
PagerDuty takes bodies up to 512 KB."""
WEBHOOK_SOURCES = {source.name: source for source in (GITHUB, GITLAB, ARGOCD, PAGERDUTY_CHANGE)}
"""Sources whose key is in the URL path; the generic API's is in the body."""


@tracer.capture_method(capture_response=False)
def ingest(source: Source, integration_key: str | None, request: RawRequest, received_at: datetime) -> IngestOutcome:
    """One delivery, checked in SPEC §3's order, normalised and recorded, and its fate written
    to the pipeline's delivery log (SPEC §16) once the pipeline is known.

    ``integration_key`` is the URL's; None means the body carries it (the generic API), so there
    the JSON is read before the key is looked up."""
    resolved: list[PipelineRecord] = []
    try:
        outcome = _ingest(source, integration_key, request, received_at, resolved)
    except DomainError as error:
        if resolved:
            _log(source, resolved[0], request, received_at, error.status_code, "rejected", error.message, None)
        raise
    explained = outcome.reason if outcome.status != "duplicate" else "a redelivery of an event already stored"
    _log(source, resolved[0], request, received_at, outcome.http_status, outcome.status, explained, outcome.id)
    return outcome


def _log(
    source: Source,
    pipeline: PipelineRecord,
    request: RawRequest,
    received_at: datetime,
    status: int,
    outcome: Literal["accepted", "duplicate", "ignored", "rejected"],
    reason: str | None,
    event_id: str | None,
) -> None:
    event_type = delivery_log.header_of(request.headers, source.event_header[0]) if source.event_header else None
    entry = DeliveryEntry(
        received_at=received_at,
        status=status,
        outcome=outcome,
        reason=reason[: delivery_log.MAX_TEXT] if reason else None,
        event_type=event_type or ("deployment-event" if source.event_header is None else None),
        delivery_id=delivery_log.header_of(request.headers, *source.delivery_headers),
        event_id=event_id,
        bytes=len(request.body),
    )
    delivery_log.record(LogOwner.PIPELINE, pipeline.id, entry)


def _ingest(
    source: Source,
    integration_key: str | None,
    request: RawRequest,
    received_at: datetime,
    resolved: list[PipelineRecord],
) -> IngestOutcome:
    check_size(request, source.max_body_bytes)
    content = content_kind(request, allow_form=source.allows_form)
    if integration_key is None:
        payload = parse_json_object(request.body)
        resolved.append(resolve_pipeline(_key_in_body(payload, source.key_fields), source.integration_type))
    else:
        resolved.append(resolve_pipeline(integration_key, source.integration_type))
        if resolved[0].webhook_secret and source.verify is not None:
            source.verify(resolved[0].webhook_secret, request)
        payload = form_payload(request.body) if content == FORM_CONTENT else parse_json_object(request.body)
    pipeline = resolved[0]
    event_name = required_header(request, *source.event_header) if source.event_header else "deployment-event"
    normaliser: Normaliser = importlib.import_module(source.normaliser).normalise
    result = normaliser(Delivery(event_name, payload, request.headers, received_at), pipeline)
    if isinstance(result, Ignored):
        return IngestOutcome(status="ignored", reason=result.reason, reason_code=result.code)
    return record_event(pipeline, result, received_at)


def _key_in_body(payload: dict[str, Any], fields: tuple[str, ...]) -> str:
    integration_key = next((payload[field] for field in fields if payload.get(field)), None)
    if not isinstance(integration_key, str) or not integration_key:
        also = f" ({fields[1]} is accepted too)" if len(fields) > 1 else ""
        raise InvalidField.of(fields[0], f"is required{also}")
    return integration_key


def _deployment_event(pipeline: PipelineRecord, normalised: NormalisedEvent, received_at: datetime) -> DeploymentEvent:
    return DeploymentEvent(
        **deployment_facts(normalised),
        id=event_id_for(pipeline.id, normalised.natural_key),
        pipeline_id=pipeline.id,
        pipeline_name=pipeline.name,
        integration_type=pipeline.integration_type,
        kind=normalised.kind,
        summary=normalised.summary,
        timestamp=normalised.timestamp,
        received_at=received_at,
        teams=pipeline.team_ids,
    )


def record_event(pipeline: PipelineRecord, normalised: NormalisedEvent, received_at: datetime) -> IngestOutcome:
    """Stores a new event, or moves an existing one to a newer state; never two records.

    Every decision is backed by a conditional write, so concurrent deliveries of the same change
    settle on one record whatever their interleaving. An event older than the retention period
    is stored too (ilert's clients treat anything but 202 as a failure): it is kept for the
    retention period from its receipt.
    """
    if normalised.timestamp > received_at + FUTURE_TOLERANCE:
        raise InvalidField.of("timestamp", "is more than a day in the future")
    event = _deployment_event(pipeline, normalised, received_at)
    for attempt in range(MAX_WRITE_ATTEMPTS):
        try:
            outcome = _write_once(event, normalised.revision)
        except WriteConflict:
            time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not security
            continue
        if outcome is not None:
            return outcome
    raise Busy("the event is being updated by concurrent deliveries; retry")


def _write_once(event: DeploymentEvent, revision: Revision | None) -> IngestOutcome | None:
    """One conditional attempt; None when another writer got in between and it is worth retrying."""
    if event_store.insert_event(event, revision):
        return IngestOutcome(status="accepted", id=event.id)
    if revision is None:
        return IngestOutcome(status="duplicate", id=event.id)
    current = event_store.get_event(event.id)
    if current is None:
        return None
    if current.revision is None or current.revision.identity == revision.identity:
        return IngestOutcome(status="duplicate", id=event.id)
    if not revision.is_newer_than(current.revision):
        return IngestOutcome(status="ignored", reason="stale status", reason_code="stale_status")
    return (
        IngestOutcome(status="accepted", id=event.id) if event_store.replace_event(current, event, revision) else None
    )
