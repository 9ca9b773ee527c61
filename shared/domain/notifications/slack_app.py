"""Slack as an app (§18): the message a bot posts (the webhook's Block Kit message with two verdict
buttons under each listed change), the line it replies in the thread when the message changes,
and the note a PagerDuty incident or an ilert alert gets when a verdict confirms a cause."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from shared.domain.models.alerts import AlertAddress, Enrichment, RelatedDeployment
from shared.domain.notifications.context import NotificationContext
from shared.domain.notifications.slack import SLACK_TEXT_MAX, slack_blocks, slack_cut, slack_fallback_text
from shared.domain.notifications.text import one_line
from shared.domain.notifications.verdict import Verdict, headline

VerdictKind = Literal["CAUSED", "NOT_RELATED"]
VERDICT_BUTTONS: tuple[tuple[VerdictKind, str], ...] = (("CAUSED", "Caused it"), ("NOT_RELATED", "Not related"))
VERDICT_ACTION = "verdict"
MAX_ACTION_ID = 255
MAX_BUTTON_VALUE = 2000
"""Slack's limits on a button's ``action_id`` and ``value``: a change whose buttons would not fit
is listed without them (the alert's page still takes its verdict)."""
FEEDBACK = "FEEDBACK"
"""§17's evidence of a responder's verdict; a positive weight confirms the change as a cause."""


def verdict_action_id(verdict: VerdictKind, event_id: str) -> str:
    return f"{VERDICT_ACTION}:{verdict}:{event_id}"


def button_value(alert: AlertAddress) -> str:
    """The alert a button is about, as compact JSON: its source (§22's namespace) and its id."""
    return json.dumps({"alertSourceId": alert.alert_source_id, "alertId": alert.alert_id}, separators=(",", ":"))


def _verdict_buttons(value: str, deployment: RelatedDeployment) -> Block | None:
    action_ids = [verdict_action_id(verdict, deployment.id) for verdict, _ in VERDICT_BUTTONS]
    if len(value) > MAX_BUTTON_VALUE or any(len(action_id) > MAX_ACTION_ID for action_id in action_ids):
        return None
    buttons = [
        ButtonElement(text=label, action_id=action_id, value=value, style="primary" if verdict == "CAUSED" else None)
        for (verdict, label), action_id in zip(VERDICT_BUTTONS, action_ids, strict=True)
    ]
    return ActionsBlock(elements=buttons)


@dataclass(frozen=True)
class SlackAppMessage:
    """What ``chat.postMessage`` and ``chat.update`` take besides the channel (and ``ts``)."""

    text: str
    blocks: list[dict[str, Any]]

    @property
    def digest(self) -> str:
        """The same for the same message: an update that would change nothing is not sent."""
        shown = json.dumps({"text": self.text, "blocks": self.blocks}, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(shown.encode()).hexdigest()[:24]


def slack_app_message(context: NotificationContext) -> SlackAppMessage | None:
    """The message, or None when no change is related (nothing to confirm or reject)."""
    if not context.deployments:
        return None
    value = button_value(context.enrichment.address)
    blocks = slack_blocks(context, actions=lambda deployment: _verdict_buttons(value, deployment))
    return SlackAppMessage(slack_fallback_text(context), blocks)


def confirmed_causes(enrichment: Enrichment) -> list[RelatedDeployment]:
    """The changes a responder's verdict confirmed as the cause (evidence ``FEEDBACK`` for)."""
    return [
        deployment
        for deployment in enrichment.deployments
        if any(item.code == FEEDBACK and item.weight > 0 for item in deployment.evidence)
    ]


def _feedback_text(deployment: RelatedDeployment) -> str | None:
    return next((item.text for item in deployment.evidence if item.code == FEEDBACK), None)


def change_line(enrichment: Enrichment, update: str | None) -> str:
    """The thread reply saying what changed: a verdict and by whom (the evidence of the verdict
    names its author), or the likely cause as a re-correlation now sees it."""
    if update == "verdict":
        judged = [item for item in enrichment.deployments if _feedback_text(item)]
        said = "; ".join(f"{one_line(item.summary)}: {_feedback_text(item)}" for item in judged[:5])
        line = f"Verdict given. {said}" if said else "Verdict given."
        return slack_cut(f"{line} Now: {headline(Verdict.of(enrichment))}", SLACK_TEXT_MAX)
    return slack_cut(f"Correlated again. Now: {headline(Verdict.of(enrichment))}", SLACK_TEXT_MAX)


def confirmed_cause_text(causes: list[RelatedDeployment]) -> str:
    """The note or comment naming the cause a verdict confirmed (PagerDuty, ilert)."""
    named = "; ".join(one_line(cause.summary) for cause in causes)
    return f"Confirmed cause (verdict of a responder): {named}"
