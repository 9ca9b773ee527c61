"""Bus events and PutEvents requests within EventBridge's limits (§22), with the largest
deployments the API accepts and ``MaxRelatedDeployments=20``, through the whole flow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters import bus
from shared.domain.models.alerts import LINKS_KEPT
from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Bus
from tests.recording_server import RecordingServer, recording_server

LIMIT = 256 * 1024
TEAM = {"id": "payments", "name": "Payments"}


@pytest.fixture
def target() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def stack_parameters(target: RecordingServer) -> dict[str, str]:
    return {
        "MaxRelatedDeployments": "20",
        "EnrichmentWebhookUrl": f"{target.url}/enrichment",
        "EnrichmentWebhookSecretParameter": "/deployment-events/enrichment-webhook-secret",
    }


def largest_deployment(number: int, minutes_ago: int) -> dict[str, Any]:
    """Every field at the most the API accepts; facts in two-byte characters."""
    fact = "ü" * 512
    return {
        "summary": f"{number:04d}" + "s" * 1020,
        "timestamp": isoformat(utc_now() - timedelta(minutes=minutes_ago)),
        "links": [
            {"href": f"https://ci.example.com/{number}/{link:02d}/".ljust(2048, "x"), "text": "t" * 255}
            for link in range(50)
        ],
        **dict.fromkeys(("repository", "service", "environment", "version", "commitSha", "branch"), fact),
        "status": fact,
    }


def deploy_largest(api: Api, count: int) -> None:
    key = api.create_pipeline("API", name="shop", teams=[TEAM])["integrationKey"]
    for number in range(count):
        body = {"integrationKey": key, **largest_deployment(number, minutes_ago=number + 1)}
        response = api.call("POST", "/api/deployment-events", body)
        assert response.status == 202, response.body


def alert(alert_id: str, **fields: Any) -> dict[str, Any]:
    source = {"id": "shop-api", "name": "Shop API", "teams": [TEAM]}
    return {
        "id": alert_id,
        "summary": "Checkout errors",
        "reportTime": isoformat(utc_now()),
        "alertSource": source,
        **fields,
    }


def assert_within_limits(requests: list[list[dict[str, Any]]]) -> None:
    assert requests
    for entries in requests:
        assert len(entries) <= bus.MAX_ENTRIES_PER_CALL
        assert sum(bus.entry_bytes(entry) for entry in entries) <= LIMIT
        assert all(bus.entry_bytes(entry) <= LIMIT for entry in entries)


def sent_of(requests: list[list[dict[str, Any]]], detail_type: str) -> list[dict[str, Any]]:
    return [
        json.loads(entry["Detail"]) for entries in requests for entry in entries if entry["DetailType"] == detail_type
    ]


def test_twenty_of_the_largest_deployments_are_enriched_and_notified(
    api: Api, alert_bus: Bus, target: RecordingServer, requests_sent: list[list[dict[str, Any]]]
) -> None:
    # Given twenty deployments of the largest size the API accepts, in the alert's team window
    deploy_largest(api, 20)
    # When an alert of that team is correlated, with twenty deployments kept
    alert_bus.put_alert(alert("big-1"))
    alert_bus.deliver()
    # Then every event and request our functions put on the bus is within EventBridge's limits
    assert_within_limits(requests_sent)
    # And the enrichment carries each deployment's essentials: its first five links
    stored = api.call("GET", "/api/alerts/big-1/deployments").json()
    assert len(stored["deployments"]) == 20
    assert all(len(item["links"]) == LINKS_KEPT for item in stored["deployments"])
    [correlated] = sent_of(requests_sent, "Alert Correlated")
    [enriched] = sent_of(requests_sent, "Alert Enriched")
    assert correlated == enriched == stored
    # And it was posted to the enrichment webhook
    [posted] = target.requests
    assert json.loads(posted.body) == stored


def test_an_event_still_too_large_refers_to_the_stored_enrichment(
    api: Api, alert_bus: Bus, target: RecordingServer, requests_sent: list[list[dict[str, Any]]]
) -> None:
    # Given twenty of the largest deployments, and an alert with the largest labels and summary
    deploy_largest(api, 20)
    labels = {f"{index:02d}".ljust(128, "n"): "ü" * 512 for index in range(64)}
    alert_bus.put_alert(alert("big-2", summary="S" * 4096, labels=labels))
    # When it is correlated
    alert_bus.deliver()
    # Then its events carry the alert's identity and a marker, within the limits
    assert_within_limits(requests_sent)
    [correlated] = sent_of(requests_sent, "Alert Correlated")
    [enriched] = sent_of(requests_sent, "Alert Enriched")
    assert correlated == enriched
    assert correlated["alertId"] == "big-2"
    assert correlated["stored"] is True
    # And enrich and notify read the stored enrichment: the alert is enriched and notified in full
    stored = api.call("GET", "/api/alerts/big-2/deployments").json()
    assert len(stored["deployments"]) == 20
    assert stored["alert"]["labels"] == labels
    [posted] = target.requests
    assert json.loads(posted.body) == stored


def test_the_preview_answers_what_correlation_stores(api: Api, alert_bus: Bus) -> None:
    # Given twenty of the largest deployments, and an alert correlated with them
    deploy_largest(api, 20)
    body = alert("big-3")
    alert_bus.put_alert(body)
    alert_bus.deliver()
    # When the same alert is previewed
    preview = api.call("POST", "/api/alerts/preview", body)
    # Then it answers the deployments correlation stored, as stored
    assert preview.status == 200, preview.body
    stored = api.call("GET", "/api/alerts/big-3/deployments").json()
    assert preview.json()["deployments"] == stored["deployments"]


def test_an_alert_too_large_for_one_event_is_413(api: Api, alert_bus: Bus) -> None:
    # Given an alert at every limit of §4, in four-byte characters: over 256 KB as an event
    character = "\U0001f600"
    teams = [{"id": f"{index:02d}".ljust(128, "t"), "name": character * 255} for index in range(50)]
    resource = {"id": "r" * 128, "name": character * 255, "teams": teams}
    labels = {f"{index:02d}".ljust(128, "n"): character * 512 for index in range(64)}
    body = alert("huge", summary=character * 4096, labels=labels, escalationPolicy=resource) | {"alertSource": resource}
    # When it is posted
    response = api.call("POST", "/api/alerts", body)
    # Then it is refused as too large, and nothing is on the bus
    assert response.status == 413, response.body
    assert alert_bus.observed("Alert Created") == []
