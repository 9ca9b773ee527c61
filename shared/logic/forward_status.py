"""``GET /api/deployment-events/{id}/forwards`` (§21): how each forwarder took a change."""

from __future__ import annotations

from shared.adapters.store import forwards as forward_store
from shared.domain.models.forwarders import ForwardStatus
from shared.logic import overview


def forwards_of(event_id: str) -> list[ForwardStatus]:
    """Each forwarder's outcome, with its annotation's ``failed`` tag; 404 for an unknown change."""
    overview.get_event(event_id)
    stored = forward_store.forwards_of(event_id)
    tags = {forward.claim.target_id: forward.claim.status for forward in stored if forward.failed_tag}
    return [
        ForwardStatus(
            type=forward.claim.type,
            target=forward.claim.target,
            status=forward.claim.status,
            attempts=forward.claim.attempts,
            last_error=forward.claim.last_error,
            delivered_at=forward.claim.delivered_at,
            failed_tag=tags.get(forward.claim.target_id),
        )
        for forward in stored
        if not forward.edit
    ]
