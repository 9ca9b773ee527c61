"""Slack: one Block Kit message to an incoming webhook, every text escaped and cut to Slack's
limits: the likely cause or why none stands out, then as many possible changes as fit (§17)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    group_lines,
    nothing_found,
    one_line,
    related_count,
    scope_text,
    when_text,
)
from shared.domain.notifications.verdict import (
    Verdict,
    confidence,
    headline,
    left_out_text,
    percent,
    strongest_evidence,
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
ChangeActions = Callable[[RelatedDeployment], Block | None]
"""The blocks a Slack app puts under each listed change (its verdict buttons, §18)."""
SLACK_FIXED_BLOCKS = 5
"""Header, context, the "more" context, divider and the final link; the sentence when no change
stands out and the note of unlikely changes take one more each: the rest is for deployments."""


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


def _title(deployment: RelatedDeployment) -> str:
    summary = one_line(deployment.summary) or deployment.id
    if deployment.links:
        return slack_link(deployment.links[0].href, summary, SLACK_DEPLOYMENT_SUMMARY_MAX)
    return slack_cut(summary, SLACK_DEPLOYMENT_SUMMARY_MAX)


def _slack_section(context: NotificationContext, deployment: RelatedDeployment, is_cause: bool) -> str:
    """The likely cause with its strongest evidence, or a possible change with its score and
    confidence; a change after the alert is labelled so, never as a cause."""
    when = when_text(context.report_time, deployment.timestamp)
    if is_cause:
        lines = [f"*Likely cause ({percent(deployment)}):* {_title(deployment)} · {when}"]
    else:
        label = f"{percent(deployment)} {confidence(deployment)}"
        after = "_Changed after the alert, so not its cause:_ " if deployment.after_alert else ""
        lines = [f"{after}*{_title(deployment)}* · {when} · {label}"]
    lines.append(slack_cut(one_line(deployment.reason), SLACK_REASON_MAX))
    evidence = strongest_evidence(deployment) if is_cause else None
    if evidence:
        lines.append("Strongest evidence: " + slack_cut(one_line(evidence), SLACK_REASON_MAX))
    facts = facts_line(deployment)
    if facts:
        lines.append(slack_cut(facts, 500))
    return cut("\n".join(lines), SLACK_SECTION_MAX)


def slack_fallback_text(context: NotificationContext) -> str:
    title = cut(alert_title(context), SLACK_HEADER_MAX)
    if not context.deployments:
        found = nothing_found(context)
    else:
        verdict = Verdict.of(context.enrichment)
        found = headline(verdict)
        if verdict.likely_cause:
            found += f" ({when_text(context.report_time, verdict.likely_cause.timestamp)})."
        elif verdict.listed:
            found += f" {len(verdict.listed)} possible change{'' if len(verdict.listed) == 1 else 's'}."
    text = slack_cut(f"{title}: {found}", SLACK_TEXT_MAX - SLACK_LINK_MAX - 3)
    return f"{text} {slack_link(context.page_url, 'Open the alert', SLACK_LINK_MAX)}"


def _context_block(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


@dataclass(frozen=True)
class _Shown:
    blocks: list[Block]
    count: int
    """The changes shown (each a section, and its actions when given)."""


def _change_sections(
    context: NotificationContext, verdict: Verdict, changes: list[RelatedDeployment], actions: ChangeActions | None
) -> _Shown:
    """Each change's section (and actions) while the text budget lasts."""
    budget = SLACK_BLOCKS_TEXT_BUDGET
    blocks: list[Block] = []
    count = 0
    for deployment in changes:
        text = _slack_section(context, deployment, is_cause=deployment is verdict.likely_cause)
        if len(text) > budget:
            break
        budget -= len(text)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
        action_block = actions(deployment) if actions else None
        if action_block is not None:
            blocks.append(action_block)
        count += 1
    return _Shown(blocks, count)


def _change_blocks(context: NotificationContext, actions: ChangeActions | None = None) -> list[Block]:
    """The likely cause's section, or the sentence saying none stands out; then the possible
    changes, as many as fit (each with its ``actions`` when given); then how many did not fit and
    how many unlikely ones were left out."""
    if not context.deployments:
        return [SectionBlock(text=MarkdownTextObject(text=slack_escape(nothing_found(context))))]
    verdict = Verdict.of(context.enrichment)
    blocks: list[Block] = []
    if verdict.likely_cause is None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=slack_cut(verdict.no_cause, SLACK_SECTION_MAX))))
    changes = [verdict.likely_cause, *verdict.listed] if verdict.likely_cause else verdict.listed
    reserved = len(blocks) + (1 if verdict.left_out else 0) + (1 if context.group else 0)
    free = SLACK_MAX_BLOCKS - SLACK_FIXED_BLOCKS - reserved
    slots = free // 2 if actions else free
    shown = _change_sections(context, verdict, changes[:slots], actions)
    blocks.extend(shown.blocks)
    left_out = len(changes) - shown.count
    if left_out:
        more = f"…and {left_out} more related deployment{'' if left_out == 1 else 's'} on the alert's page."
        blocks.append(_context_block(more))
    if verdict.left_out:
        page = slack_link(context.page_url, "shown on the alert's page", SLACK_LINK_MAX)
        blocks.append(_context_block(f"{left_out_text(verdict.left_out)}, {page}."))
    return blocks


def _group_blocks(context: NotificationContext) -> list[Block]:
    """A group's alerts (§18), one section: the count and the first summaries, each cut."""
    lines = [cut(line, SLACK_DEPLOYMENT_SUMMARY_MAX) for line in group_lines(context)]
    if not lines:
        return []
    return [SectionBlock(text=MarkdownTextObject(text=slack_cut("\n".join(lines), SLACK_SECTION_MAX)))]


def slack_blocks(context: NotificationContext, actions: ChangeActions | None = None) -> list[dict[str, Any]]:
    """The Block Kit message: header, context, the likely cause or why none stands out, the
    possible changes (as many as fit, each with its ``actions``), notes of those left out, and the
    link to the alert's page."""
    enrichment = context.enrichment
    counted = f"{scope_text(enrichment)} · {related_count(len(context.deployments))}"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=cut(alert_title(context), SLACK_HEADER_MAX))),
        _context_block(slack_cut(counted, SLACK_CONTEXT_MAX)),
        *_group_blocks(context),
        *_change_blocks(context, actions),
        DividerBlock(),
    ]
    link = slack_link(context.page_url, "Open the alert in Deployment events", SLACK_LINK_MAX)
    blocks.append(SectionBlock(text=MarkdownTextObject(text=f"{link} · alert `{slack_cut(context.alert_id, 300)}`")))
    return [block.to_dict() for block in blocks]


def slack_request(context: NotificationContext, webhook_url: str, always: bool) -> OutboundRequest | None:
    """One POST of ``{text, blocks}`` to a Slack incoming webhook; None when no deployment is
    related and the target does not ask for ``always``."""
    if not context.deployments and not always:
        return None
    return json_post(webhook_url, {"text": slack_fallback_text(context), "blocks": slack_blocks(context)})
