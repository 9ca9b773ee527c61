"""The deployer's direct message (§21) through the template's rules and the notify function,
against the Slack Web API stand-in: looked up by e-mail, sent once per (alert, deployment)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Aws, Bus
from tests.integration.test_slack_app import BOT_TOKEN, enrichment_of, fire, firing, republish, slack_app_source
from tests.recording_server import RecordingServer
from tests.slack_stand_in import API_PATH, calls, slack_error, slack_stand_in, slack_user_id

DEPLOYER = "grace@example.com"
LOOKUP = f"{API_PATH}users.lookupByEmail"


@pytest.fixture
def slack() -> Iterator[RecordingServer]:
    with slack_stand_in() as server:
        yield server


@pytest.fixture
def stack_parameters(slack: RecordingServer) -> dict[str, str]:
    return {"SlackApiUrl": f"{slack.url}{API_PATH}"}


def deploy(api: Api, *, minutes_ago: float = 1, **facts: Any) -> str:
    pipeline = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    body = {
        "integrationKey": pipeline["integrationKey"],
        "summary": "shop v2 to production",
        "service": "shop",
        "environment": "production",
        "userEmail": DEPLOYER,
        "timestamp": isoformat(utc_now() - timedelta(minutes=minutes_ago)),
        **facts,
    }
    response = api.call("POST", "/api/deployment-events", body)
    assert response.status == 202, response.body
    return str(response.json()["id"])


def shop_alert() -> bytes:
    """The fixture's alert, of the deployed service."""
    delivery = json.loads(firing())
    delivery["alerts"][0]["labels"]["service"] = "shop"
    return json.dumps(delivery).encode()


def direct_messages(slack: RecordingServer) -> list[dict[str, Any]]:
    return [call for call in calls(slack, "chat.postMessage") if call["channel"] == slack_user_id(DEPLOYER)]


def test_the_deployer_hears_once_that_their_deployment_is_the_likely_cause(
    api: Api, aws: Aws, alert_bus: Bus, slack: RecordingServer
) -> None:
    # Given a fresh production deployment by grace, and a source with a Slack app target
    event_id = deploy(api)
    source = slack_app_source(api)
    # When an alert names it as likely cause, and its enrichment is delivered again
    alert_id = fire(api, source, shop_alert())
    alert_bus.deliver()
    enrichment = enrichment_of(api, alert_id)
    assert enrichment["likelyCause"] == event_id
    republish(aws, enrichment)
    alert_bus.deliver()
    # Then Slack looked grace up by her address, as the bot, in a form body
    [lookup] = [request for request in slack.requests if request.path == LOOKUP]
    assert lookup.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert lookup.body == b"email=grace%40example.com"
    # And she got one direct message naming the alert and the deployment
    [message] = direct_messages(slack)
    assert "shop v2 to production" in message["text"]
    assert "likely cause" in message["text"]
    assert f"alert={quote(alert_id, safe='')}" in message["text"]


def test_a_deployment_outside_production_sends_no_direct_message(
    api: Api, alert_bus: Bus, slack: RecordingServer
) -> None:
    # Given a fresh staging deployment by grace
    deploy(api, environment="staging")
    source = slack_app_source(api)
    # When an alert names it as likely cause
    fire(api, source, shop_alert())
    alert_bus.deliver()
    # Then nobody was looked up, and only the channel got a message
    assert [request for request in slack.requests if request.path == LOOKUP] == []
    assert direct_messages(slack) == []


def test_a_lookup_that_finds_no_one_is_recorded_and_not_retried(
    api: Api, alert_bus: Bus, slack: RecordingServer
) -> None:
    # Given a fresh production deployment by an address Slack does not know
    deploy(api)
    source = slack_app_source(api)
    # When an alert naming it as likely cause arrives twice, and users.lookupByEmail answers users_not_found
    original = slack.otherwise
    assert original is not None

    def not_found(request: Any) -> Any:
        return slack_error("users_not_found") if request.path == LOOKUP else original(request)

    slack.otherwise = not_found
    delivery = shop_alert()
    alert_id = fire(api, source, delivery)
    alert_bus.deliver()
    fire(api, source, delivery)
    alert_bus.deliver()
    # Then no direct message went out, and the lookup was made once
    assert direct_messages(slack) == []
    assert len([request for request in slack.requests if request.path == LOOKUP]) == 1
    # And the alert's notifications record it, named by Slack's code
    statuses = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    [recorded] = [status for status in statuses if "users_not_found" in (status.get("lastError") or "")]
    assert recorded["type"] == "SLACK_APP"
