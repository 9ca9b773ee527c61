"""Watching a fresh deployment (§21) over HTTP against the local runner, as the README's CI step
does it: the deployment reported with the pipeline's key, its health polled with the same key
until an alert makes it suspect."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import RunningSystem

pytestmark = pytest.mark.e2e


def health(system: RunningSystem, event_id: str, key: str) -> Any:
    path = f"/api/deployment-events/{event_id}/health?integrationKey={quote(key, safe='')}"
    return system.request("GET", path, admin=False)


def test_ci_polls_a_deployments_health_with_its_pipelines_key(system: RunningSystem) -> None:
    # Given a production deployment reported by CI with its pipeline's key
    team = f"e2e-{uuid.uuid4().hex[:8]}"
    pipeline = system.request(
        "POST", "/api/deployment-pipelines", {"name": team, "integrationType": "API", "teams": [{"id": team}]}
    ).json()
    body = {
        "integrationKey": pipeline["integrationKey"],
        "summary": "shop v3",
        "service": f"{team}-shop",
        "environment": "production",
        "status": "success",
        "timestamp": isoformat(utc_now() - timedelta(minutes=2)),
    }
    sent = system.request("POST", "/api/deployment-events", body, admin=False)
    assert sent.status == 202, sent.body
    change = sent.json()["id"]
    # When CI polls its health with the key, before and after an alert names it as likely cause
    before = health(system, change, pipeline["integrationKey"])
    alert = {
        "id": f"{team}-down",
        "summary": "Checkout errors",
        "reportTime": isoformat(utc_now()),
        "alertSource": {"id": team, "teams": [{"id": team}]},
        "labels": {"service": f"{team}-shop"},
    }
    assert system.request("POST", "/api/alerts", alert).status == 202
    deadline = time.monotonic() + 15
    after = health(system, change, pipeline["integrationKey"])
    while after.json()["state"] != "suspect" and time.monotonic() < deadline:
        time.sleep(0.1)
        after = health(system, change, pipeline["integrationKey"])
    # Then it was watching, and is now suspect with the alert
    assert before.status == 200, before.body
    assert before.json()["state"] == "watching"
    assert after.json()["state"] == "suspect", after.body
    assert [item["alertId"] for item in after.json()["alerts"]] == [f"{team}-down"]
