"""The sentences every target's message shares, and text cut cleanly to a target's limit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from shared.domain.models.alerts import Enrichment, RelatedDeployment, Scope
from shared.domain.models.common import Team
from shared.domain.notifications.context import NotificationContext
from shared.domain.redaction import ELLIPSIS
from shared.domain.relevance.wording import describe_offset


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


def related_count(number: int) -> str:
    return f"{number} related deployment{'' if number == 1 else 's'}"


def nothing_found(context: NotificationContext) -> str:
    lookback = describe_offset(context.report_time - context.enrichment.window.from_)
    return f"No deployment found in the {lookback} before this alert."


def alert_title(context: NotificationContext) -> str:
    """The alert's summary; for a group (§18) how many alerts it holds, then its first summary."""
    summary = one_line(context.alert_summary or "") or f"Alert {one_line(context.alert_id)}"
    if context.group and context.group.alerts > 1:
        first = context.group.summaries[0] if context.group.summaries else summary
        return f"{context.group.alerts} alerts: {one_line(first)}"
    return summary


def group_lines(context: NotificationContext) -> list[str]:
    """A group's alerts (§18): how many, the first summaries, and how many more there are; nothing
    for a group of one, whose message is the alert's own."""
    group = context.group
    if group is None or group.alerts <= 1:
        return []
    lines = [f"{group.alerts} alert{'' if group.alerts == 1 else 's'} in this group:"]
    lines += [f"• {one_line(summary)}" for summary in group.summaries]
    if group.alerts > len(group.summaries):
        lines.append(f"…and {group.alerts - len(group.summaries)} more.")
    return lines


def facts_line(deployment: RelatedDeployment) -> str:
    values = (deployment.repository, deployment.service, deployment.environment, deployment.version)
    return " · ".join(dict.fromkeys(one_line(value) for value in values if value))
