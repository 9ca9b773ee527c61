"""An independent, deliberately naive reading of §5, to check the real one against.

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


def expected_related(
    alert: RefAlert,
    events: list[RefEvent],
    teams_owning_pipelines: set[str],
    team_lookback: timedelta,
    account_lookback: timedelta,
    max_related: int,
) -> tuple[str, frozenset[str], list[str]]:
    """(scope, claiming teams, ids of the related deployments in order)."""
    claiming = (alert.source_teams | alert.policy_teams) & teams_owning_pipelines
    lookback = team_lookback if claiming else account_lookback
    start, end = alert.report_time - lookback, alert.report_time + timedelta(minutes=2)
    candidates = [
        event for event in events if start <= event.timestamp <= end and (not claiming or event.teams & claiming)
    ]

    def matches(event: RefEvent) -> int:
        def same(label: str, value: str | None) -> bool:
            return bool(alert.labels.get(label)) and value is not None and alert.labels[label].lower() == value.lower()

        repository_name = event.repository.split("/")[-1] if event.repository else None
        return (
            same("repository", event.repository)
            + (same("service", event.service) or same("service", repository_name))
            + same("environment", event.environment)
            + same("version", event.version)
        )

    ranked = sorted(candidates, key=lambda event: (matches(event), event.timestamp, event.id), reverse=True)
    return ("TEAM" if claiming else "ACCOUNT"), claiming, [event.id for event in ranked[:max_related]]
