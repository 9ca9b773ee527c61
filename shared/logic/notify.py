"""Notifications (§13, §22): each enrichment posted where responders look, once per target.

For each target of the alert's source (created or registered; else ``DefaultNotifications``),
and the ``EnrichmentWebhookUrl`` whatever the source has: claim (source, alert, target) with a
conditional write naming a holder of its own, send, record the outcome only if the claim is
still its own. The lease outlasts one attempt and is renewed before each retry, so a claim is
taken over only from a holder that crashed: a request is lost never and repeated at most once.
Retryable failures raise, so Lambda retries the invocation; the last attempt marks the claim
failed and dead-letters the event, and a redrive or the retry route opens it again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from shared.adapters import envelope, notify_http
from shared.adapters.notify_http import DEFAULT_POLICY, DeliveryResult
from shared.adapters.secrets import secure_parameter
from shared.adapters.store import notifications as claim_store
from shared.adapters.store.client import batch_get
from shared.adapters.store.notifications import Taker
from shared.domain import keys
from shared.domain.models.alert_sources import AlertSourceRecord, AlertSourceType
from shared.domain.models.alerts import AlertAddress, Enrichment
from shared.domain.models.notifications import (
    REGISTERED_SOURCE_KIND,
    ClaimStatus,
    IlertTarget,
    NotificationClaim,
    NotificationTarget,
    PagerDutyTarget,
    SlackTarget,
    WebhookTarget,
    opened_target,
    stored_targets_adapter,
    target_id,
    view_of,
)
from shared.domain.models.sealed import SecretPlace
from shared.domain.notifications import (
    NotificationContext,
    OutboundRequest,
    ilert_request,
    pagerduty_request,
    slack_request,
    webhook_request,
)
from shared.domain.timestamps import utc_now
from shared.logic.rate_limit import FOLDED_NOTE, admitted
from shared.logic.storm import MessagePlan, message_plan
from shared.observability import logger, tracer
from shared.settings import default_notification_targets, notify_settings

LEASE = timedelta(seconds=DEFAULT_POLICY.worst_case_attempt_seconds + 20)
"""One attempt at its worst (the longest wait, then the timeout: 40 s) and 20 s for the records
around it: a minute, renewed before each retry."""
MAX_ATTEMPTS = 3
"""The first invocation and Lambda's two asynchronous retries (``EventInvokeConfig``)."""

Clock = Callable[[], datetime]


class NotificationsPending(Exception):
    """Some target is not notified yet; Lambda retries the invocation, then dead-letters it."""


class LeaseLost(Exception):
    """The claim was taken over while its request was retried: the new holder records it."""


class RenewalFailed(Exception):
    """The store could not renew the lease: sending stops, and the invocation is retried."""


def default_targets() -> tuple[NotificationTarget, ...]:
    """``DefaultNotifications``: for alerts whose source has no targets of its own; an invalid
    entry was reported and skipped when the function started (§22)."""
    return default_notification_targets()


def enrichment_webhook() -> WebhookTarget | None:
    """The enrichment webhook of §6, for every alert (its secret is cached by the parameters
    utility, so this costs no SSM call per invocation)."""
    configured = notify_settings()
    if not configured.enrichment_webhook_url:
        return None
    secret = secure_parameter(configured.enrichment_webhook_secret_parameter)
    return WebhookTarget(type="WEBHOOK", url=configured.enrichment_webhook_url, secret=secret)


def source_targets(alert_source_id: str) -> list[NotificationTarget]:
    """The targets of the alert's source, created or registered: one BatchGetItem for both;
    each opened here, to be sent to (§22)."""
    if not keys_are_storable(alert_source_id):
        return []
    created, registered = keys.created_alert_source_key(alert_source_id), keys.alert_source_key(alert_source_id)
    for values in batch_get([created, registered]):
        if values.get("notifications"):
            kind = AlertSourceRecord.record_kind if values["PK"] == created.pk else REGISTERED_SOURCE_KIND
            place = SecretPlace(kind, alert_source_id, "notifications")
            stored = stored_targets_adapter().validate_python(values["notifications"])
            return [opened_target(target, place, envelope.open_secret) for target in stored]
    return []


