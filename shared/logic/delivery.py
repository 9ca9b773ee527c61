"""§19's delivery report: one service's, team's or pipeline's deployments of a window, read with
Query only, and DORA's five metrics over them.

A service's report reads its history for the environment; a team's or a pipeline's reads its
Listing partition (every change it owns in the window) and keeps the environment's. Both reach
back ``PREVIOUS_LOOKBACK`` before the window, so that the first deployment of the window has a
previous one; the lead time then reads the history of each repository those deployments name.
Every read is bounded by the window: its cost grows with the changes of that service (team,
pipeline, repository) in it, never with the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.adapters.store import events as event_store
from shared.domain import keys, keys_history
from shared.domain.delivery import DeliveryReport
from shared.domain.delivery_metrics import (
    History,
    Period,
    change_fail_rate_of,
    change_lead_time_of,
    deployment_frequency_of,
    is_successful_deployment,
    recovery_time_of,
    rework_rate_of,
)
from shared.domain.errors import BadRequest
from shared.domain.lead_time import FIRST_DEPLOYMENT_LOOKBACK, lead_time_samples
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.names import environment_key, repository_key

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
DEFAULT_WINDOW = timedelta(days=30)
MAX_WINDOW = timedelta(days=180)
"""A longer report would read more than a Lambda answers in time; a window is at most half a year."""
PREVIOUS_LOOKBACK = timedelta(days=30)
MAX_REPOSITORIES = 20
"""Repositories whose commits are read for one report; a service is built from a few."""
READ_PAGE = 1_000
DEFAULT_ENVIRONMENT = "production"
OWNER_ID = re.compile(r"[^#]{1,128}")


@dataclass(frozen=True)
class Scope:
    """Exactly one of the three, as asked."""

    service: str | None = None
    team: str | None = None
    pipeline: str | None = None

    def partition(self, environment: str) -> str:
        if self.service:
            return keys_history.service_history(self.service, environment)
        if self.team:
            return keys.team_listing(self.team)
        return keys.pipeline_listing(self.pipeline or "")


def scope_of(service: str | None, team: str | None, pipeline: str | None) -> Scope:
    named = {
        name: value.strip()
        for name, value in (("service", service), ("team", team), ("pipeline", pipeline))
        if value and value.strip()
    }
    if len(named) != 1:
        raise BadRequest("exactly one of service, team and pipeline is required")
    for name in ("team", "pipeline"):
        if name in named and not OWNER_ID.fullmatch(named[name]):
            raise BadRequest(f"{name}: is not a {name} id")
    return Scope(**named)


def _within_bounds(moment: datetime | None, name: str) -> None:
    """A window and its reach back stay within the dates a datetime holds."""
    if moment is not None and not EARLIEST <= moment <= LATEST:
        raise BadRequest(f"{name}: must be between {EARLIEST.year} and {LATEST.year}")


def window_of(start: datetime | None, until: datetime | None, now: datetime) -> Period:
    """The last 30 days by default; ``from`` after ``until`` or a window over 180 days is refused."""
    _within_bounds(start, "from")
    _within_bounds(until, "until")
    end = until or now
    begin = start or end - DEFAULT_WINDOW
    if begin > end:
        raise BadRequest("from: must not be later than until")
    if end - begin > MAX_WINDOW:
        raise BadRequest(f"from: the window is at most {MAX_WINDOW.days} days")
    return Period(begin, end)


def _read(partition: str, start: datetime, end: datetime) -> Iterator[DeploymentEvent]:
    resume: dict[str, str] | None = None
    while True:
        page = event_store.query_listing(partition, start, end, limit=READ_PAGE, resume_after=resume)
        yield from page.events
        if page.resume_after is None:
            return
        resume = page.resume_after


def _changes_by_repository(
    changes: list[DeploymentEvent], start: datetime, end: datetime
) -> dict[str, list[DeploymentEvent]]:
    """Each repository's pushes and merges, read from its history (and those the scope holds)."""
    named = sorted({repository_key(d.repository) for d in changes if d.repository and is_successful_deployment(d)})
    by_repository: dict[str, list[DeploymentEvent]] = {name: [] for name in named[:MAX_REPOSITORIES]}
    for name, found in by_repository.items():
        found.extend(_read(keys_history.repository_history(name, None), start, end))
    for change in changes:
        if change.repository and repository_key(change.repository) in by_repository:
            by_repository[repository_key(change.repository)].append(change)
    return by_repository


def delivery_report(scope: Scope, environment: str | None, window: Period) -> DeliveryReport:
    compared = environment_key(environment) or DEFAULT_ENVIRONMENT
    reach = window.start - PREVIOUS_LOOKBACK
    changes = [
        change
        for change in _read(scope.partition(compared), reach, window.until)
        if (environment_key(change.environment) or "") == compared
    ]
    repositories = _changes_by_repository(changes, reach - FIRST_DEPLOYMENT_LOOKBACK, window.until)
    samples = lead_time_samples([c for c in changes if is_successful_deployment(c)], repositories)
    history = History.of(changes, samples)
    return DeliveryReport(
        service=scope.service,
        team=scope.team,
        pipeline=scope.pipeline,
        environment=compared,
        start=window.start,
        until=window.until,
        deployments=len(history.within(window).deployments),
        deployment_frequency=deployment_frequency_of(history, window),
        change_lead_time=change_lead_time_of(history, window),
        change_fail_rate=change_fail_rate_of(history, window),
        failed_deployment_recovery_time=recovery_time_of(history, window),
        rework_rate=rework_rate_of(history, window),
    )
