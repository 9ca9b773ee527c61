"""Notifications (§13): each enrichment posted where responders look, once per target.

For each target of the alert's source (created or registered; else ``DefaultNotifications``,
plus ``EnrichmentWebhookUrl``): claim (alert, target) with a conditional write, send, record the
outcome. A claim left pending by a crashed invocation is taken over once its minute's lease has
run out, so a request is lost never and repeated at most once. Retryable failures raise, so
Lambda retries the invocation; the last attempt marks the claim failed and dead-letters the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from shared.adapters import notify_http
from shared.adapters.secrets import secure_parameter
from shared.adapters.store import notifications as claim_store
from shared.adapters.store.client import batch_get
from shared.domain import keys
from shared.domain.models.alert_sources import AlertSourceType
from shared.domain.models.alerts import Enrichment
from shared.domain.models.notifications import (
    IlertTarget,
    NotificationTarget,
    PagerDutyTarget,
    SlackTarget,
    WebhookTarget,
    target_id,
    targets_adapter,
    view_of,
)
from shared.domain.notifications import (
    NotificationContext,
    OutboundRequest,
    ilert_request,
    pagerduty_request,
    slack_request,
    webhook_request,
)
from shared.observability import logger, tracer
from shared.settings import default_notification_targets, notify_settings

LEASE = timedelta(minutes=1)
MAX_ATTEMPTS = 3
"""The first invocation and Lambda's two asynchronous retries (``EventInvokeConfig``)."""


class NotificationsPending(Exception):
    """Some target is not notified yet; Lambda retries the invocation, then dead-letters it."""


def default_targets() -> tuple[NotificationTarget, ...]:
    """``DefaultNotifications``, and the enrichment webhook of §6 as one more target (its
    secret is cached by the parameters utility, so this costs no SSM call per invocation)."""
    configured = notify_settings()
    targets = list(default_notification_targets())
    if configured.enrichment_webhook_url:
        secret = secure_parameter(configured.enrichment_webhook_secret_parameter)
        targets.append(WebhookTarget(type="WEBHOOK", url=configured.enrichment_webhook_url, secret=secret))
    return tuple(targets)


def source_targets(alert_source_id: str) -> list[NotificationTarget]:
    """The targets of the alert's source, created or registered: one BatchGetItem for both."""
    if not keys_are_storable(alert_source_id):
        return []
    created, registered = keys.created_alert_source_key(alert_source_id), keys.alert_source_key(alert_source_id)
    for values in batch_get([created, registered]):
        if values.get("notifications"):
            return list(targets_adapter().validate_python(values["notifications"]))
    return []


def keys_are_storable(resource_id: str) -> bool:
    return 0 < len(resource_id) <= 128 and "#" not in resource_id


def page_url(alert_id: str) -> str:
    return f"{notify_settings().public_url.rstrip('/')}/?alert={quote(alert_id, safe='')}"


def request_for(target: NotificationTarget, context: NotificationContext, event_id: str) -> OutboundRequest | None:
    """The request a target gets, or None when it has nothing to say about this alert."""
    configured = notify_settings()
    if isinstance(target, SlackTarget):
        return slack_request(context, str(target.webhook_url), target.always)
    if isinstance(target, PagerDutyTarget):
        return pagerduty_request(context, configured.pagerduty_api_url, target.api_token, str(target.from_email))
    if isinstance(target, IlertTarget):
        return ilert_request(context, configured.ilert_api_url, target.integration_key)
    return webhook_request(context, str(target.url), target.secret, event_id)


@dataclass(frozen=True)
class Sent:
    type: str
    status: str


def _deliver(alert_id: str, target: NotificationTarget, request: OutboundRequest, now: datetime) -> Sent | None:
    """Claim, send, record; None when another invocation holds or settled the claim."""
    redacted = view_of(target).target
    taken, claim = claim_store.claim(alert_id, target_id(target), target.type, redacted, now, LEASE)
    if not taken:
        if claim is not None and claim.status == "pending":
            raise NotificationsPending(f"another invocation is notifying {target.type} for this alert")
        return None
    assert claim is not None  # noqa: S101 - a taken claim is returned
    result = notify_http.deliver(request)
    if result.status == "delivered":
        settled = claim.model_copy(update={"status": "delivered", "delivered_at": now, "last_error": None})
    elif result.status == "failed" or claim.attempts >= MAX_ATTEMPTS:
        settled = claim.model_copy(update={"status": "failed", "last_error": result.error})
    else:
        settled = claim.model_copy(update={"lease_until": now, "last_error": result.error})
    claim_store.settle(alert_id, settled, now)
    logger.info("notification", extra={"type": target.type, "status": settled.status, "attempts": claim.attempts})
    if result.status == "retryable":
        raise NotificationsPending(f"{target.type} did not take the notification: {result.error}")
    return Sent(target.type, settled.status)


@tracer.capture_method(capture_response=False)
def notify(enrichment: Enrichment, event_id: str, now: datetime) -> list[Sent]:
    """Every target of the alert, each once; raises ``NotificationsPending`` if any must be retried."""
    source = enrichment.alert.alert_source if enrichment.alert else None
    targets = source_targets(source.id) if source and source.id else []
    targets = [*(targets or default_targets())]
    came_through = source.integration_type if source else None
    incident_id = enrichment.alert_id if came_through == AlertSourceType.PAGERDUTY.value else None
    context = NotificationContext.of(enrichment, page_url(enrichment.alert_id), incident_id)
    sent, pending = [], []
    for target in targets:
        request = request_for(target, context, event_id)
        if request is None:
            continue
        try:
            outcome = _deliver(enrichment.alert_id, target, request, now)
        except NotificationsPending as error:
            pending.append(str(error))
            continue
        if outcome is not None:
            sent.append(outcome)
    if pending:
        raise NotificationsPending("; ".join(pending))
    return sent
