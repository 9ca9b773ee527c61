"""Watching a fresh deployment (§21): ``GET /api/deployment-events/{id}/health`` through the API
handler, its three states, who may read it, and what it costs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.store.client import dynamodb
from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Bus
from tests.integration.test_alerts_list import correlate

SHOP = {"id": "shop-team", "name": "Shop"}


def deploy(api: Api, pipeline: dict[str, Any], *, minutes_ago: float = 1, **facts: str | None) -> str:
    body = {
        "integrationKey": pipeline["integrationKey"],
        "summary": "shop v2 to production",
        "service": "shop",
        "environment": "prod",
        "status": "success",
        "timestamp": isoformat(utc_now() - timedelta(minutes=minutes_ago)),
        **facts,
    }
    response = api.call("POST", "/api/deployment-events", body)
    assert response.status == 202, response.body
    return str(response.json()["id"])


def health(api: Api, event_id: str) -> dict[str, Any]:
    response = api.call("GET", f"/api/deployment-events/{event_id}/health")
    assert response.status == 200, response.body
    answer: dict[str, Any] = response.json()
    return answer


def health_with_key(api: Api, event_id: str, key: str | None) -> Any:
    query = f"integrationKey={key}" if key is not None else ""
    return api.gateway.handle("GET", f"/api/deployment-events/{event_id}/health", query, {}, b"")


@pytest.fixture
def pipeline(api: Api) -> dict[str, Any]:
    return api.create_pipeline("API", teams=[SHOP])


def test_a_fresh_production_deployment_is_watched(api: Api, pipeline: dict[str, Any]) -> None:
    # Given a successful production deployment a minute ago
    event_id = deploy(api, pipeline)
    # When its health is asked for
    answer = health(api, event_id)
    # Then it is watched for WatchMinutes (30) after it, with no alert yet
    assert answer["state"] == "watching"
    assert answer["alerts"] == []
    remaining = (utc_now() + timedelta(minutes=29)).isoformat()
    assert answer["until"] > remaining[:16]


def test_a_watch_without_alerts_ends_clean(api: Api, pipeline: dict[str, Any]) -> None:
    # Given a production deployment 40 minutes ago, past its 30 minutes
    event_id = deploy(api, pipeline, minutes_ago=40)
    # When its health is asked for
    # Then it is clean
    assert health(api, event_id)["state"] == "clean"


def test_an_alert_naming_it_as_likely_cause_makes_it_suspect(
    api: Api, alert_bus: Bus, pipeline: dict[str, Any]
) -> None:
    # Given a fresh production deployment of shop
    event_id = deploy(api, pipeline)
    # When an alert of shop's names it as likely cause
    correlate(alert_bus, "shop-down", teams=[SHOP], service="shop")
    # Then the deployment is suspect, with the alert and its score
    answer = health(api, event_id)
    assert answer["state"] == "suspect"
    [alert] = answer["alerts"]
    assert alert["alertId"] == "shop-down"
    assert alert["summary"] == "shop-down is failing"
    assert alert["score"] >= 0.5
    assert alert["source"]["id"] == "7"


def test_an_alert_after_the_watch_does_not_make_it_suspect(api: Api, alert_bus: Bus, pipeline: dict[str, Any]) -> None:
    # Given a production deployment 40 minutes ago, past its watch
    event_id = deploy(api, pipeline, minutes_ago=40)
    # When an alert names it as likely cause now
    correlate(alert_bus, "shop-down", teams=[SHOP], service="shop")
    # Then it stays clean
    assert health(api, event_id)["state"] == "clean"


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"environment": "staging"}, "only production deployments are watched"),
        ({"status": "failure"}, "only successful deployments are watched; this one is 'failure'"),
    ],
)
def test_a_change_that_is_not_watched_is_clean_with_a_reason(
    api: Api, pipeline: dict[str, Any], facts: dict[str, Any], reason: str
) -> None:
    # Given a staging deployment, or a failed one
    event_id = deploy(api, pipeline, **facts)
    # When its health is asked for
    answer = health(api, event_id)
    # Then it is clean, says why, and has no watch's end
    assert answer == {"state": "clean", "alerts": [], "reason": reason}


def test_a_deployment_without_status_is_watched(api: Api, pipeline: dict[str, Any]) -> None:
    # Given a production deployment that names no status
    event_id = deploy(api, pipeline, status=None)
    # Then it is watched as a finished one
    assert health(api, event_id)["state"] == "watching"


def test_the_pipelines_own_key_opens_it(api: Api, pipeline: dict[str, Any]) -> None:
    # Given a deployment of the pipeline
    event_id = deploy(api, pipeline)
    # When CI asks with the pipeline's key and no admin token
    response = health_with_key(api, event_id, pipeline["integrationKey"])
    # Then it gets the health
    assert response.status == 200, response.body
    assert response.json()["state"] == "watching"


def test_another_pipelines_key_is_told_nothing(api: Api, pipeline: dict[str, Any]) -> None:
    # Given a deployment of one pipeline and another pipeline's key
    event_id = deploy(api, pipeline)
    other = api.create_pipeline("API", name="other")
    # When the other key asks for the deployment, or for one that does not exist
    theirs = health_with_key(api, event_id, other["integrationKey"])
    missing = health_with_key(api, "no-such-event", other["integrationKey"])
    # Then both get the same 404, which does not say whether the event exists
    assert theirs.status == missing.status == 404
    assert theirs.json()["message"] == "no deployment event with id '" + event_id + "'"
    assert missing.json()["message"] == "no deployment event with id 'no-such-event'"


def test_an_unknown_key_and_no_key_are_refused(api: Api, pipeline: dict[str, Any]) -> None:
    # Given a deployment
    event_id = deploy(api, pipeline)
    # When asked with an unknown key, or with neither key nor token
    unknown = health_with_key(api, event_id, "not-a-key")
    anonymous = health_with_key(api, event_id, None)
    # Then the unknown key gets 404 and the anonymous request 401
    assert unknown.status == 404
    assert anonymous.status == 401


def test_an_unknown_event_is_404_for_the_admin(api: Api) -> None:
    # Given no event
    # When the admin asks for one's health
    response = api.call("GET", "/api/deployment-events/no-such-event/health")
    # Then it is 404
    assert response.status == 404


@pytest.fixture
def dynamodb_calls() -> Iterator[list[str]]:
    """The DynamoDB operations the functions make, by name."""
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name.rsplit(".", 1)[-1])

    client = dynamodb()
    client.meta.events.register("before-call.dynamodb", record)
    yield calls
    client.meta.events.unregister("before-call.dynamodb", record)


@pytest.mark.parametrize("with_key", [False, True])
def test_health_costs_two_reads(
    api: Api, alert_bus: Bus, pipeline: dict[str, Any], dynamodb_calls: list[str], with_key: bool
) -> None:
    # Given a suspect deployment
    event_id = deploy(api, pipeline)
    correlate(alert_bus, "shop-down", teams=[SHOP], service="shop")
    dynamodb_calls.clear()
    # When its health is asked for by the admin or with the pipeline's key
    key = pipeline["integrationKey"] if with_key else None
    response = (
        health_with_key(api, event_id, key)
        if with_key
        else api.call("GET", f"/api/deployment-events/{event_id}/health")
    )
    # Then it took one BatchGetItem and one Query, whatever the key
    assert response.status == 200
    assert dynamodb_calls == ["BatchGetItem", "Query"]
