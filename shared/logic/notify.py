"""Notifications (§13, §22): each enrichment posted where responders look, once per target.

For each target of the alert's source (created or registered; else ``DefaultNotifications``),
and the ``EnrichmentWebhookUrl`` whatever the source has: a claim per (source, alert, target),
taken, sent under and settled by ``claims`` as forwards are, and a redrive or the retry route
opens a failed one again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from shared.adapters import notify_http
from shared.adapters.notify_http import DeliveryResult
from shared.domain import keys
from shared.domain.models.alert_sources import AlertSourceType
from shared.domain.models.alerts import AlertAddress, Enrichment
from shared.domain.models.notifications import (
    IlertTarget,
    NotificationClaim,
    NotificationTarget,
    PagerDutyTarget,
    SlackAppTarget,
    SlackTarget,
    target_id,
    view_of,
)
from shared.domain.notifications.context import NotificationContext, OutboundRequest
from shared.domain.notifications.plain_text import ilert_request, pagerduty_request
from shared.domain.notifications.slack import slack_request
from shared.domain.notifications.webhook import webhook_request
from shared.domain.timestamps import utc_now
from shared.logic import claims, slack_app
from shared.logic.claims import Clock, Fold, Pending, Sent
from shared.logic.notify_targets import page_url, planned_targets, targets_of
from shared.logic.rate_limit import FOLDED_NOTE, admitted
from shared.logic.slack_app import Delivery, Outbound, Send
from shared.logic.storm import MessagePlan, judged_message, message_plan
from shared.logic.watch_message import deployer_messages
from shared.observability import tracer
from shared.settings import notify_settings


class NotificationsPending(Pending):
    """Some target is not notified yet; Lambda retries the invocation, then dead-letters it."""


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
class _AlertClaim:
    """A held claim as a Slack app's delivery sees it: with the alert and claim it is for."""

    alert: AlertAddress
    target_id: str
    held: claims.Held

    @property
    def holder(self) -> str:
        return self.held.holder

    def renew(self) -> None:
        self.held.renew()


def _send(alert: AlertAddress, claim_id: str, request: Outbound, held: claims.Held) -> DeliveryResult:
    if isinstance(request, DeliveryResult):
        return request
    if isinstance(request, OutboundRequest):
        return notify_http.deliver(request, before_retry=held.renew)
    return request(_AlertClaim(alert, claim_id, held))


def _fold(target: NotificationTarget, plan: MessagePlan, request: Outbound) -> Fold | None:
    """A limited message's first request counts against its target's minute, or is folded (§18)."""
    context = plan.context
    if not plan.limited or context is None or not isinstance(request, OutboundRequest):
        return None

    def folded(claim: NotificationClaim) -> str | None:
        first = claim.attempts == 1
        return FOLDED_NOTE if first and not admitted(target, context, claim.target_id) else None

    return folded


def _job(
    alert: AlertAddress, target: NotificationTarget, request: Outbound, plan: MessagePlan, identity: str | None
) -> claims.Job:
    """The target's claim (a group's per signature, §18; ``identity``: a follow-up's own)."""
    claim_id = identity or target_id(target) + plan.claim_suffix
    return claims.Job(
        kind="notification",
        key=keys.notification_key(*alert, claim_id),
        target_id=claim_id,
        target_type=target.type,
        shown=view_of(target).target,
        send=partial(_send, alert, claim_id, request),
        folded=_fold(target, plan, request),
    )


def deliver_once(
    alert: AlertAddress,
    target: NotificationTarget,
    request: Outbound,
    invocation: str,
    clock: Clock,
    plan: MessagePlan,
    identity: str | None = None,
) -> Sent | None:
    """Claim, send, record; None when another invocation holds or settled the claim."""
    return claims.send_once(_job(alert, target, request, plan, identity), invocation, clock)


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
    jobs = [
        _job(enrichment.address, target, request, plan, identity)
        for (target, identity, request), plan in deliveries
        if request is not None
    ]
    sent, pending = claims.send_each(jobs, invocation, clock)
    if pending or unread:
        raise NotificationsPending("; ".join([*pending, *unread]))
    return sent
