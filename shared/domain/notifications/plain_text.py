"""PagerDuty and ilert: the related deployments as plain text, a note on the incident or a
comment on the alert the notification is about."""

from __future__ import annotations

from urllib.parse import quote

from shared.domain.notifications.context import NotificationContext, OutboundRequest, json_post
from shared.domain.notifications.text import cut, nothing_found, one_line, related_count, scope_text, when_text

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


def plain_text_list(context: NotificationContext, limit: int) -> str:
    """The related deployments with their reasons and first links, numbered, within ``limit``
    characters: deployments that do not fit are counted, not cut in the middle."""
    enrichment = context.enrichment
    footer = f"Details: {cut(context.page_url, PLAIN_LINK_MAX)}"
    if not context.deployments:
        return cut(f"{nothing_found(context)} ({scope_text(enrichment)})\n{footer}", limit)
    lines = [cut(f"{related_count(len(context.deployments))} ({scope_text(enrichment)}):", 2000)]
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
    incident = quote(context.incident_id, safe="")
    return json_post(
        f"{api_url.rstrip('/')}/incidents/{incident}/notes",
        {"note": {"content": plain_text_list(context, PAGERDUTY_NOTE_MAX)}},
        Authorization=f"Token token={api_token}",
        From=from_email,
        Accept=PAGERDUTY_ACCEPT,
    )


def ilert_summary(context: NotificationContext) -> str:
    if not context.deployments:
        return cut(nothing_found(context), ILERT_SUMMARY_MAX)
    first = context.deployments[0]
    found = f"{related_count(len(context.deployments))}, most likely: {one_line(first.summary)}"
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
    return json_post(f"{api_url.rstrip('/')}/api/events", payload)