def targets_of(enrichment: Enrichment) -> list[NotificationTarget]:
    """The source's targets (else the defaults) and the enrichment webhook, each once."""
    source = enrichment.alert.alert_source if enrichment.alert else None
    own = source_targets(source.id) if source and source.id else []
    webhook = enrichment_webhook()
    unique: dict[str, NotificationTarget] = {}
    for target in [*(own or default_targets()), *([webhook] if webhook else [])]:
        unique.setdefault(target_id(target), target)
    return list(unique.values())


def planned_targets(
    enrichment: Enrichment, group_plan: MessagePlan | None, context: NotificationContext
) -> list[tuple[NotificationTarget, MessagePlan]]:
    """The enrichment webhook gets every enrichment, the alert's own and unlimited (§6, §22); the
    other targets the planned message (a group's, §18), or nothing when the plan is None."""
    webhook = enrichment_webhook()
    webhook_id = target_id(webhook) if webhook else None
    own = MessagePlan(context, limited=False)
    if group_plan is None:
        return [(webhook, own)] if webhook else []
    return [(target, own if target_id(target) == webhook_id else group_plan) for target in targets_of(enrichment)]


def keys_are_storable(resource_id: str) -> bool:
    return 0 < len(resource_id) <= 128 and "#" not in resource_id


def page_url(alert_id: str, alert_source_id: str | None) -> str:
    """The alert's page; with its source, so that it shows this alert whichever other source's
    alert of the same id was correlated since (§22)."""
    source = f"&source={quote(alert_source_id, safe='')}" if alert_source_id else ""
    return f"{notify_settings().public_url.rstrip('/')}/?alert={quote(alert_id, safe='')}{source}"


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


def _request_or_failure(
    target: NotificationTarget, context: NotificationContext, event_id: str
) -> OutboundRequest | DeliveryResult | None:
    """A request that cannot even be built is a failure of its target alone, named by type."""
    try:
        return request_for(target, context, event_id)
    except Exception as error:  # noqa: BLE001 - one target's fault must not stop the others (§22)
        return DeliveryResult("failed", None, f"building the {target.type} request failed: {type(error).__name__}")


@dataclass(frozen=True)
class Sent:
    type: str
    status: str


@dataclass(frozen=True)
class Claimed:
    """A claim this invocation holds: where it is, and who holds it."""

    alert: AlertAddress
    target_type: str
    target_id: str
    holder: str
    clock: Clock

    def renew(self) -> None:
        """Before each retry: the lease extended, the request counted, or ``LeaseLost``."""
        try:
            renewed = claim_store.renew(*self.alert, self.target_id, self.holder, self.clock(), LEASE)
        except Exception as error:  # noqa: BLE001 - named by type, then retried as a whole
            raise RenewalFailed(type(error).__name__) from None
        if not renewed:
            raise LeaseLost(self.target_type)


def _send(claimed: Claimed, request: OutboundRequest | DeliveryResult) -> DeliveryResult:
    if isinstance(request, DeliveryResult):
        return request
    try:
        return notify_http.deliver(request, before_retry=claimed.renew)
    except LeaseLost:
        raise
    except RenewalFailed as error:
        return DeliveryResult("retryable", None, f"renewing the {claimed.target_type} claim failed: {error}")
    except Exception as error:  # noqa: BLE001 - one target's fault must not stop the others (§22)
        return DeliveryResult(
            "failed", None, f"sending the {claimed.target_type} request failed: {type(error).__name__}"
        )


