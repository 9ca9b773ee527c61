"""The ilert-compatible generic API (SPEC §3.1): any change, not only software, as kind ``custom``."""

from __future__ import annotations

import hashlib
import json

from shared.domain.models.deployments import EventKind, GenericEventRequest, Revision, deployment_facts
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from shared.domain.payloads import Ignored, parse_payload

CREDENTIAL_FIELDS = ("integrationKey", "apiKey")


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    request = parse_payload(GenericEventRequest, delivery.payload)
    timestamp = request.timestamp or delivery.received_at
    idempotency_key = delivery.headers.get("idempotency-key") or request.dedup_key
    revision = None
    if idempotency_key:
        digest = _content_digest(delivery.payload)
        revision = Revision(at=timestamp, tiebreak=digest, identity=digest)
    return NormalisedEvent(
        kind=EventKind.CUSTOM,
        summary=request.summary,
        timestamp=timestamp,
        natural_key=f"generic:{idempotency_key}" if idempotency_key else None,
        revision=revision,
        **deployment_facts(request),
    )


def _content_digest(payload: dict[str, object]) -> str:
    """The same body sent again is a duplicate, whatever its key or whitespace."""
    content = {name: value for name, value in payload.items() if name not in CREDENTIAL_FIELDS}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
