"""Slack as an app (§18), and what a later enrichment of an alert adds to its notifications.

- The first post of a ``SLACK_APP`` target: ``chat.postMessage``, its ``channel`` and ``ts`` kept
  on the target's claim.
- Follow-ups, each under a claim of its own beside the first (so each is sent once, as §13's
  first notification, and a redelivered event repeats none): when a later ``Alert Enriched``
  (a re-correlation, a verdict) changes what the message shows, ``chat.update`` and one reply in
  its thread saying what changed; when a verdict confirms a cause, one note on the PagerDuty
  incident or one comment on the ilert alert naming it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Protocol

from shared.adapters import slack_api
from shared.adapters.notify_http import DeliveryResult
from shared.adapters.store import slack_messages
from shared.domain.models.alerts import AlertAddress, Enrichment
from shared.domain.models.notifications import (
    IlertTarget,
    NotificationTarget,
    PagerDutyTarget,
    SlackAppTarget,
    WebhookTarget,
    target_id,
)
from shared.domain.notifications.context import NotificationContext, OutboundRequest
from shared.domain.notifications.plain_text import ilert_request, pagerduty_request
from shared.domain.notifications.slack_app import (
    SlackAppMessage,
    change_line,
    confirmed_cause_text,
    confirmed_causes,
    slack_app_message,
)
from shared.domain.notifications.webhook import webhook_request
from shared.logic.notify_targets import enrichment_webhook
from shared.logic.storm import JudgedMessage
from shared.settings import notify_settings

VERDICT_UPDATE = "verdict"


class HeldClaim(Protocol):
    """The claim a send runs under: where it is, who holds it, and its renewal before a retry."""

    @property
    def alert(self) -> AlertAddress: ...
    @property
    def target_id(self) -> str: ...
    @property
    def holder(self) -> str: ...
    def renew(self) -> None: ...


Send = Callable[[HeldClaim], DeliveryResult]
"""A delivery that is more than one HTTP request: made once its claim is held."""


Outbound = OutboundRequest | Send | DeliveryResult
"""What a claim is taken for: one request, a delivery of several (a Slack app's), or a failure."""
Delivery = tuple[NotificationTarget, str | None, Outbound | None]
"""A target, the claim to take (None: the target's own), and what to send under it."""


def _api_url() -> str:
    return notify_settings().slack_api_url


def first_post(target: SlackAppTarget, context: NotificationContext) -> Send | None:
    """The message with its buttons; None when no change is related."""
    message = slack_app_message(context)
    if message is None:
        return None

    def post(claimed: HeldClaim) -> DeliveryResult:
        payload = {"channel": target.channel, "text": message.text, "blocks": message.blocks}
        answer = slack_api.call("chat.postMessage", target.bot_token, _api_url(), payload, claimed.renew)
        if answer.result.status == "delivered" and answer.channel and answer.ts:
            slack_messages.record_message(
                claimed.alert, claimed.target_id, claimed.holder, answer.channel, answer.ts, message.digest
            )
        return answer.result

    return post


def _update(
    target: SlackAppTarget,
    enrichment: Enrichment,
    update: str | None,
    message: SlackAppMessage,
    posted_by: AlertAddress,
) -> Send:
    def edit(claimed: HeldClaim) -> DeliveryResult:
        posted = slack_messages.posted_message(posted_by, target_id(target))
        if posted is None:
            return DeliveryResult("failed", None, "the Slack message to update is not recorded")
        payload = {"channel": posted.channel, "ts": posted.ts, "text": message.text, "blocks": message.blocks}
        edited = slack_api.call("chat.update", target.bot_token, _api_url(), payload, claimed.renew)
        if edited.result.status != "delivered":
            return edited.result
        reply = {"channel": posted.channel, "thread_ts": posted.ts, "text": change_line(enrichment, update)}
        replied = slack_api.call("chat.postMessage", target.bot_token, _api_url(), reply, claimed.renew)
        if replied.result.status == "delivered":
            slack_messages.record_digest(posted_by, posted.claim_id, message.digest)
        return replied.result

    return edit


def _slack_follow_up(
    target: SlackAppTarget, enrichment: Enrichment, update: str | None, shown: JudgedMessage
) -> Delivery | None:
    """An edit when the message exists and would show something else; its claim is named by
    what it shows, so the same content is never edited in twice. A group's message (§18) follows
    its group's signature on a re-correlation, so only a verdict edits it, whichever of the
    group's alerts the verdict is on."""
    if update is None and enrichment.alert is not None and enrichment.alert.group_key:
        return None
    posted = slack_messages.posted_message(shown.posted_by, target_id(target))
    message = slack_app_message(shown.context)
    if posted is None or message is None or posted.digest == message.digest:
        return None
    edit = _update(target, enrichment, update, message, shown.posted_by)
    return target, f"{target_id(target)}.update.{message.digest}", edit


def _cause_note(
    target: PagerDutyTarget | IlertTarget, enrichment: Enrichment, context: NotificationContext
) -> Delivery | None:
    """One note or comment per confirmed cause (or pair of causes) of the alert."""
    causes = confirmed_causes(enrichment)
    if not causes:
        return None
    text = confirmed_cause_text(causes)
    configured = notify_settings()
    if isinstance(target, PagerDutyTarget):
        request = pagerduty_request(
            context, configured.pagerduty_api_url, target.api_token, str(target.from_email), content=text
        )
    else:
        request = ilert_request(context, configured.ilert_api_url, target.integration_key, content=text)
    if request is None:
        return None
    confirmed = hashlib.sha256("\n".join(sorted(cause.id for cause in causes)).encode()).hexdigest()[:24]
    return target, f"{target_id(target)}.cause.{confirmed}", request


def _webhook_follow_up(target: WebhookTarget, shown: JudgedMessage, event_id: str) -> Delivery:
    """A source's webhook gets the enrichment again after a verdict (with ``update``), once for
    each judgement it shows: the same verdict redelivered, or given twice, is not sent again."""
    enrichment = shown.context.enrichment
    judged = [enrichment.likely_cause, *([change.id, change.score] for change in enrichment.deployments)]
    digest = hashlib.sha256(json.dumps(judged).encode()).hexdigest()[:24]
    request = webhook_request(shown.context, str(target.url), target.secret, event_id)
    return target, f"{target_id(target)}.verdict.{digest}", request


def follow_ups(
    enrichment: Enrichment,
    update: str | None,
    targets: list[NotificationTarget],
    shown: JudgedMessage,
    event_id: str,
) -> list[Delivery]:
    """What a later enrichment of the alert adds: edits of Slack app messages, and after a
    verdict, the enrichment again for the source's webhooks and, when it confirmed a cause, the
    one note or comment naming it. (The enrichment webhook of §6 gets every enrichment anyway.)"""
    found: list[Delivery | None] = []
    every_enrichment = enrichment_webhook()
    already_sent = target_id(every_enrichment) if every_enrichment else None
    for target in targets:
        if isinstance(target, SlackAppTarget):
            found.append(_slack_follow_up(target, enrichment, update, shown))
        elif update != VERDICT_UPDATE:
            continue
        elif isinstance(target, PagerDutyTarget | IlertTarget):
            found.append(_cause_note(target, enrichment, shown.context))
        elif isinstance(target, WebhookTarget) and target_id(target) != already_sent:
            found.append(_webhook_follow_up(target, shown, event_id))
    return [item for item in found if item is not None]
