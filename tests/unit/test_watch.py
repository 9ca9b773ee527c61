"""Watching a fresh deployment (§21) as a pure rule: what is watched, and the watch's states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.models.alert_list import AlertOfChange
from shared.domain.models.deployments import EventKind
from shared.domain.watch import health_of, not_watched_because

DEPLOYED = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=30)


@pytest.mark.parametrize(
    ("kind", "environment", "status", "watched"),
    [
        (EventKind.DEPLOYMENT, "production", "success", True),
        (EventKind.DEPLOYMENT, "Prod", "succeeded", True),
        (EventKind.CUSTOM, "prd", None, True),
        (EventKind.DEPLOYMENT, "staging", "success", False),
        (EventKind.DEPLOYMENT, None, "success", False),
        (EventKind.DEPLOYMENT, "production", "failure", False),
        (EventKind.DEPLOYMENT, "production", "in_progress", False),
        (EventKind.MERGE, "production", None, False),
        (EventKind.PUSH, "production", None, False),
    ],
)
def test_only_successful_production_deployments_are_watched(
    kind: EventKind, environment: str | None, status: str | None, watched: bool
) -> None:
    # Given a change's kind, environment and status
    # When the watch judges it
    reason = not_watched_because(kind, environment, status)
    # Then it is watched, or a reason says why not
    assert (reason is None) is watched


def named(minutes_after: float, *, likely: bool = True) -> AlertOfChange:
    return AlertOfChange(
        alert_id=f"alert-{minutes_after}",
        summary="shop is failing",
        report_time=DEPLOYED + timedelta(minutes=minutes_after),
        score=0.8 if likely else 0.3,
        is_likely_cause=likely,
    )


@pytest.mark.parametrize(
    ("alerts", "minutes_now", "state"),
    [
        ([], 5, "watching"),
        ([], 30, "clean"),
        ([named(10, likely=False)], 5, "watching"),
        ([named(10, likely=False)], 45, "clean"),
        ([named(10)], 12, "suspect"),
        ([named(10)], 600, "suspect"),
        ([named(31)], 45, "clean"),
        ([named(-1)], 45, "clean"),
    ],
)
def test_the_watchs_state(alerts: list[AlertOfChange], minutes_now: float, state: str) -> None:
    # Given the alerts that named a deployment, and a moment after it
    now = DEPLOYED + timedelta(minutes=minutes_now)
    # When its health is judged
    health = health_of(DEPLOYED, alerts, now, WINDOW)
    # Then the state is watching, clean or suspect, and the watch ends WatchMinutes after the deployment
    assert health.state == state
    assert health.until == DEPLOYED + WINDOW
    assert [alert.alert_id for alert in health.alerts] == [a.alert_id for a in alerts if state == "suspect"]
