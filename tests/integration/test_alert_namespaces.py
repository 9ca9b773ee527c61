"""Alerts namespaced by their source (§22): the same id sent through two alert sources is two
alerts, each with its own enrichment and notifications; the alert routes take ``?source=`` and
without it mean the alert of that id correlated last. Through the handlers and the template's
rules, to a recording HTTP server standing for Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Bus
from tests.integration.test_notifications import alertmanager_delivery, deliver, source_with
from tests.recording_server import RecordingServer, recording_server

FORGED_SUMMARY = "Forged through another source's key"
MALFORMED = ("a%23b", "x" * 129, "")
"""Source ids no alert source can have: with the key separator, too long, empty."""


@pytest.fixture
def slack() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def deployed(api: Api) -> None:
    pipeline = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    body = {"integrationKey": pipeline["integrationKey"], "summary": "shop v2 to production", "service": "shop"}
    assert api.call("POST", "/api/deployment-events", body).status == 202


def forged_alert(alert_id: str, impersonated: dict[str, Any]) -> bytes:
    """A generic alert of another source's id that names that source as its own."""
    alert = {
        "id": alert_id,
        "summary": FORGED_SUMMARY,
        "reportTime": isoformat(utc_now()),
        "alertSource": {"id": impersonated["id"], "name": impersonated["name"]},
    }
    return json.dumps(alert).encode()


def read(api: Api, path: str, source: str | None = None) -> Any:
    response = api.call("GET", path, query=f"source={source}" if source else "")
    assert response.status == 200, response.body
    return response.json()


def test_a_generic_key_cannot_overwrite_another_sources_alert(
    api: Api, alert_bus: Bus, slack: RecordingServer, deployed: None
) -> None:
    # Given an Alertmanager source whose alert was enriched and posted to its Slack
    victim = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{slack.url}/victim"}])
    [alert_id] = deliver(api, victim, alertmanager_delivery())
    alert_bus.deliver()
    before = read(api, f"/api/alerts/{alert_id}/deployments", victim["id"])
    # When a GENERIC source's key sends that alert's id, naming the victim as its source
    generic = source_with(api, "GENERIC", [])
    assert deliver(api, generic, forged_alert(alert_id, victim)) == [alert_id]
    alert_bus.deliver()
    # Then the victim's enrichment and notifications are as they were
    assert read(api, f"/api/alerts/{alert_id}/deployments", victim["id"]) == before
    [status] = read(api, f"/api/alerts/{alert_id}/notifications", victim["id"])
    assert (status["type"], status["status"], status["attempts"]) == ("SLACK", "delivered", 1)
    # And the generic key's alert is another alert, of its own source (intake set it, not the body)
    forged = read(api, f"/api/alerts/{alert_id}/deployments", generic["id"])
    assert forged["alert"]["summary"] == FORGED_SUMMARY
    assert forged["alert"]["alertSource"]["id"] == generic["id"]
    assert read(api, f"/api/alerts/{alert_id}/notifications", generic["id"]) == []
    assert [request.path for request in slack.requests] == ["/victim"]


def test_two_sources_sharing_a_slack_webhook_each_get_their_message(
    api: Api, alert_bus: Bus, slack: RecordingServer, deployed: None
) -> None:
    # Given two alert sources posting to the same Slack webhook
    shared = {"type": "SLACK", "webhookUrl": f"{slack.url}/services/shared"}
    alertmanager = source_with(api, "ALERTMANAGER", [shared])
    generic = source_with(api, "GENERIC", [shared])
    # When an alert comes through the first, and the same id through the second
    [alert_id] = deliver(api, alertmanager, alertmanager_delivery())
    alert_bus.deliver()
    deliver(api, generic, forged_alert(alert_id, alertmanager))
    alert_bus.deliver()
    # Then Slack got both messages, each linking to its own alert's page
    first, second = (json.dumps(json.loads(request.body)) for request in slack.requests)
    assert "High CPU core temperature" in first
    assert f"source={alertmanager['id']}" in first
    assert FORGED_SUMMARY in second
    assert f"source={generic['id']}" in second
    # And each alert records its own delivery
    for source in (alertmanager, generic):
        [status] = read(api, f"/api/alerts/{alert_id}/notifications", source["id"])
        assert (status["status"], status["attempts"]) == ("delivered", 1)


def test_without_a_source_the_routes_mean_the_alert_correlated_last(
    api: Api, alert_bus: Bus, slack: RecordingServer, deployed: None
) -> None:
    # Given the same alert id through an Alertmanager source, then through a GENERIC one
    alertmanager = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{slack.url}/first"}])
    generic = source_with(api, "GENERIC", [])
    [alert_id] = deliver(api, alertmanager, alertmanager_delivery())
    alert_bus.deliver()
    deliver(api, generic, forged_alert(alert_id, alertmanager))
    alert_bus.deliver()
    # When the routes are read without ?source=
    latest = read(api, f"/api/alerts/{alert_id}/deployments")
    notifications = read(api, f"/api/alerts/{alert_id}/notifications")
    retried = api.call("POST", f"/api/alerts/{alert_id}/notifications/retry")
    # Then they mean the GENERIC source's alert, correlated last
    assert latest["alert"]["alertSource"]["id"] == generic["id"]
    assert notifications == []
    assert (retried.status, retried.json()) == (202, [])
    # And ?source= still reaches the first
    first = read(api, f"/api/alerts/{alert_id}/deployments", alertmanager["id"])
    assert first["alert"]["alertSource"]["id"] == alertmanager["id"]


def test_an_alert_that_names_no_source_is_found_without_one(api: Api, alert_bus: Bus) -> None:
    # Given an alert posted to /api/alerts without an alertSource
    alert = {"id": "no-source-1", "summary": "Disk full", "reportTime": isoformat(utc_now())}
    assert api.call("POST", "/api/alerts", alert).status == 202
    alert_bus.deliver()
    # When its enrichment and notifications are read without ?source=
    # Then they are found; under any source's id they are not
    assert read(api, "/api/alerts/no-source-1/deployments")["alert"]["summary"] == "Disk full"
    assert read(api, "/api/alerts/no-source-1/notifications") == []
    assert api.call("GET", "/api/alerts/no-source-1/deployments", query="source=some-source").status == 404


@pytest.mark.parametrize("route", ["GET deployments", "GET notifications", "POST notifications/retry"])
def test_an_unknown_alert_or_source_is_404_and_a_malformed_source_400(api: Api, alert_bus: Bus, route: str) -> None:
    # Given an alert correlated through no source
    alert = {"id": "known-1", "reportTime": isoformat(utc_now())}
    assert api.call("POST", "/api/alerts", alert).status == 202
    alert_bus.deliver()
    method, tail = route.split(" ")
    # When a route is called for an id never correlated, a source it never came through, or a
    # source id no source can have
    never = api.call(method, f"/api/alerts/never-correlated/{tail}")
    elsewhere = api.call(method, f"/api/alerts/known-1/{tail}", query="source=another-source")
    malformed = [api.call(method, f"/api/alerts/known-1/{tail}", query=f"source={value}") for value in MALFORMED]
    # Then 404 for the first two, and 400 for the malformed ones, never a 500
    assert (never.status, elsewhere.status) == (404, 404)
    assert [response.status for response in malformed] == [400, 400, 400]
