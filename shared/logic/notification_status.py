"""Where an alert's enrichment was posted (§13): ``GET /api/alerts/{id}/notifications``.

Apart from ``notify`` so that the admin API reads statuses without loading the messages' models
and the HTTP client.
"""

from __future__ import annotations

from shared.adapters.store import notifications as claim_store
from shared.domain.errors import NotFound
from shared.domain.models.alerts import MAX_ALERT_ID_LENGTH
from shared.domain.models.notifications import NotificationClaim, NotificationStatus


def notifications_of(alert_id: str) -> list[NotificationStatus]:
    """``GET /api/alerts/{id}/notifications``; 404 for an alert never seen."""
    seen, claims = claim_store.alert_items(alert_id) if 0 < len(alert_id) <= MAX_ALERT_ID_LENGTH else (False, [])
    if not seen:
        raise NotFound(f"alert {alert_id!r} has not been seen")
    return [_status(claim) for claim in claims]


def _status(claim: NotificationClaim) -> NotificationStatus:
    return NotificationStatus(
        type=claim.type,
        target=claim.target,
        status=claim.status,
        attempts=claim.attempts,
        last_error=claim.last_error,
        delivered_at=claim.delivered_at,
    )
