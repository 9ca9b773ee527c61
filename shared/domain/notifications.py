"""Notifications (SPEC §13) as pure functions: what to send to each kind of target, and nothing
sent. Each builder returns the one HTTP request to make (or None when nothing must be sent); the
adapter ``shared.adapters.notify_http`` delivers it.

Every text a user controls (summaries, reasons, team and pipeline names) is cut cleanly to the
target's limits before it is placed, so no enrichment can make a request the target rejects.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from shared.domain.correlation import CLOCK_SKEW, describe_offset
from shared.domain.models.alerts import Enrichment, RelatedDeployment, Scope
from shared.domain.models.common import Team
from shared.domain.redaction import ELLIPSIS, TargetType, redacted_target
from shared.domain.verifiers import hmac_sha256_hex

COMMENT_CREATOR = "Deployment events"
PAGERDUTY_ACCEPT = "application/vnd.pagerduty+json;version=2"

SLACK_MAX_BLOCKS = 50
SLACK_HEADER_MAX = 150
SLACK_SECTION_MAX = 3000
SLACK_CONTEXT_MAX = 2000
"""A context block's text element; Slack documents no lower limit than a section's, this leaves room."""
SLACK_TEXT_MAX = 3000
"""The fallback ``text``: Slack truncates past 40,000, but it is shown in notifications: keep it short."""
SLACK_BLOCKS_TEXT_BUDGET = 12_000
"""All deployment sections together: Slack has refused messages of about 13,000 characters of
blocks (``msg_blocks_too_long``) although each block was within its own limit."""
SLACK_DEPLOYMENT_SUMMARY_MAX = 300
SLACK_REASON_MAX = 1000
SLACK_LINK_MAX = 1000
"""A longer (escaped) link is left out: the summary is shown without it."""
SLACK_FIXED_BLOCKS = 5
"""Header, context, the "more" context, divider and the final link: the rest is for deployments."""

PAGERDUTY_NOTE_MAX = 25_000
ILERT_COMMENT_MAX = 10_000
"""ilert documents no limit for a comment's content; this one is a generous, safe guess."""
ILERT_SUMMARY_MAX = 255
PLAIN_SUMMARY_MAX = 1024
PLAIN_REASON_MAX = 1000
PLAIN_LINK_MAX = 2048


@dataclass(frozen=True)
class OutboundRequest:
    """One HTTP request to make. Its URL and headers may carry secrets: never log them."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = field(repr=False)

    def __repr__(self) -> str:  # the URL's path and the headers may hold secrets
        return f"OutboundRequest({self.method} {redacted_target(TargetType.WEBHOOK, self.url)})"


@dataclass(frozen=True)
class NotificationContext:
    """What every notification of one alert is made from."""

    alert_id: str
    alert_summary: str | None
    report_time: datetime
    enrichment: Enrichment
    page_url: str
    """The alert's page, ``<base>/?alert=<id>``, built by the caller."""
    alert_key: str | None = None
    """ilert's key of the alert: a comment can only be added to an ilert alert with it."""
    incident_id: str | None = None
    """PagerDuty's incident id: a note can only be added to a PagerDuty incident with it."""

    @classmethod
    def of(cls, enrichment: Enrichment, page_url: str, incident_id: str | None = None) -> NotificationContext:
        """The context of an enrichment as stored; one stored before enrichments carried their alert
        gets the end of its window, less the clock skew, as the alert's time."""
        alert = enrichment.alert
        return cls(
            alert_id=enrichment.alert_id,
            alert_summary=alert.summary if alert else None,
            report_time=alert.report_time if alert else enrichment.window.until - CLOCK_SKEW,
            enrichment=enrichment,
            page_url=page_url,
            alert_key=alert.alert_key if alert else None,
            incident_id=incident_id,
        )

    @property
    def deployments(self) -> list[RelatedDeployment]:
        return self.enrichment.deployments


# --- text ----------------------------------------------------------------------------------


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters: whole, or cut at a word boundary (when one is in the
    second half) and ended with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    kept = text[: limit - len(ELLIPSIS)]
    boundary = max(kept.rfind(" "), kept.rfind("\n"))
    if boundary >= len(kept) // 2:
        kept = kept[:boundary]
    return kept.rstrip(" \t\n.,;:-\u2013\u2014") + ELLIPSIS


def one_line(text: str) -> str:
    return " ".join(text.split())


