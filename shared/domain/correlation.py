"""Correlation (§5) as pure functions: which deployments relate to an alert, in what order, why.

No AWS here: the caller reads the candidates from the partitions ``plan`` names and hands them
to ``rank``, so the rule is tested on its own.

1. The alert's teams are those of its alert source and of its escalation policy.
2. Claiming teams are those of them that own at least one pipeline; a team the alert names by id
   only (a ``team`` label) is called by the name its pipelines give it.
3. With claiming teams the scope is TEAM: only their deployments count, within the team lookback.
   Without, the scope is ACCOUNT: every deployment counts, within the (shorter) account lookback.
4. The window ends a little after the alert, for clocks that disagree.
5. Deployments matching the alert's labels come first, by how many labels they match; then the
   newest first. The best few are kept, each with a score and a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.domain.models.alerts import Alert, PipelineRef, RelatedDeployment, Scope, Window
from shared.domain.models.common import Team
from shared.domain.models.deployments import DeploymentEvent, EventKind, change_facts

CLOCK_SKEW = timedelta(minutes=2)
MATCHED_LABELS = ("repository", "service", "environment", "version")
_VERBS = {
    EventKind.DEPLOYMENT: "Deployed",
    EventKind.RELEASE: "Released",
    EventKind.MERGE: "Merged",
    EventKind.PUSH: "Pushed",
    EventKind.WORKFLOW: "Finished",
    EventKind.CUSTOM: "Deployed",
}
"""How a reason starts; generic events are "deployments" in ilert's sense, whatever they change."""


@dataclass(frozen=True)
class CorrelationRules:
    team_lookback: timedelta
    account_lookback: timedelta
    max_related: int


@dataclass(frozen=True)
class Plan:
    """What to read for one alert: the scope, the claiming teams and the time window."""

    scope: Scope
    claiming_teams: list[Team]
    start: datetime
    end: datetime

    @property
    def window(self) -> Window:
        return Window(from_=self.start, until=self.end)

    @property
    def unnamed_team_ids(self) -> list[str]:
        """Claiming teams the alert names by id only, as a ``team`` label does."""
        return [team.id for team in self.claiming_teams if not team.name]

    def with_team_names(self, pipeline_teams: Iterable[Team]) -> Plan:
        """Unnamed claiming teams take the first name the claiming pipelines give them, so that a
        reason says "owned by team Payments" where the alert said only ``payments``."""
        names: dict[str, str] = {}
        for team in pipeline_teams:
            if team.name:
                names.setdefault(team.id, team.name)
        named = [team if team.name else Team(id=team.id, name=names.get(team.id)) for team in self.claiming_teams]
        return replace(self, claiming_teams=named)


def alert_teams(alert: Alert) -> list[Team]:
    """Teams of the alert source, then of the escalation policy, each team once."""
    teams: dict[str, Team] = {}
    for resource in (alert.alert_source, alert.escalation_policy):
        for team in (resource.teams if resource else None) or []:
            known = teams.get(team.id)
            teams[team.id] = team if known is None or known.name is None else known
    return list(teams.values())


def plan_for(alert: Alert, teams: Sequence[Team], owning_team_ids: Iterable[str], settings: CorrelationRules) -> Plan:
    """TEAM scope when a team of the alert owns a pipeline ("claims" it), ACCOUNT scope otherwise."""
    owners = set(owning_team_ids)
    claiming = [team for team in teams if team.id in owners]
    scope = Scope.TEAM if claiming else Scope.ACCOUNT
    lookback = settings.team_lookback if claiming else settings.account_lookback
    return Plan(scope, claiming, alert.report_time - lookback, alert.report_time + CLOCK_SKEW)


def label_matches(alert: Alert, event: DeploymentEvent) -> list[str]:
    """The labels of the alert this deployment matches, compared case-insensitively."""

    def same(label: str, value: str | None) -> bool:
        wanted = alert.labels.get(label)
        return wanted is not None and wanted != "" and value is not None and wanted.casefold() == value.casefold()

    matched = []
    if same("repository", event.repository):
        matched.append("repository")
    repository_name = event.repository.rstrip("/").rsplit("/", 1)[-1] if event.repository else None
    if same("service", event.service) or same("service", repository_name):
        matched.append("service")
    if same("environment", event.environment):
        matched.append("environment")
    if same("version", event.version):
        matched.append("version")
    return matched


def rank(alert: Alert, candidates: Iterable[DeploymentEvent], plan: Plan, max_related: int) -> list[RelatedDeployment]:
    """The most relevant deployments first, each once, with a score consistent with the order."""
    unique = {event.id: event for event in candidates if plan.start <= event.timestamp <= plan.end}.values()
    labels_asked = sum(1 for label in MATCHED_LABELS if alert.labels.get(label))
    span = (plan.end - plan.start).total_seconds() or 1.0
    scored = []
    for event in unique:
        matched = label_matches(alert, event)
        recency = (event.timestamp - plan.start).total_seconds() / span
        score = (len(matched) + 0.999 * recency) / (labels_asked + 1)
        scored.append((len(matched), event.timestamp, event.id, score, matched, event))
    scored.sort(key=lambda entry: (entry[0], entry[1], entry[2]), reverse=True)
    return [
        _related(event, round(score, 4), reason(alert, event, plan, matched))
        for _, _, _, score, matched, event in scored[:max_related]
    ]


def _related(event: DeploymentEvent, score: float, why: str) -> RelatedDeployment:
    return RelatedDeployment(
        **change_facts(event),
        id=event.id,
        summary=event.summary,
        pipeline=PipelineRef(id=event.pipeline_id, name=event.pipeline_name, integration_type=event.integration_type),
        kind=event.kind,
        timestamp=event.timestamp,
        reason=why,
        score=score,
    )


def describe_offset(offset: timedelta) -> str:
    """``14 min``, ``2 h 5 min``, ``3 days``: how far a deployment is from the alert."""
    minutes = int(abs(offset).total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{hours // 24} days"


def _names(teams: Sequence[Team]) -> str:
    names = [team.name or team.id for team in teams]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"team{'s' if len(names) > 1 else ''} {listed}"


def reason(alert: Alert, event: DeploymentEvent, plan: Plan, matched: Sequence[str]) -> str:
    """Why a responder should look at this deployment, in one sentence."""
    offset = alert.report_time - event.timestamp
    verb = _VERBS[event.kind]
    if abs(offset) < timedelta(seconds=30):
        when = f"{verb} at the time of the alert"
    elif offset > timedelta(0):
        when = f"{verb} {describe_offset(offset)} before the alert"
    else:
        when = f"{verb} {describe_offset(offset)} after the alert"
    matching = f", matching the alert's {' and '.join(matched)}" if matched else ""
    text = f'{when} by pipeline "{event.pipeline_name}"{matching}'
    if plan.scope is Scope.TEAM:
        owners = [team for team in plan.claiming_teams if team.id in event.teams]
        return f"{text}, owned by {_names(owners)}, to which this alert belongs"
    return f"{text} (account-wide{'' if matched else ', time-based'})"
