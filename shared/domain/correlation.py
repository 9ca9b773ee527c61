"""Correlation (§5) as pure functions: which deployments relate to an alert, in what order, why.

No AWS here: the caller reads the candidates from the partitions ``plan`` names and hands them
to ``relevance.model.assess``, so the rule is tested on its own.

1. The alert's teams are those of its alert source and of its escalation policy.
2. Claiming teams are those of them that own at least one pipeline; a team the alert names by id
   only (a ``team`` label) is called by the name its pipelines give it.
3. With claiming teams the scope is TEAM: only their deployments count, within the team lookback.
   Without, the scope is ACCOUNT: every deployment counts, within the (shorter) account lookback.
4. The window ends a little after the alert, for clocks that disagree.
5. Which of the window's changes most likely caused the alert is §17's question, answered by
   ``shared.domain.relevance``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.domain.models.alerts import Alert, Scope, Window
from shared.domain.models.common import Team
from shared.domain.relevance.weights import DEFAULT_WEIGHTS, RelevanceWeights

CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True)
class CorrelationRules:
    team_lookback: timedelta
    account_lookback: timedelta
    max_related: int
    weights: RelevanceWeights = DEFAULT_WEIGHTS


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
