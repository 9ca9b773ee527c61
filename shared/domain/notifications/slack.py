"""Slack: one Block Kit message to an incoming webhook, every text escaped and cut to Slack's
limits, with as many related deployments as fit."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from shared.domain.models.alerts import RelatedDeployment
from shared.domain.notifications.context import NotificationContext, OutboundRequest, json_post
from shared.domain.notifications.text import (
    alert_title,
    cut,
    facts_line,
    nothing_found,
    one_line,
    related_count,
    scope_text,
    when_text,
)

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


def _slack_section(context: NotificationContext, deployment: RelatedDeployment) -> str:
    summary = one_line(deployment.summary) or deployment.id
    title = (
        slack_link(deployment.links[0].href, summary, SLACK_DEPLOYMENT_SUMMARY_MAX)
        if deployment.links
        else slack_cut(summary, SLACK_DEPLOYMENT_SUMMARY_MAX)
    )
    lines = [f"*{title}* · {when_text(context.report_time, deployment.timestamp)}"]
    lines.append(slack_cut(one_line(deployment.reason), SLACK_REASON_MAX))
    facts = facts_line(deployment)
    if facts:
        lines.append(slack_cut(facts, 500))
    return cut("\n".join(lines), SLACK_SECTION_MAX)


def _slack_fallback_text(context: NotificationContext) -> str:
    deployments = context.deployments
    title = cut(alert_title(context), SLACK_HEADER_MAX)
    if deployments:
        first = deployments[0]
        most_likely = cut(one_line(first.summary), SLACK_DEPLOYMENT_SUMMARY_MAX)
        found = (
            f"{related_count(len(deployments))}. Most likely: {most_likely}"
            f" ({when_text(context.report_time, first.timestamp)})."
        )
    else:
        found = nothing_found(context)
    text = slack_cut(f"{title}: {found}", SLACK_TEXT_MAX - SLACK_LINK_MAX - 3)
    return f"{text} {slack_link(context.page_url, 'Open the alert', SLACK_LINK_MAX)}"


def slack_blocks(context: NotificationContext) -> list[dict[str, Any]]:
    """The Block Kit message: header, context, one section per deployment (as many as fit), a
    note of those left out, and the link to the alert's page."""
    enrichment = context.enrichment
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=cut(alert_title(context), SLACK_HEADER_MAX))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=slack_cut(
                        f"{scope_text(enrichment)} · {related_count(len(context.deployments))}", SLACK_CONTEXT_MAX
                    )
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
        blocks.append(SectionBlock(text=MarkdownTextObject(text=slack_escape(nothing_found(context)))))
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
    return json_post(webhook_url, {"text": _slack_fallback_text(context), "blocks": slack_blocks(context)})
