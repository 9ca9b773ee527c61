"""Watching a fresh deployment (§21): which changes are watched, for how long, and what the
alerts that named one as their likely cause say of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from shared.domain.models.alert_list import AlertOfChange, ListedSource
from shared.domain.models.common import ApiModel, UtcTime
from shared.domain.models.deployments import EventKind
from shared.domain.names import environment_key

WatchState = Literal["watching", "clean", "suspect"]
PRODUCTION = "production"
WATCHED_KINDS = frozenset({EventKind.DEPLOYMENT, EventKind.CUSTOM})
"""Deployments, and the generic API's changes: what CI reports through it is its deployments."""
SUCCESSFUL = frozenset({"success", "succeeded", "successful"})
"""The statuses senders give a deployment that went out (GitHub, GitLab, Argo CD, the generic API)."""


class WatchedAlert(ApiModel):
    alert_id: str
    summary: str | None = None
    score: float
    """The deployment's score for this alert (§17)."""
    source: ListedSource | None = None
    """The alert's source: an alert is named by its source and id (§22)."""


class DeploymentHealth(ApiModel):
    """``GET /api/deployment-events/{id}/health``: what CI waits on before promoting."""

    state: WatchState
    until: UtcTime | None = None
    """The end of the watch; absent for a change that is not watched."""
    alerts: list[WatchedAlert]
    reason: str | None = None
    """Why a change is not watched (its state is then ``clean``)."""


def not_watched_because(kind: EventKind, environment: str | None, status: str | None) -> str | None:
    """Why a change is not watched, or None for a successful production deployment. A deployment
    that names no status is taken as done: the generic API's senders often report only finished ones."""
    if kind not in WATCHED_KINDS:
        return f"only deployments are watched, not a {kind.value}"
    if environment_key(environment) != PRODUCTION:
        return "only production deployments are watched"
    if status is not None and status.strip().casefold() not in SUCCESSFUL:
        return f"only successful deployments are watched; this one is {status!r}"
    return None


def within_watch(deployed_at: datetime, alert_onset: datetime, window: timedelta) -> bool:
    """Whether an alert began while the deployment was watched."""
    return deployed_at <= alert_onset <= deployed_at + window


def health_of(
    deployed_at: datetime, named_it: list[AlertOfChange], now: datetime, window: timedelta
) -> DeploymentHealth:
    """``suspect`` once an alert of the watch names the deployment its likely cause (and for
    good); else ``watching`` until the window closes, then ``clean``."""
    until = deployed_at + window
    suspects = [
        WatchedAlert(alert_id=alert.alert_id, summary=alert.summary, score=alert.score, source=alert.source)
        for alert in named_it
        if alert.is_likely_cause and within_watch(deployed_at, alert.report_time, window)
    ]
    state: WatchState = "suspect" if suspects else "watching" if now < until else "clean"
    return DeploymentHealth(state=state, until=until, alerts=suspects)


def unwatched(reason: str) -> DeploymentHealth:
    return DeploymentHealth(state="clean", alerts=[], reason=reason)
