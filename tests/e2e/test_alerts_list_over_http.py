"""Alerts, listed (§18), over HTTP against the local runner: an alert correlated through the bus
is listed under its team, pages never overlap, and its change lists it with its score."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import RunningSystem

pytestmark = pytest.mark.e2e


def listed(system: RunningSystem, query: str, count: int) -> dict[str, Any]:
    """The list's page once it holds ``count`` alerts: correlation runs behind the bus."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = system.request("GET", f"/api/alerts?{query}")
        assert response.status == 200, response.body
        page: dict[str, Any] = response.json()
        if len(page["items"]) >= count:
            return page
        time.sleep(0.05)
    raise AssertionError(f"{count} alerts were not listed for {query}:\n" + "".join(system.output[-40:]))


def test_alerts_are_listed_by_team_paged_and_under_their_change(system: RunningSystem) -> None:
    # Given a team's deployment of shop and three alerts of the team's about shop
    team = f"e2e-{uuid.uuid4().hex[:8]}"
    pipeline = system.request(
        "POST", "/api/deployment-pipelines", {"name": team, "integrationType": "API", "teams": [{"id": team}]}
    ).json()
    body = {
        "integrationKey": pipeline["integrationKey"],
        "summary": "shop v2",
        "service": "shop",
        "timestamp": isoformat(utc_now() - timedelta(minutes=5)),
    }
    sent = system.request("POST", "/api/deployment-events", body, admin=False)
    assert sent.status == 202, sent.body
    change = sent.json()["id"]
    for minutes in range(3):
        alert = {
            "id": f"{team}-{minutes}",
            "summary": "Checkout errors",
            "reportTime": isoformat(utc_now() - timedelta(minutes=minutes)),
            "alertSource": {"id": team, "teams": [{"id": team}]},
            "labels": {"service": "shop"},
        }
        assert system.request("POST", "/api/alerts", alert).status == 202
    # When all three are listed (correlation runs behind the bus), and read two at a time
    listed(system, f"team={team}", 3)
    first = listed(system, f"team={team}&max-results=2", 2)
    second = listed(system, f"team={team}&max-results=2&cursor={first['nextCursor']}", 1)
    # Then the pages hold each alert once, newest first, each with the deployment as its likely cause
    pages = first["items"] + second["items"]
    assert [item["alertId"] for item in pages] == [f"{team}-{minutes}" for minutes in range(3)]
    assert {item["likelyCause"]["id"] for item in pages} == {change}
    assert second["nextCursor"] is None
    # And the change lists the three alerts with its score for each
    alerts = system.request("GET", f"/api/deployment-events/{change}/alerts")
    assert alerts.status == 200, alerts.body
    assert sorted(item["alertId"] for item in alerts.json()["items"]) == [f"{team}-{minutes}" for minutes in range(3)]
    assert all(0 < item["score"] <= 1 for item in alerts.json()["items"])


def test_a_bad_cursor_is_400(system: RunningSystem) -> None:
    assert system.request("GET", "/api/alerts?cursor=not-a-cursor!").status == 400