def _status_after(result: DeliveryResult, claim: NotificationClaim) -> ClaimStatus:
    """Retryable stays pending until the claim's last invocation, which fails it."""
    if result.status == "delivered":
        return "delivered"
    return "pending" if result.status == "retryable" and claim.invocations < MAX_ATTEMPTS else "failed"


def _take(
    alert: AlertAddress, target: NotificationTarget, taker: Taker, clock: Clock, claim_suffix: str = ""
) -> NotificationClaim | None:
    """The claim, now this invocation's; None when it was settled; ``NotificationsPending``
    while another invocation holds it. A group's message is claimed per signature (§18)."""
    identity, redacted = target_id(target) + claim_suffix, view_of(target).target
    taken, claim = claim_store.claim(*alert, identity, target.type, redacted, taker, clock(), LEASE)
    if taken:
        return claim
    if claim is not None and claim.status == "pending":
        raise NotificationsPending(f"another invocation is notifying {target.type} for this alert")
    return None


def deliver_once(
    alert: AlertAddress,
    target: NotificationTarget,
    request: OutboundRequest | DeliveryResult,
    invocation: str,
    clock: Clock,
    plan: MessagePlan,
) -> Sent | None:
    """Claim, send, record; None when another invocation holds or settled the claim. A claim's
    first request counts against its target's minute, or is folded (§18)."""
    taker = Taker(secrets.token_hex(8), invocation)
    claim = _take(alert, target, taker, clock, plan.claim_suffix)
    if claim is None:
        return None
    first = plan.limited and claim.attempts == 1 and isinstance(request, OutboundRequest)
    limited = plan.context if first else None
    if limited is not None and not admitted(target, limited, claim.target_id):
        claim_store.settle(*alert, claim.target_id, taker.holder, "delivered", FOLDED_NOTE, clock())
        return Sent(target.type, "folded")
    claimed = Claimed(alert, target.type, claim.target_id, taker.holder, clock)
    try:
        result = _send(claimed, request)
    except LeaseLost:
        logger.warning("notification lease lost before a retry", extra={"type": target.type})
        return None
    status = _status_after(result, claim)
    if not claim_store.settle(*alert, claim.target_id, taker.holder, status, result.error, clock()):
        logger.warning("notification lease lost; its new holder records it", extra={"type": target.type})
        return None
    logger.info("notification", extra={"type": target.type, "status": status, "invocations": claim.invocations})
    if result.status == "retryable":
        raise NotificationsPending(f"{target.type} did not take the notification: {result.error}")
    return Sent(target.type, status)


@tracer.capture_method(capture_response=False)
def notify(enrichment: Enrichment, event_id: str, invocation: str, clock: Clock = utc_now) -> list[Sent]:
    """Every target of the alert, each once, each tried whatever the others do; raises
    ``NotificationsPending`` if any must be retried. ``invocation`` is the Lambda request id."""
    source = enrichment.alert.alert_source if enrichment.alert else None
    came_through = source.integration_type if source else None
    incident_id = enrichment.alert_id if came_through == AlertSourceType.PAGERDUTY.value else None
    context = NotificationContext.of(enrichment, page_url(enrichment.alert_id, enrichment.alert_source_id), incident_id)
    sent, pending = [], []
    for target, plan in planned_targets(enrichment, message_plan(enrichment, context, clock()), context):
        request = _request_or_failure(target, plan.context or context, event_id)
        if request is None:
            continue
        try:
            outcome = deliver_once(enrichment.address, target, request, invocation, clock, plan)
        except NotificationsPending as error:
            pending.append(str(error))
            continue
        except Exception as error:  # noqa: BLE001 - the store failing for one target; the others go on
            logger.warning("notification not recorded", extra={"type": target.type, "error": type(error).__name__})
            pending.append(f"{target.type} could not be recorded: {type(error).__name__}")
            continue
        if outcome is not None:
            sent.append(outcome)
    if pending:
        raise NotificationsPending("; ".join(pending))
    return sent
