"""Enrichments out (§6): kept, served and published for anyone listening."""

from __future__ import annotations

import json

from shared.adapters import bus
from shared.adapters.store import enrichments as enrichment_store
from shared.domain.errors import NotFound
from shared.domain.models.alerts import ALERT_ENRICHED, MAX_ALERT_ID_LENGTH, OWN_EVENT_SOURCE, Enrichment
from shared.observability import tracer


@tracer.capture_method(capture_response=False)
def store_enrichment(enrichment: Enrichment) -> bool:
    """Keeps the result (replacing an earlier one) and tells the bus; False if a newer one exists."""
    body = enrichment.to_json_dict()
    stored = enrichment_store.put_enrichment(
        enrichment.alert_id, json.dumps(body, separators=(",", ":")), enrichment.correlated_at
    )
    if stored:
        bus.publish(OWN_EVENT_SOURCE, ALERT_ENRICHED, body)
    return stored


def get_enrichment(alert_id: str) -> Enrichment:
    stored = enrichment_store.get_enrichment(alert_id) if 0 < len(alert_id) <= MAX_ALERT_ID_LENGTH else None
    if stored is None:
        raise NotFound(f"alert {alert_id!r} has not been correlated")
    return Enrichment.model_validate_json(stored)
