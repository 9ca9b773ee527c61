"""At most ``NotificationsPerMinute`` messages a minute per target (§18): each message first takes
from its target's counter of the minute; past the limit the alert is folded into that minute's
one message instead, which the fold function sends once the minute is over.

Slack messages and webhooks are limited; PagerDuty notes and ilert comments are not: each goes to
its own incident or alert, and a fold of several would belong to none of them.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from shared.adapters import fold_queue
from shared.adapters.store import notify_rates
from shared.domain.models.notifications import NotificationTarget, SlackTarget, WebhookTarget, target_id
from shared.domain.notifications.context import NotificationContext
from shared.domain.notifications.fold import fold_entry
from shared.domain.notifications.text import alert_title
from shared.domain.timestamps import utc_now
from shared.observability import logger
from shared.settings import notify_settings

FLUSH_AFTER_MINUTE = timedelta(seconds=10)
"""A message counted just before the minute ended may be folded just after: the flush waits."""
FOLDED_NOTE = "folded into the minute's summary message (NotificationsPerMinute)"


def is_limited(target: NotificationTarget) -> bool:
    """The targets a fold message can be sent to (``shared.domain.notifications.fold``)."""
    return isinstance(target, SlackTarget | WebhookTarget)


def admitted(target: NotificationTarget, context: NotificationContext, claim_id: str) -> bool:
    """True when the message may go out now; else it is folded (kept, and sent after the minute)."""
    if not is_limited(target):
        return True
    now = utc_now()
    identity = target_id(target)
    if notify_rates.take(identity, now, notify_settings().notifications_per_minute):
        return True
    source = context.enrichment.alert_source_id
    digest = hashlib.sha256(f"{source}\n{context.alert_id}\n{claim_id}".encode("utf-8", "surrogatepass")).hexdigest()
    entry = fold_entry(context.report_time, digest[:16], alert_title(context))
    unscheduled = notify_rates.fold(identity, now, source, entry)
    if unscheduled is not None:
        wait = unscheduled + timedelta(minutes=1) + FLUSH_AFTER_MINUTE - now
        fold_queue.schedule_flush(identity, unscheduled, int(wait.total_seconds()) + 1)
        notify_rates.mark_scheduled(identity, unscheduled)
    logger.info("notification folded", extra={"type": target.type})
    return False
