"""An alert sent to the local runner comes back enriched, through the template's EventBridge rules."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import RunningSystem
from tests.fixture_files import fixture_json

pytestmark = pytest.mark.e2e


def wait_for_enrichment(system: RunningSystem, alert_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = system.request("GET", f"/api/alerts/{alert_id}/deployments")
        if response.status == 200:
            body: dict[str, Any] = response.json()
            return body
        assert response.status == 404
        time.sleep(0.05)
    raise AssertionError(f"alert {alert_id} was not enriched:\n" + "".join(system.output[-40:]))


def test_github_deployment_then_alert_gives_a_team_scoped_enrichment(system: RunningSystem) -> None:
    # Given Payments' GitHub pipeline and a deployment GitHub reported 14 minutes ago
    pipeline = system.request(
        "POST",
        "/api/deployment-pipelines",
        {"name": "shop-github", "integrationType": "GITHUB", "teams": [{"id": "e2e-payments", "name": "Payments"}]},
    ).json()
    payload = fixture_json("github/deployment_status.success.json")
    payload["deployment_status"]["created_at"] = isoformat(utc_now() - timedelta(minutes=14))
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "deployment_status"}
    path = pipeline["integrationUrl"].removeprefix(system.url)
    assert system.request("POST", path, json.dumps(payload).encode(), headers, admin=False).status == 202
    # When the alerting system posts an alert of Payments' escalation policy
    alert = {
        "id": "e2e-alert-1",
        "summary": "Checkout latency",
        "reportTime": isoformat(utc_now()),
        "escalationPolicy": {"id": 9, "name": "Payments", "teams": [{"id": "e2e-payments", "name": "Payments"}]},
        "labels": {"environment": "production"},
    }
    started = time.monotonic()
    assert system.request("POST", "/api/alerts", alert).status == 202
    # Then it is enriched with that deployment and ilert's reason
    enrichment = wait_for_enrichment(system, "e2e-alert-1")
    elapsed = time.monotonic() - started
    assert enrichment["scope"] == "TEAM"
    [related] = enrichment["deployments"]
    assert related["summary"] == "Codertocat deployed Codertocat/Hello-World@master to production"
    assert related["reason"] == (
        'Deployed 14 min before the alert by pipeline "shop-github", in the alert\'s environment production '
        "and owned by team Payments, to which this alert belongs"
    )
    print(f"enriched {elapsed:.2f} s after POST /api/alerts")


def enriched_through(system: RunningSystem, alert_id: str, source_id: str) -> dict[str, Any]:
    """The enrichment of the alert of that id that came through that alert source, once it exists."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = system.request("GET", f"/api/alerts/{alert_id}/deployments?source={source_id}")
        if response.status == 200:
            body: dict[str, Any] = response.json()
            return body
        assert response.status == 404
        time.sleep(0.05)
    raise AssertionError(f"alert {alert_id} of {source_id} was not enriched:\n" + "".join(system.output[-40:]))


def test_the_same_alert_id_through_two_sources_is_two_alerts(system: RunningSystem) -> None:
    # Given two GENERIC alert sources
    sources = [
        system.request("POST", "/api/alert-sources", {"name": f"e2e {name}", "integrationType": "GENERIC"}).json()
        for name in ("first", "second")
    ]
    # When the same alert id comes through each, the second naming the first as its source
    for source, summary in zip(sources, ("Through the first", "Through the second"), strict=True):
        alert = {
            "id": "e2e-shared-id",
            "summary": summary,
            "reportTime": isoformat(utc_now()),
            "alertSource": {"id": sources[0]["id"]},
        }
        path = source["integrationUrl"].removeprefix(system.url)
        assert system.request("POST", path, alert, admin=False).status == 202
        enriched_through(system, "e2e-shared-id", source["id"])
    # Then each source's alert has its own enrichment, read with ?source=
    first, second = (enriched_through(system, "e2e-shared-id", source["id"]) for source in sources)
    assert (first["alert"]["summary"], second["alert"]["summary"]) == ("Through the first", "Through the second")
    assert second["alert"]["alertSource"]["id"] == sources[1]["id"]
    # And without ?source= the routes mean the alert correlated last; a malformed source is 400
    latest = system.request("GET", "/api/alerts/e2e-shared-id/deployments").json()
    assert latest["alert"]["summary"] == "Through the second"
    assert system.request("GET", "/api/alerts/e2e-shared-id/notifications?source=a%23b").status == 400
    unknown = system.request("POST", "/api/alerts/e2e-shared-id/notifications/retry?source=never-a-source")
    assert unknown.status == 404
