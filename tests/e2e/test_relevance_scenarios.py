"""§17 over HTTP: the incident patterns a responder meets, each sent to the local runner as a
team's deployments and an alert, and the enrichment naming the cause, or saying none stands out."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import RunningSystem
from tests.fixture_files import fixture_bytes, fixture_json

pytestmark = pytest.mark.e2e


class Scenario:
    """One team of its own (so TEAM scope keeps scenarios apart), its pipeline and its changes."""

    def __init__(self, system: RunningSystem, name: str, onset_from_now: timedelta = -timedelta(minutes=5)) -> None:
        self.system = system
        self.team = f"relevance-{name}-{time.monotonic_ns()}"
        pipeline = system.request(
            "POST",
            "/api/deployment-pipelines",
            {"name": f"{name}-ci", "integrationType": "API", "teams": [{"id": self.team}]},
        ).json()
        self.key = pipeline["integrationKey"]
        self.onset = utc_now() + onset_from_now
        self.ids: dict[str, str] = {}

    def change(self, label: str, minutes_before: float, **fields: Any) -> None:
        body = {
            "integrationKey": self.key,
            "summary": label,
            "timestamp": isoformat(self.onset - timedelta(minutes=minutes_before)),
            **fields,
        }
        response = self.system.request("POST", "/api/deployment-events", body, admin=False)
        assert response.status == 202, response.body
        self.ids[label] = response.json()["id"]

    def github_push(self, label: str) -> None:
        """GitHub's own push delivery, which the system times at its arrival (now)."""
        created = self.system.request(
            "POST",
            "/api/deployment-pipelines",
            {"name": "github", "integrationType": "GITHUB", "teams": [{"id": self.team}]},
        ).json()
        path = created["integrationUrl"].removeprefix(self.system.url)
        body = fixture_bytes("github/push.default-branch.json")
        headers = {"Content-Type": "application/json", "X-GitHub-Event": "push"}
        response = self.system.request("POST", path, body, headers, admin=False)
        assert response.status == 202, response.body
        self.ids[label] = response.json()["id"]

    def alert(self, **labels: str) -> dict[str, Any]:
        alert_id = f"{self.team}-alert"
        alert = {
            "id": alert_id,
            "reportTime": isoformat(self.onset),
            "escalationPolicy": {"id": 1, "teams": [{"id": self.team}]},
            "labels": labels,
        }
        assert self.system.request("POST", "/api/alerts", alert).status == 202
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            response = self.system.request("GET", f"/api/alerts/{alert_id}/deployments")
            if response.status == 200:
                enrichment: dict[str, Any] = response.json()
                return enrichment
            time.sleep(0.05)
        raise AssertionError(f"alert {alert_id} was not enriched")

    def label_of(self, change_id: str | None) -> str | None:
        return next((label for label, known in self.ids.items() if known == change_id), None)


def listed(scenario: Scenario, enrichment: dict[str, Any]) -> list[str | None]:
    return [scenario.label_of(item["id"]) for item in enrichment["deployments"]]


def test_the_alerts_service_stands_out_among_bystanders(system: RunningSystem) -> None:
    # Given a production deployment of shop 14 minutes before, another service's deployment and a push since
    scenario = Scenario(system, "bystanders")
    scenario.change("shop", 14, service="shop", environment="production")
    scenario.change("search", 3, service="search", environment="production")
    scenario.change("web", 1, repository="acme/web")
    # When shop's alert fires
    enrichment = scenario.alert(service="shop", environment="production")
    # Then shop's deployment is the likely cause, with its evidence
    assert scenario.label_of(enrichment["likelyCause"]) == "shop"
    first = enrichment["deployments"][0]
    assert first["confidence"] == "likely"
    assert {item["code"] for item in first["evidence"]} >= {"TIME", "SERVICE", "ENVIRONMENT"}


def test_a_change_after_the_alert_is_shown_but_never_the_cause(system: RunningSystem) -> None:
    scenario = Scenario(system, "after")
    scenario.change("rollback", -1, service="shop", environment="production")
    enrichment = scenario.alert(service="shop", environment="production")
    [after] = enrichment["deployments"]
    assert after["afterAlert"] is True
    assert enrichment["likelyCause"] is None
    assert enrichment["noLikelyCause"] == "No change stands out: every change in the window came after the alert."


def test_a_dependency_of_the_alerts_service_is_named(system: RunningSystem) -> None:
    # Given a catalog in which web depends on checkout, and checkout deployed 10 minutes before
    scenario = Scenario(system, "dependency")
    web, checkout = f"{scenario.team}-web", f"{scenario.team}-checkout"
    assert system.request("PUT", f"/api/services/{web}", {"dependsOn": [checkout]}).status == 200
    scenario.change("checkout", 10, service=checkout)
    scenario.change("search", 5, service=f"{scenario.team}-search")
    # When web's alert fires
    enrichment = scenario.alert(service=web)
    # Then checkout's deployment is named, because web depends on it
    assert scenario.label_of(enrichment["likelyCause"]) == "checkout"
    assert "DEPENDENCY" in {item["code"] for item in enrichment["deployments"][0]["evidence"]}


def test_the_version_the_alert_names_wins_over_a_newer_one(system: RunningSystem) -> None:
    scenario = Scenario(system, "version")
    scenario.change("1.4.2", 30, service="shop", version="1.4.2")
    scenario.change("1.4.1", 180, service="shop", version="1.4.1")
    enrichment = scenario.alert(service="shop", version="1.4.2")
    assert scenario.label_of(enrichment["likelyCause"]) == "1.4.2"
    assert listed(scenario, enrichment) == ["1.4.2", "1.4.1"]


def test_the_alerts_environment_wins_over_a_newer_staging_deployment(system: RunningSystem) -> None:
    scenario = Scenario(system, "environment")
    scenario.change("staging", 5, service="shop", environment="staging")
    scenario.change("production", 20, service="shop", environment="prod")
    enrichment = scenario.alert(service="shop", environment="production")
    assert scenario.label_of(enrichment["likelyCause"]) == "production"


def test_a_deployment_wins_over_the_push_that_triggered_it(system: RunningSystem) -> None:
    # Given a push to Hello-World now, and the deployment of its commit a minute later
    scenario = Scenario(system, "push", onset_from_now=timedelta(minutes=2))
    scenario.github_push("push")
    sha = fixture_json("github/push.default-branch.json")["after"]
    scenario.change("deployment", 1, service="Hello-World", commitSha=sha)
    # When Hello-World's alert fires a minute after that
    enrichment = scenario.alert(service="hello-world")
    # Then the deployment is named, not the push
    assert scenario.label_of(enrichment["likelyCause"]) == "deployment"
    assert listed(scenario, enrichment) == ["deployment", "push"]


def test_an_alert_no_change_caused_says_so(system: RunningSystem) -> None:
    scenario = Scenario(system, "no-cause")
    scenario.change("old push elsewhere", 3 * 24 * 60, repository="acme/search")
    enrichment = scenario.alert(service="shop")
    assert enrichment["likelyCause"] is None
    assert enrichment["noLikelyCause"].startswith('No change stands out: the closest is "old push elsewhere"')
    assert enrichment["deployments"][0]["confidence"] == "unlikely"


def test_two_near_identical_candidates_are_ambiguous(system: RunningSystem) -> None:
    scenario = Scenario(system, "ambiguous")
    scenario.change("first", 10, service="shop")
    scenario.change("second", 11, service="shop")
    enrichment = scenario.alert(service="shop")
    assert enrichment["ambiguous"] is True
    assert enrichment["likelyCause"] is None
    assert "about as likely" in enrichment["noLikelyCause"]
