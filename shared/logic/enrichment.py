"""Enrichments out (§6): kept, served and published for anyone listening.

An enrichment goes on the bus whole when it fits in one event (§22); otherwise it is stored
first and the event carries an ``EnrichmentReference``, which ``enrichment_of`` resolves.
"""

from __future__ import annotations

import json

from shared.adapters import bus
from shared.adapters.store import enrichments as enrichment_store
from shared.adapters.store import verdicts as verdict_store
from shared.domain.errors import Busy, NotFound
from shared.domain.models.alert_list import listing_of
from shared.domain.models.alerts import (
    ALERT_CORRELATED,
    ALERT_ENRICHED,
    MAX_ALERT_ID_LENGTH,
    OWN_EVENT_SOURCE,
    Enrichment,
    EnrichmentReference,
    EnrichmentUpdate,
)
from shared.domain.verdicts import apply_verdicts
from shared.observability import logger, tracer

DETAIL_BUDGET = bus.MAX_REQUEST_BYTES - bus.TIME_BYTES - len(OWN_EVENT_SOURCE) - len(ALERT_CORRELATED)
"""The bytes an enrichment may take as the ``detail`` of its events."""


KEEP_ATTEMPTS = 5
"""How often a write is tried again after a verdict (or another write) came in between (§18)."""


def keep(enrichment: Enrichment) -> Enrichment | None:
    """Stores the enrichment with the alert's standing verdicts applied (§18), and answers it as
    stored; None when a later correlation is stored already. The write is conditional on what was
    read, so a verdict given meanwhile is never lost: the verdicts are read again."""
    alert = enrichment.address
    for _ in range(KEEP_ATTEMPTS):
        stored = enrichment_store.stored_state(*alert)
        if stored.correlated_at is not None and stored.correlated_at > enrichment.correlated_at:
            return None
        standing = verdict_store.standing(alert) if stored.judged else []
        judged = apply_verdicts(enrichment.model_copy(update={"update": None}), standing)
        body = json.dumps(judged.to_json_dict(), separators=(",", ":"), ensure_ascii=False)
        listing = listing_of(judged)
        if enrichment_store.put_enrichment(*alert, body, judged.correlated_at, listing, stored.revision, stored.judged):
            return judged
    raise Busy(f"the enrichment of alert {enrichment.alert_id!r} kept changing while it was stored")


def _publish(detail_type: str, enrichment: Enrichment, update: EnrichmentUpdate | None = None) -> None:
    published = enrichment.model_copy(update={"update": update})
    body = published.to_json_dict()
    if not bus.fits(OWN_EVENT_SOURCE, detail_type, body):
        logger.info("enrichment too large for the bus: its event refers to the stored one")
        body = published.reference().to_json_dict()
    bus.publish(OWN_EVENT_SOURCE, detail_type, body)


def republish(enrichment: Enrichment, update: EnrichmentUpdate | None = None) -> None:
    """``Alert Enriched`` again for a stored enrichment (the notifications retry; a verdict, with
    ``update``), bounded as the first one was: it is stored, so a reference does when the whole
    would not fit."""
    _publish(ALERT_ENRICHED, enrichment, update)


def hand_to_enrich(enrichment: Enrichment) -> None:
    """``Alert Correlated`` for the enrich function; one too large for the bus is stored first,
    so the reference the event carries can be read."""
    if not bus.fits(OWN_EVENT_SOURCE, ALERT_CORRELATED, enrichment.to_json_dict()):
        keep(enrichment)
    _publish(ALERT_CORRELATED, enrichment)


@tracer.capture_method(capture_response=False)
def store_enrichment(enrichment: Enrichment) -> bool:
    """Keeps the result (replacing an earlier one, with the alert's verdicts applied) and tells
    the bus; False if a newer one exists."""
    stored = keep(enrichment)
    if stored is not None:
        _publish(ALERT_ENRICHED, stored)
    return stored is not None


def keep_and_publish(detail: Enrichment | EnrichmentReference) -> bool:
    """The enrich function's job for one ``Alert Correlated``. A reference's enrichment was kept
    by correlate before it published the reference, so it is only published."""
    if isinstance(detail, EnrichmentReference):
        _publish(ALERT_ENRICHED, get_enrichment(detail.alert_source_id, detail.alert_id))
        return True
    return store_enrichment(detail)


def enrichment_of(detail: Enrichment | EnrichmentReference) -> Enrichment:
    """The enrichment an event stands for: its detail, or the stored one it refers to."""
    return detail if isinstance(detail, Enrichment) else get_enrichment(detail.alert_source_id, detail.alert_id)


def get_enrichment(alert_source_id: str | None, alert_id: str) -> Enrichment:
    """The enrichment of the alert of that id that came through that source (None: through none)."""
    stored = enrichment_store.get_enrichment(alert_source_id, alert_id) if _storable(alert_id) else None
    if stored is None:
        raise NotFound(f"alert {alert_id!r} has not been correlated")
    return Enrichment.model_validate_json(stored)


def source_of(alert_id: str, alert_source_id: str | None) -> str | None:
    """The source ``/api/alerts/{alertId}/…`` means (§22): the one named by ``?source=``, else
    that of the alert of this id correlated last (one GetItem); 404 for an id never correlated."""
    if alert_source_id is not None:
        return alert_source_id
    correlated, latest = enrichment_store.latest_source(alert_id) if _storable(alert_id) else (False, None)
    if not correlated:
        raise NotFound(f"alert {alert_id!r} has not been correlated")
    return latest


def _storable(alert_id: str) -> bool:
    return 0 < len(alert_id) <= MAX_ALERT_ID_LENGTH
