"""Where an alert's enrichment was posted (§13): ``GET /api/alerts/{id}/notifications``, and
``POST …/notifications/retry``, which tries the failed targets again (§22).

Apart from ``notify`` so that the admin API reads statuses without loading the messages' models
and the HTTP client.
"""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import notifications as claim_store
from shared.domain.errors import NotFound
from shared.domain.models.alerts import MAX_ALERT_ID_LENGTH
from shared.domain.models.notifications import NotificationClaim, NotificationStatus
from shared.logic.enrichment import get_enrichment, republish, source_of


def notifications_of(alert_id: str, alert_source_id: str | None) -> list[NotificationStatus]:
    """``GET /api/alerts/{id}/notifications[?source=]``; 404 for an alert never seen."""
    source = source_of(alert_id, alert_source_id)
    seen, claims = (
        claim_store.alert_items(source, alert_id) if 0 < len(alert_id) <= MAX_ALERT_ID_LENGTH else (False, [])
    )
    if not seen:
        raise NotFound(f"alert {alert_id!r} has not been seen")
    return [_status(claim) for claim in claims]


def retry_notifications(alert_id: str, alert_source_id: str | None, now: datetime) -> list[NotificationStatus]:
    """Failed targets pending again, and the enrichment put on the bus again so that the notify
    function tries them (a delivered target is not notified twice); 404 without an enrichment.
    Answers the targets waiting for that retry, also those an earlier call reopened."""
    source = source_of(alert_id, alert_source_id)
    enrichment = get_enrichment(source, alert_id)
    _, claims = claim_store.alert_items(source, alert_id)
    current = [
        claim_store.reopen(source, alert_id, claim.target_id, now) if claim.status == "failed" else claim
        for claim in claims
    ]
    waiting = [claim for claim in current if claim is not None and claim.status == "pending" and claim.holder is None]
    if waiting:
        republish(enrichment)
    return [_status(claim) for claim in waiting]


def _status(claim: NotificationClaim) -> NotificationStatus:
    return NotificationStatus(
        type=claim.type,
        target=claim.target,
        status=claim.status,
        attempts=claim.attempts,
        last_error=claim.last_error,
        delivered_at=claim.delivered_at,
    )