def slack_escape(text: str) -> str:
    """Slack's mrkdwn and plain ``text`` take ``&``, ``<`` and ``>`` as control characters; a summary
    with ``<!channel>`` in it is shown as text rather than notifying a whole channel."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_cut(text: str, limit: int) -> str:
    """``text`` escaped for Slack, within ``limit`` characters once escaped: cut before escaping,
    so that no entity is split."""
    escaped = slack_escape(text)
    if len(escaped) <= limit:
        return escaped
    raw_limit = limit
    while raw_limit > 0:
        shortened = slack_escape(cut(text, raw_limit))
        if len(shortened) <= limit:
            return shortened
        raw_limit -= max(1, (len(shortened) - limit + 4) // 5)
    return ""


def slack_link(url: str, text: str, text_limit: int) -> str:
    """``<url|text>``; the text alone when the URL would not fit (or could break the markup)."""
    label = slack_cut(one_line(text), text_limit)
    safe_url = url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace("&", "&amp;")
    if not url.startswith(("http://", "https://")) or len(safe_url) > SLACK_LINK_MAX or any(c.isspace() for c in url):
        return label
    return f"<{safe_url}|{label}>"


def _team_names(teams: Sequence[Team]) -> str:
    names = [team.name or team.id for team in teams]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def scope_text(enrichment: Enrichment) -> str:
    """``Team scope: Payments and Checkout`` or ``Account-wide: no team of this alert owns a pipeline``."""
    if enrichment.scope is Scope.TEAM and enrichment.claiming_teams:
        return f"Team scope: {_team_names(enrichment.claiming_teams)}"
    return "Account-wide: no team of this alert owns a pipeline"


def when_text(report_time: datetime, deployment_time: datetime) -> str:
    """How long before the alert a deployment happened, as its reason says it."""
    offset = report_time - deployment_time
    if abs(offset) < timedelta(seconds=30):
        return "at the time of the alert"
    side = "before" if offset > timedelta(0) else "after"
    return f"{describe_offset(offset)} {side} the alert"


def _count(number: int) -> str:
    return f"{number} related deployment{'' if number == 1 else 's'}"


def _nothing_found(context: NotificationContext) -> str:
    lookback = describe_offset(context.report_time - context.enrichment.window.from_)
    return f"No deployment found in the {lookback} before this alert."


def _alert_title(context: NotificationContext) -> str:
    summary = one_line(context.alert_summary or "")
    return summary or f"Alert {one_line(context.alert_id)}"


def _facts(deployment: RelatedDeployment) -> str:
    values = (deployment.repository, deployment.service, deployment.environment, deployment.version)
    return " · ".join(dict.fromkeys(one_line(value) for value in values if value))


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


# --- Slack ---------------------------------------------------------------------------------


def _slack_section(context: NotificationContext, deployment: RelatedDeployment) -> str:
    summary = one_line(deployment.summary) or deployment.id
    title = (
        slack_link(deployment.links[0].href, summary, SLACK_DEPLOYMENT_SUMMARY_MAX)
        if deployment.links
        else slack_cut(summary, SLACK_DEPLOYMENT_SUMMARY_MAX)
    )
    lines = [f"*{title}* · {when_text(context.report_time, deployment.timestamp)}"]
    lines.append(slack_cut(one_line(deployment.reason), SLACK_REASON_MAX))
    facts = _facts(deployment)
    if facts:
        lines.append(slack_cut(facts, 500))
    return cut("\n".join(lines), SLACK_SECTION_MAX)


def _slack_fallback_text(context: NotificationContext) -> str:
    deployments = context.deployments
    title = cut(_alert_title(context), SLACK_HEADER_MAX)
    if deployments:
        first = deployments[0]
        found = (
            f"{_count(len(deployments))}. Most likely: {cut(one_line(first.summary), SLACK_DEPLOYMENT_SUMMARY_MAX)}"
            f" ({when_text(context.report_time, first.timestamp)})."
        )
    else:
        found = _nothing_found(context)
    text = slack_cut(f"{title}: {found}", SLACK_TEXT_MAX - SLACK_LINK_MAX - 3)
    return f"{text} {slack_link(context.page_url, 'Open the alert', SLACK_LINK_MAX)}"


def slack_blocks(context: NotificationContext) -> list[dict[str, Any]]:
    """The Block Kit message: header, context, one section per deployment (as many as fit), a
    note of those left out, and the link to the alert's page."""
    enrichment = context.enrichment
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=cut(_alert_title(context), SLACK_HEADER_MAX))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=slack_cut(f"{scope_text(enrichment)} · {_count(len(context.deployments))}", SLACK_CONTEXT_MAX)
                )
            ]
        ),
    ]
    budget = SLACK_BLOCKS_TEXT_BUDGET
    shown = 0
    for deployment in context.deployments[: SLACK_MAX_BLOCKS - SLACK_FIXED_BLOCKS]:
        text = _slack_section(context, deployment)
        if len(text) > budget:
            break
        budget -= len(text)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        shown += 1
    if not context.deployments:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=slack_escape(_nothing_found(context)))))
    left_out = len(context.deployments) - shown
    if left_out:
        more = f"…and {left_out} more related deployment{'' if left_out == 1 else 's'} on the alert's page."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    blocks.append(DividerBlock())
    link = slack_link(context.page_url, "Open the alert in Deployment events", SLACK_LINK_MAX)
    blocks.append(SectionBlock(text=MarkdownTextObject(text=f"{link} · alert `{slack_cut(context.alert_id, 300)}`")))
    return [block.to_dict() for block in blocks]


