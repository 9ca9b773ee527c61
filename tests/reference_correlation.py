"""An independent, deliberately naive reading of §5's claiming and windows, to check the real
one against.

It knows nothing of buckets, partitions or the store: it looks at every event and applies the
rule as the specification words it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RefEvent:
    id: str
    teams: frozenset[str]
    timestamp: datetime
    repository: str | None = None
    service: str | None = None
    environment: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class RefAlert:
    report_time: datetime
    source_teams: frozenset[str]
    policy_teams: frozenset[str]
    labels: dict[str, str]


def eligible(
    alert: RefAlert,
    events: list[RefEvent],
    teams_owning_pipelines: set[str],
    team_lookback: timedelta,
    account_lookback: timedelta,
) -> tuple[str, frozenset[str], set[str]]:
    """(scope, claiming teams, ids of the deployments the enrichment may list). Which of them
    come first is §17's model, tested on its own."""
    claiming = (alert.source_teams | alert.policy_teams) & teams_owning_pipelines
    lookback = team_lookback if claiming else account_lookback
    start, end = alert.report_time - lookback, alert.report_time + timedelta(minutes=2)
    candidates = {
        event.id for event in events if start <= event.timestamp <= end and (not claiming or event.teams & claiming)
    }
    return ("TEAM" if claiming else "ACCOUNT"), claiming, candidates
