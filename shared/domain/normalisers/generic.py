"""The ilert-compatible generic API (§3.1): any change, not only software, as kind ``custom``."""

from __future__ import annotations

from shared.domain.models.deployments import EventKind, GenericEventRequest, deployment_facts
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.models.signals import explicit_signal
from shared.domain.normalisers.common import Delivery, NormalisedEvent, content_revision
from shared.domain.payloads import Ignored, parse_payload

CREDENTIAL_FIELDS = ("integrationKey", "apiKey")


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    request = parse_payload(GenericEventRequest, delivery.payload)
    timestamp = request.timestamp or delivery.received_at
    idempotency_key = delivery.headers.get("idempotency-key") or request.dedup_key
    return NormalisedEvent(
        kind=EventKind.CUSTOM,
        summary=request.summary,
        timestamp=timestamp,
        natural_key=f"generic:{idempotency_key}" if idempotency_key else None,
        revision=content_revision(delivery.payload, timestamp, CREDENTIAL_FIELDS) if idempotency_key else None,
        signals=explicit_signal(rollback=request.kind == "rollback", fixes=request.fixes),
        **deployment_facts(request),
    )
