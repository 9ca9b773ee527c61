"""The fold message (§18): once a minute is over, a target's alerts folded past
``NotificationsPerMinute`` go out as one message, claimed and fenced as every notification (§22).

The minute's entries are closed before they are read (later folds go to the next minute) and stay
stored, so a flush that runs twice builds the same message, and its claim sends it once.
"""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import notify_rates
from shared.domain.models.alerts import AlertAddress
from shared.domain.models.notifications import NotificationTarget, SlackTarget, WebhookTarget, target_id
from shared.domain.notifications.context import OutboundRequest
from shared.domain.notifications.fold import FoldView, slack_fold_request, webhook_fold_request
from shared.domain.timestamps import utc_now
from shared.logic.claims import Clock, Sent
from shared.logic.notify import deliver_once
from shared.logic.notify_targets import default_targets, enrichment_webhook, source_targets
from shared.logic.storm import MessagePlan
from shared.observability import logger

FOLD_CLAIM_SUFFIX = "@fold"


def fold_address(alert_source_id: str | None, minute: datetime) -> AlertAddress:
    """Where a fold's claim is kept: beside the alerts of the source it folded, under the minute,
    with a claim suffix no alert's claim has."""
    return AlertAddress(alert_source_id, f"fold:{minute:%Y-%m-%dT%H:%M}")


def target_named(alert_source_id: str | None, identity: str) -> NotificationTarget | None:
    """The target of that id among the source's (else the defaults) and the enrichment webhook."""
    own = source_targets(alert_source_id) if alert_source_id else []
    webhook = enrichment_webhook()
    candidates = [*(own or default_targets()), *([webhook] if webhook else [])]
    return next((target for target in candidates if target_id(target) == identity), None)


def fold_request(target: NotificationTarget, fold: FoldView, event_id: str) -> OutboundRequest | None:
    if isinstance(target, SlackTarget):
        return slack_fold_request(fold, str(target.webhook_url))
    if isinstance(target, WebhookTarget):
        return webhook_fold_request(fold, str(target.url), target.secret, event_id)
    return None


def flush(identity: str, minute: datetime, invocation: str, clock: Clock = utc_now) -> Sent | None:
    """Sends the target's fold of ``minute`` once; raises ``claims.Pending`` to be retried."""
    folded = notify_rates.flushing(identity, minute)
    if folded is None:
        return None
    target = target_named(folded.alert_source_id, identity)
    if target is None:
        logger.warning("folded notifications dropped: their target is gone", extra={"folded": len(folded.entries)})
        return None
    fold = FoldView.of(minute, folded.entries, folded.uncounted)
    event_id = f"fold-{identity}-{minute:%Y%m%dT%H%M}"
    request = fold_request(target, fold, event_id)
    if request is None:
        return None
    address = fold_address(folded.alert_source_id, minute)
    return deliver_once(address, target, request, invocation, clock, MessagePlan(None, FOLD_CLAIM_SUFFIX))