def slack_request(context: NotificationContext, webhook_url: str, always: bool) -> OutboundRequest | None:
    """One POST of ``{text, blocks}`` to a Slack incoming webhook; None when no deployment is
    related and the target does not ask for ``always``."""
    if not context.deployments and not always:
        return None
    payload = {"text": _slack_fallback_text(context), "blocks": slack_blocks(context)}
    return OutboundRequest("POST", webhook_url, {"Content-Type": "application/json"}, _json(payload))


# --- PagerDuty and ilert: plain text -------------------------------------------------------


def _more(left_out: int) -> str:
    return f"…and {left_out} more on the alert's page."


def plain_text_list(context: NotificationContext, limit: int) -> str:
    """The related deployments with their reasons and first links, numbered, within ``limit``
    characters: deployments that do not fit are counted, not cut in the middle."""
    enrichment = context.enrichment
    footer = f"Details: {cut(context.page_url, PLAIN_LINK_MAX)}"
    if not context.deployments:
        return cut(f"{_nothing_found(context)} ({scope_text(enrichment)})\n{footer}", limit)
    lines = [cut(f"{_count(len(context.deployments))} ({scope_text(enrichment)}):", 2000)]
    used = len(lines[0]) + 1 + len(footer)
    total = len(context.deployments)
    for number, deployment in enumerate(context.deployments, start=1):
        summary = cut(one_line(deployment.summary), PLAIN_SUMMARY_MAX)
        item = [f"{number}. {summary} ({when_text(context.report_time, deployment.timestamp)})"]
        item.append("   " + cut(one_line(deployment.reason), PLAIN_REASON_MAX))
        if deployment.links:
            item.append("   " + cut(deployment.links[0].href, PLAIN_LINK_MAX))
        text = "\n".join(item)
        reserve = 0 if number == total else 1 + len(_more(total - number))
        if used + 1 + len(text) + reserve > limit:
            lines.append(_more(total - number + 1))
            break
        lines.append(text)
        used += 1 + len(text)
    lines.append(footer)
    return cut("\n".join(lines), limit)


def pagerduty_request(
    context: NotificationContext, api_url: str, api_token: str, from_email: str
) -> OutboundRequest | None:
    """A note on the PagerDuty incident the alert came from; None for alerts of other sources.
    With no related deployment the note says so: "nothing changed" helps a responder too."""
    if not context.incident_id:
        return None
    headers = {
        "Authorization": f"Token token={api_token}",
        "From": from_email,
        "Accept": PAGERDUTY_ACCEPT,
        "Content-Type": "application/json",
    }
    body = _json({"note": {"content": plain_text_list(context, PAGERDUTY_NOTE_MAX)}})
    incident = quote(context.incident_id, safe="")
    url = f"{api_url.rstrip('/')}/incidents/{incident}/notes"
    return OutboundRequest("POST", url, headers, body)


def ilert_summary(context: NotificationContext) -> str:
    if not context.deployments:
        return cut(_nothing_found(context), ILERT_SUMMARY_MAX)
    first = context.deployments[0]
    found = f"{_count(len(context.deployments))}, most likely: {one_line(first.summary)}"
    return cut(found, ILERT_SUMMARY_MAX)


def ilert_request(context: NotificationContext, api_url: str, integration_key: str) -> OutboundRequest | None:
    """A comment on the ilert alert, through the Events API of the alert's own alert source; None
    for alerts without an ilert ``alertKey``. Sent with no related deployment too, as for PagerDuty."""
    if not context.alert_key:
        return None
    payload = {
        "integrationKey": integration_key,
        "eventType": "COMMENT",
        "alertKey": context.alert_key,
        "summary": ilert_summary(context),
        "comments": [{"creator": COMMENT_CREATOR, "content": plain_text_list(context, ILERT_COMMENT_MAX)}],
    }
    return OutboundRequest(
        "POST", f"{api_url.rstrip('/')}/api/events", {"Content-Type": "application/json"}, _json(payload)
    )


# --- the signed webhook of §6 --------------------------------------------------------------


def webhook_request(context: NotificationContext, url: str, secret: str, event_id: str) -> OutboundRequest:
    """The enrichment as published, signed as ``EnrichmentWebhookUrl`` deliveries are (SPEC §6)."""
    body = _json(context.enrichment.to_json_dict())
    headers = {
        "Content-Type": "application/json",
        "X-Signature-256": "sha256=" + hmac_sha256_hex(secret, body),
        "X-Event-Id": event_id,
    }
    return OutboundRequest("POST", url, headers, body)
