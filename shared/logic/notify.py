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

from shared.adapters import notify_http
from shared.adapters.notify_http import DEFAULT_POLICY, DeliveryResult
from shared.adapters.store import notifications as claim_store
from shared.adapters.store.notifications import Taker
from shared.domain.models.alert_sources import AlertSourceType
from shared.domain.models.alerts import AlertAddress, Enrichment
from shared.domain.models.notifications import (
    ClaimStatus,
    IlertTarget,
    NotificationClaim,
    NotificationTarget,
    PagerDutyTarget,
    SlackAppTarget,
    SlackTarget,
    target_id,
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
from shared.domain.timestamps import utc_now
from shared.logic import slack_app
from shared.logic.notify_targets import page_url, planned_targets, targets_of
from shared.logic.rate_limit import FOLDED_NOTE, admitted
from shared.logic.slack_app import Delivery, Outbound, Send
from shared.logic.storm import MessagePlan, judged_message, message_plan
from shared.logic.watch_message import deployer_messages
from shared.observability import logger, tracer
from shared.settings import notify_settings

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


def request_for(
    target: NotificationTarget, context: NotificationContext, event_id: str
) -> OutboundRequest | Send | None:
    """The request a target gets, or None when it has nothing to say about this alert."""
    configured = notify_settings()
    if isinstance(target, SlackAppTarget):
        return slack_app.first_post(target, context)
    if isinstance(target, SlackTarget):
        return slack_request(context, str(target.webhook_url), target.always)
    if isinstance(target, PagerDutyTarget):
        return pagerduty_request(context, configured.pagerduty_api_url, target.api_token, str(target.from_email))
    if isinstance(target, IlertTarget):
        return ilert_request(context, configured.ilert_api_url, target.integration_key)
    return webhook_request(context, str(target.url), target.secret, event_id)


def _request_or_failure(target: NotificationTarget, context: NotificationContext, event_id: str) -> Outbound | None:
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


def _send(claimed: Claimed, request: Outbound) -> DeliveryResult:
    if isinstance(request, DeliveryResult):
        return request
    try:
        if isinstance(request, OutboundRequest):
            return notify_http.deliver(request, before_retry=claimed.renew)
        return request(claimed)
    except LeaseLost:
        raise
    except RenewalFailed as error:
        return DeliveryResult("retryable", None, f"renewing the {claimed.target_type} claim failed: {error}")
    except Exception as error:  # noqa: BLE001 - one target's fault must not stop the others (§22)
        return DeliveryResult(
            "failed", None, f"sending the {claimed.target_type} request failed: {type(error).__name__}"
        )


def status_after(result: DeliveryResult, claim: NotificationClaim) -> ClaimStatus:
    """Retryable stays pending until the claim's last invocation, which fails it."""
    if result.status == "delivered":
        return "delivered"
    return "pending" if result.status == "retryable" and claim.invocations < MAX_ATTEMPTS else "failed"


def _take(
    alert: AlertAddress, target: NotificationTarget, identity: str, taker: Taker, clock: Clock
) -> NotificationClaim | None:
    """The claim, now this invocation's; None when it was settled; ``NotificationsPending``
    while another invocation holds it. A group's message is claimed per signature (§18)."""
    redacted = view_of(target).target
    taken, claim = claim_store.claim(*alert, identity, target.type, redacted, taker, clock(), LEASE)
    if taken:
        return claim
    if claim is not None and claim.status == "pending":
        raise NotificationsPending(f"another invocation is notifying {target.type} for this alert")
    return None


def deliver_once(
    alert: AlertAddress,
    target: NotificationTarget,
    request: Outbound,
    invocation: str,
    clock: Clock,
    plan: MessagePlan,
    identity: str | None = None,
) -> Sent | None:
    """Claim, send, record; None when another invocation holds or settled the claim. The claim
    is the target's (a group's per signature; ``identity``: a follow-up's own), and its first
    request counts against its target's minute, or is folded (§18)."""
    taker = Taker(secrets.token_hex(8), invocation)
    claim = _take(alert, target, identity or target_id(target) + plan.claim_suffix, taker, clock)
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
    status = status_after(result, claim)
    if not claim_store.settle(*alert, claim.target_id, taker.holder, status, result.error, clock()):
        logger.warning("notification lease lost; its new holder records it", extra={"type": target.type})
        return None
    logger.info("notification", extra={"type": target.type, "status": status, "invocations": claim.invocations})
    if result.status == "retryable":
        raise NotificationsPending(f"{target.type} did not take the notification: {result.error}")
    return Sent(target.type, status)


def _deliver_each(
    alert: AlertAddress, deliveries: list[tuple[Delivery, MessagePlan]], invocation: str, clock: Clock
) -> tuple[list[Sent], list[str]]:
    """Each delivery tried whatever the others do: what was sent, and why others are pending."""
    sent, pending = [], []
    for (target, identity, request), plan in deliveries:
        if request is None:
            continue
        try:
            outcome = deliver_once(alert, target, request, invocation, clock, plan, identity)
        except NotificationsPending as error:
            pending.append(str(error))
            continue
        except Exception as error:  # noqa: BLE001 - the store failing for one target; the others go on
            logger.warning("notification not recorded", extra={"type": target.type, "error": type(error).__name__})
            pending.append(f"{target.type} could not be recorded: {type(error).__name__}")
            continue
        if outcome is not None:
            sent.append(outcome)
    return sent, pending


@tracer.capture_method(capture_response=False)
def notify(
    enrichment: Enrichment, event_id: str, invocation: str, clock: Clock = utc_now, update: str | None = None
) -> list[Sent]:
    """Every target of the alert, each once, each tried whatever the others do; raises
    ``NotificationsPending`` if any must be retried. ``invocation`` is the Lambda request id;
    ``update`` is what republished the enrichment (``verdict``), if anything did."""
    source = enrichment.alert.alert_source if enrichment.alert else None
    came_through = source.integration_type if source else None
    incident_id = enrichment.alert_id if came_through == AlertSourceType.PAGERDUTY.value else None
    context = NotificationContext.of(enrichment, page_url(enrichment.alert_id, enrichment.alert_source_id), incident_id)
    # A verdict's re-publication sends no first message again, to a group neither (§18): only follow-ups
    group_plan = message_plan(enrichment, context, clock()) if update is None else None
    targets = targets_of(enrichment)
    deliveries: list[tuple[Delivery, MessagePlan]] = [
        ((target, None, _request_or_failure(target, plan.context or context, event_id)), plan)
        for target, plan in planned_targets(targets, group_plan, context)
    ]
    unread = []
    try:  # Slack app edits and verdict notes (§18), each claimed on its own and never limited
        shown = judged_message(enrichment, context, update)
        follow_ups = slack_app.follow_ups(enrichment, update, targets, shown, event_id)
        follow_ups += deployer_messages(enrichment, targets, context)  # the deployer's direct message (§21)
        deliveries += [(delivery, MessagePlan(context, limited=False)) for delivery in follow_ups]
    except Exception as error:  # noqa: BLE001 - the store failing: retried as a whole, the others go on
        unread.append(f"follow-ups could not be read: {type(error).__name__}")
    sent, pending = _deliver_each(enrichment.address, deliveries, invocation, clock)
    if pending or unread:
        raise NotificationsPending("; ".join([*pending, *unread]))
    return sent
