"""Responders' verdicts (§18): given through the API or Slack (the ``Verdict Given`` event),
withdrawn, listed; each one re-applied to the alert's stored enrichment, which is published
again (``Alert Enriched`` with ``"update": "verdict"``), and remembered for later alerts of
the same kind (§17's ``FEEDBACK``)."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import enrichments as enrichment_store
from shared.adapters.store import verdicts as verdict_store
from shared.domain.errors import Busy, NotFound
from shared.domain.models.alerts import AlertAddress, Enrichment
from shared.domain.models.verdicts import (
    ADMIN_AUTHOR,
    MAX_EVENT_ID_LENGTH,
    Verdict,
    VerdictKind,
    VerdictList,
    VerdictRequest,
)
from shared.domain.verdicts import alert_kind
from shared.logic.enrichment import KEEP_ATTEMPTS, get_enrichment, keep, republish, source_of
from shared.logic.failures import mark_verdict
from shared.observability import count, logger


def _kind_of(enrichment: Enrichment) -> str | None:
    context = enrichment.alert
    return alert_kind(context.labels, context.alert_source) if context else None


def _judged_again(alert: AlertAddress) -> Enrichment:
    """The stored enrichment with the standing verdicts applied, stored and published again; read
    again when a correlation replaced it meanwhile, so the verdict applies to the newest one."""
    for _ in range(KEEP_ATTEMPTS):
        judged = keep(get_enrichment(*alert))
        if judged is not None:
            republish(judged, "verdict")
            return judged
    raise Busy(f"the enrichment of alert {alert.alert_id!r} kept changing while the verdict was applied")


def record_verdict(alert: AlertAddress, event_id: str, request: VerdictRequest, now: datetime) -> Enrichment:
    """Gives the verdict on a change the alert's enrichment lists (404 otherwise) and answers the
    enrichment as it now stands."""
    current = get_enrichment(*alert)
    if all(deployment.id != event_id for deployment in current.deployments):
        raise NotFound(f"alert {alert.alert_id!r} lists no change {event_id!r}")
    verdict = Verdict(
        event_id=event_id,
        verdict=request.verdict,
        author=request.author or ADMIN_AUTHOR,
        given_at=now,
        note=request.note,
    )
    verdict_store.give(alert, verdict, current.correlated_at)
    mark_verdict(event_id, caused=verdict.verdict == VerdictKind.CAUSED)
    kind = _kind_of(current)
    if kind is not None:
        verdict_store.note_feedback(kind, alert, verdict, now)
    count("Verdicts", verdict=verdict.verdict.value)
    return _judged_again(alert)


def give_verdict(
    alert_id: str, alert_source_id: str | None, event_id: str, request: VerdictRequest, now: datetime
) -> Enrichment:
    """``PUT /api/alerts/{alertId}/deployments/{eventId}/verdict``."""
    return record_verdict(AlertAddress(source_of(alert_id, alert_source_id), alert_id), event_id, request, now)


def withdraw_verdict(alert_id: str, alert_source_id: str | None, event_id: str, now: datetime) -> Enrichment:
    """``DELETE …/verdict``: 404 when the alert is unknown or no verdict stands on the change."""
    alert = AlertAddress(source_of(alert_id, alert_source_id), alert_id)
    current = get_enrichment(*alert)
    withdrawn = (
        verdict_store.withdraw(alert, event_id, now, current.correlated_at)
        if len(event_id) <= MAX_EVENT_ID_LENGTH
        else None
    )
    if withdrawn is None:
        raise NotFound(f"no verdict stands on change {event_id!r} of alert {alert_id!r}")
    mark_verdict(event_id, caused=False)
    kind = _kind_of(current)
    if kind is not None:
        verdict_store.forget_feedback(kind, alert, event_id)
    return _judged_again(alert)


def verdicts_of(alert_id: str, alert_source_id: str | None) -> VerdictList:
    """``GET /api/alerts/{alertId}/verdicts``: those standing and every one given or withdrawn."""
    alert = AlertAddress(source_of(alert_id, alert_source_id), alert_id)
    if enrichment_store.stored_state(*alert).correlated_at is None:
        raise NotFound(f"alert {alert_id!r} has not been correlated")
    standing, history = verdict_store.all_of(alert)
    return VerdictList(alert_id=alert_id, alert_source_id=alert.alert_source_id, verdicts=standing, history=history)


def feedback_for(kind: str | None) -> dict[str, VerdictKind]:
    """How responders judged changes on earlier alerts of this kind (one Query; none without a kind)."""
    return verdict_store.feedback_of(kind) if kind else {}


def record_given(alert: AlertAddress, event_id: str, request: VerdictRequest, now: datetime) -> bool:
    """A ``Verdict Given`` from the bus (Slack's buttons), recorded as the API records one; False,
    with a log line, for an alert or change that is not (or no longer) there, which no retry mends."""
    try:
        record_verdict(alert, event_id, request, now)
    except NotFound:
        logger.warning("verdict not recorded: no such alert or change", extra={"alert_id": alert.alert_id})
        return False
    return True
