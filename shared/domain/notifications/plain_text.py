"""PagerDuty and ilert: the likely cause (or that none stands out) and the possible changes as
plain text, a note on the incident or a comment on the alert the notification is about (§17)."""

from __future__ import annotations

from urllib.parse import quote

from shared.domain.models.alerts import RelatedDeployment
from shared.domain.notifications.context import NotificationContext, OutboundRequest, json_post
from shared.domain.notifications.text import cut, group_lines, nothing_found, one_line, related_count, scope_text
from shared.domain.notifications.verdict import (
    Verdict,
    headline,
    left_out_text,
    listed_label,
    percent,
    strongest_evidence,
)

COMMENT_CREATOR = "Deployment events"
PAGERDUTY_ACCEPT = "application/vnd.pagerduty+json;version=2"
PAGERDUTY_NOTE_MAX = 25_000
ILERT_COMMENT_MAX = 10_000
"""ilert documents no limit for a comment's content; this one is a generous, safe guess."""
ILERT_SUMMARY_MAX = 255
PLAIN_SUMMARY_MAX = 1024
PLAIN_REASON_MAX = 1000
PLAIN_LINK_MAX = 2048


def _more(left_out: int) -> str:
    return f"…and {left_out} more on the alert's page."


def _lead(verdict: Verdict) -> str:
    """The likely cause with its score, reason, strongest evidence and first link; else why none stands out."""
    cause = verdict.likely_cause
    if cause is None:
        return cut(one_line(verdict.no_cause), PLAIN_REASON_MAX)
    summary = cut(one_line(cause.summary), PLAIN_SUMMARY_MAX)
    lines = [f"Likely cause ({percent(cause)}): {summary} — {cut(one_line(cause.reason), PLAIN_REASON_MAX)}"]
    evidence = strongest_evidence(cause)
    if evidence:
        lines.append("   Strongest evidence: " + cut(one_line(evidence), PLAIN_REASON_MAX))
    if cause.links:
        lines.append("   " + cut(cause.links[0].href, PLAIN_LINK_MAX))
    return "\n".join(lines)


def _listed_item(number: int, deployment: RelatedDeployment) -> str:
    summary = cut(one_line(deployment.summary), PLAIN_SUMMARY_MAX)
    reason = cut(one_line(deployment.reason), PLAIN_REASON_MAX)
    item = [f"{number}. {summary} ({listed_label(deployment)}) — {reason}"]
    if deployment.links:
        item.append("   " + cut(deployment.links[0].href, PLAIN_LINK_MAX))
    return "\n".join(item)


def _tail(context: NotificationContext, verdict: Verdict) -> list[str]:
    """How many were related in which scope, how many unlikely ones were left out, and the page."""
    counted = f"{related_count(len(context.deployments))} ({scope_text(context.enrichment)})"
    if verdict.left_out:
        counted += f"; {left_out_text(verdict.left_out)}, shown on the alert's page"
    return [cut(counted + ".", 2000), f"Details: {cut(context.page_url, PLAIN_LINK_MAX)}"]


def plain_text_list(context: NotificationContext, limit: int) -> str:
    """The likely cause or why none stands out, then the possible changes with their reasons and
    first links, numbered, within ``limit`` characters: changes that do not fit are counted, not
    cut in the middle; unlikely ones are counted only (§17)."""
    enrichment = context.enrichment
    footer = f"Details: {cut(context.page_url, PLAIN_LINK_MAX)}"
    group = [cut(line, PLAIN_SUMMARY_MAX) for line in group_lines(context)]
    if not context.deployments:
        return cut("\n".join([*group, f"{nothing_found(context)} ({scope_text(enrichment)})", footer]), limit)
    verdict = Verdict.of(enrichment)
    tail = _tail(context, verdict)
    lines = [*group, _lead(verdict)]
    if verdict.listed:
        lines.append("Other possible changes:" if verdict.likely_cause else "Possible changes:")
    used = sum(len(line) + 1 for line in [*lines, *tail])
    total = len(verdict.listed)
    for number, deployment in enumerate(verdict.listed, start=1):
        text = _listed_item(number, deployment)
        reserve = 0 if number == total else 1 + len(_more(total - number))
        if used + 1 + len(text) + reserve > limit:
            lines.append(_more(total - number + 1))
            break
        lines.append(text)
        used += 1 + len(text)
    return cut("\n".join([*lines, *tail]), limit)


def pagerduty_request(
    context: NotificationContext, api_url: str, api_token: str, from_email: str, content: str | None = None
) -> OutboundRequest | None:
    """A note on the PagerDuty incident the alert came from; None for alerts of other sources.
    With no related deployment the note says so: "nothing changed" helps a responder too.
    ``content`` replaces the list (the confirmed cause of a verdict, §18)."""
    if not context.incident_id:
        return None
    incident = quote(context.incident_id, safe="")
    return json_post(
        f"{api_url.rstrip('/')}/incidents/{incident}/notes",
        {
            "note": {
                "content": cut(content, PAGERDUTY_NOTE_MAX) if content else plain_text_list(context, PAGERDUTY_NOTE_MAX)
            }
        },
        Authorization=f"Token token={api_token}",
        From=from_email,
        Accept=PAGERDUTY_ACCEPT,
    )


def ilert_summary(context: NotificationContext) -> str:
    if not context.deployments:
        return cut(nothing_found(context), ILERT_SUMMARY_MAX)
    return cut(headline(Verdict.of(context.enrichment)), ILERT_SUMMARY_MAX)


def ilert_request(
    context: NotificationContext, api_url: str, integration_key: str, content: str | None = None
) -> OutboundRequest | None:
    """A comment on the ilert alert, through the Events API of the alert's own alert source; None
    for alerts without an ilert ``alertKey``. Sent with no related deployment too, as for PagerDuty.
    ``content`` replaces the list (the confirmed cause of a verdict, §18)."""
    if not context.alert_key:
        return None
    payload = {
        "integrationKey": integration_key,
        "eventType": "COMMENT",
        "alertKey": context.alert_key,
        "summary": cut(content, ILERT_SUMMARY_MAX) if content else ilert_summary(context),
        "comments": [
            {
                "creator": COMMENT_CREATOR,
                "content": cut(content or plain_text_list(context, ILERT_COMMENT_MAX), ILERT_COMMENT_MAX),
            }
        ],
    }
    return json_post(f"{api_url.rstrip('/')}/api/events", payload)
