"""Deployment events in (§3): after intake's checks, a pipeline's delivery normalised and
recorded as one stored, deduplicated deployment event."""

from __future__ import annotations

import importlib
import random
import time
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from shared.adapters.store import events as event_store
from shared.adapters.store.client import WriteConflict
from shared.domain.errors import Busy, InvalidField
from shared.domain.ids import event_id_for
from shared.domain.models.common import ApiModel
from shared.domain.models.deployments import DeploymentEvent, Revision, deployment_facts
from shared.domain.models.pipelines import IntegrationType, PipelineRecord
from shared.domain.normalisers.common import AlertRaised, Delivery, NormalisedEvent, Normaliser
from shared.domain.payloads import Ignored
from shared.domain.requests import RawRequest
from shared.domain.senders import SenderKind
from shared.domain.timestamps import FUTURE_TOLERANCE
from shared.logic import intake
from shared.logic.change_accepted import announce
from shared.logic.failures import detect_failures
from shared.logic.pipelines import resolve_pipeline
from shared.observability import count, logger

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

    @property
    def logged_reason(self) -> str | None:
        return "a redelivery of an event already stored" if self.status == "duplicate" else self.reason

    @property
    def logged_ids(self) -> str | None:
        return self.id


def _pipeline_of(integration_key: str, kind: SenderKind) -> PipelineRecord:
    required_type = None if kind.accepts_every_type else IntegrationType(kind.integration_type)
    return resolve_pipeline(integration_key, required_type)


def _normalise_and_record(
    kind: SenderKind,
    pipeline: PipelineRecord,
    event_name: str,
    payload: dict[str, Any],
    request: RawRequest,
    received_at: datetime,
) -> IngestOutcome:
    normaliser: Normaliser = importlib.import_module(kind.reader).normalise
    result = normaliser(Delivery(event_name, payload, request.headers, received_at, request.body), pipeline)
    if isinstance(result, Ignored):
        return IngestOutcome(status="ignored", reason=result.reason, reason_code=result.code)
    if isinstance(result, AlertRaised):
        return _publish_alert(result)
    if result.service is None and result.service_candidates:
        result = result.model_copy(update={"service": _catalog_service(result.service_candidates)})
    return record_event(pipeline, result, received_at)


def _catalog_service(candidates: tuple[str, ...]) -> str | None:
    """The service the catalog (§17) knows by one of a change's names (a flag's key, §20). Only
    such changes read the catalog, so the catalog's modules are imported here, not at cold start."""
    from shared.logic.services import load_catalog  # noqa: PLC0415 - see the docstring

    return load_catalog().first_known(candidates)


def _publish_alert(raised: AlertRaised) -> IngestOutcome:
    """The same ``Alert Created`` event an alerting system puts (§4), so it is correlated as
    theirs are. Only incident reports carry one, so the alerts' models load here, not at cold start."""
    from shared.logic.alert_events import submit_alert  # noqa: PLC0415 - see the docstring

    submit_alert(raised.alert)
    return IngestOutcome(status="accepted", id=raised.alert.id)


DEPLOYMENTS = intake.Sink(owner_of=_pipeline_of, take=_normalise_and_record)


def ingest(kind: SenderKind, integration_key: str | None, request: RawRequest, received_at: datetime) -> IngestOutcome:
    """One delivery to a pipeline, through intake's checks (``integration_key``: the URL's, or
    None where the body carries it)."""
    return intake.take(DEPLOYMENTS, kind, integration_key, request, received_at)


def _deployment_event(
    pipeline: PipelineRecord, normalised: NormalisedEvent, received_at: datetime, teams: list[str] | None
) -> DeploymentEvent:
    """The pipeline's identity, type and teams on the event, whichever route it came by; ``teams``
    where the change names its own (an AWS resource's ``team`` tag, §20)."""
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
        teams=pipeline.team_ids if teams is None else teams,
        signals=normalised.signals,
    )


def record_event(
    pipeline: PipelineRecord, normalised: NormalisedEvent, received_at: datetime, teams: list[str] | None = None
) -> IngestOutcome:
    """Stores a new event, or moves an existing one to a newer state; never two records.

    Every decision is backed by a conditional write, so concurrent deliveries of the same change
    settle on one record whatever their interleaving. An event older than the retention period
    is stored too (ilert's clients treat anything but 202 as a failure): it is kept for the
    retention period from its receipt.
    """
    if normalised.timestamp > received_at + FUTURE_TOLERANCE:
        raise InvalidField.of("timestamp", "is more than a day in the future")
    event = _deployment_event(pipeline, normalised, received_at, teams)
    for attempt in range(MAX_WRITE_ATTEMPTS):
        try:
            written = _write_once(event, normalised.revision)
        except WriteConflict:
            time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not security
            continue
        if isinstance(written, DeploymentEvent):
            _detect(written)
            announce(pipeline, written, stored=True)
            return IngestOutcome(status="accepted", id=event.id)
        if written is not None:
            if written.status != "ignored":
                announce(pipeline, event, stored=False)
            return written
    raise Busy("the event is being updated by concurrent deliveries; retry")


def _detect(stored: DeploymentEvent) -> None:
    """§19's detection once the change is stored; its fault must not turn a stored change into a
    5xx (the sender's retry would be a duplicate, and detect nothing more)."""
    try:
        detect_failures(stored)
    except Exception as error:  # noqa: BLE001 - named by type; the change is stored, detection is redone by later ones
        count("FailureDetectionFailed")
        logger.warning("failure detection failed", extra={"id": stored.id, "error": type(error).__name__})


def _write_once(event: DeploymentEvent, revision: Revision | None) -> DeploymentEvent | IngestOutcome | None:
    """One conditional attempt: the event as stored when accepted, the answer when it was not,
    None when another writer got in between and it is worth retrying. A newer state keeps the
    failure and remediation marks §19 wrote on the older one, and what the sender said of the
    change (its signals: a rollback stays a rollback) when the newer state says nothing."""
    if event_store.insert_event(event, revision):
        return event
    if revision is None:
        return IngestOutcome(status="duplicate", id=event.id)
    current = event_store.get_event(event.id)
    if current is None:
        return None
    if current.revision is None or current.revision.identity == revision.identity:
        return IngestOutcome(status="duplicate", id=event.id)
    if not revision.is_newer_than(current.revision):
        return IngestOutcome(status="ignored", reason="stale status", reason_code="stale_status")
    kept = {"failure": current.event.failure, "remediates": current.event.remediates}
    marked = event.model_copy(update={**kept, "signals": event.signals or current.event.signals})
    return marked if event_store.replace_event(current, marked, revision) else None
