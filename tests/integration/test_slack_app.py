"""Slack as an app (§18) through the template's rules and the notify function, against a Slack
Web API stand-in: the post with its verdict buttons, once; the edit and the thread reply when the
enrichment changes; one note naming a confirmed cause for PagerDuty; and retries and refusals."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.template import LOCAL_REGION
from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import JSON, Api, Aws, Bus
from tests.fixture_files import fixture_json
from tests.integration.test_storm_notifications import storm
from tests.recording_server import Answer, RecordingServer
from tests.slack_stand_in import API_PATH, calls, slack_error, slack_stand_in

BOT_TOKEN = "xoxb-1234-5678-secretbottoken"
CHANNEL = "C0DEPLOYS"
NO_ADMIN = {"authorization": ""}
SOURCE_SECRET = "alert-source-webhook-secret"
PAGERDUTY_TOKEN = "pd-token-0123456789"


@pytest.fixture
def slack() -> Iterator[RecordingServer]:
    with slack_stand_in() as server:
        yield server


@pytest.fixture
def stack_parameters(slack: RecordingServer) -> dict[str, str]:
    return {
        "SlackApiUrl": f"{slack.url}{API_PATH}",
        "PagerDutyApiUrl": f"{slack.url}/pagerduty",
        "IlertApiUrl": f"{slack.url}/ilert",
    }


@pytest.fixture
def deployed(api: Api) -> dict[str, Any]:
    pipeline = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    body = {"integrationKey": pipeline["integrationKey"], "summary": "shop v2 to production", "service": "shop"}
    assert api.call("POST", "/api/deployment-events", body).status == 202
    return pipeline


def slack_app_source(api: Api, integration_type: str = "ALERTMANAGER", **extra: Any) -> dict[str, Any]:
    target = {"type": "SLACK_APP", "botToken": BOT_TOKEN, "channel": CHANNEL}
    body = {
        "name": "prod",
        "integrationType": integration_type,
        "teams": [{"id": "payments", "name": "Payments"}],
        "notifications": [target, *extra.pop("others", [])],
        **extra,
    }
    response = api.call("POST", "/api/alert-sources", body)
    assert response.status == 201, response.body
    created: dict[str, Any] = response.json()
    return created


def firing() -> bytes:
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    delivery["alerts"] = delivery["alerts"][:1]
    delivery["alerts"][0]["startsAt"] = isoformat(utc_now())
    return json.dumps(delivery).encode()


def fire(api: Api, source: dict[str, Any], delivery: bytes | None = None) -> str:
    path = f"/api/v1/alerts/alertmanager/{source['integrationKey']}"
    response = api.call("POST", path, delivery or firing(), {**NO_ADMIN, **JSON})
    assert response.status == 202, response.body
    [alert_id] = response.json()["alerts"]
    return str(alert_id)


def enrichment_of(api: Api, alert_id: str) -> dict[str, Any]:
    response = api.call("GET", f"/api/alerts/{alert_id}/deployments")
    assert response.status == 200, response.body
    enrichment: dict[str, Any] = response.json()
    return enrichment


def confirmed(enrichment: dict[str, Any], author: str = "ada") -> dict[str, Any]:
    """The enrichment as a CAUSED verdict leaves it (§18): the change confirmed, with its evidence."""
    first = enrichment["deployments"][0]
    feedback = {"code": "FEEDBACK", "weight": 9.0, "text": f"confirmed as the cause by {author}"}
    first.update(score=1.0, confidence="likely", evidence=[feedback, *first.get("evidence", [])])
    return {**enrichment, "likelyCause": first["id"], "ambiguous": False, "update": "verdict"}


def republish(aws: Aws, detail: dict[str, Any]) -> None:
    """What the verdicts' side does: ``Alert Enriched`` again, with ``update``."""
    events = boto3.client("events", region_name=LOCAL_REGION)
    entry = {
        "EventBusName": aws.emulated.bus_name,
        "Source": "deployment-events",
        "DetailType": "Alert Enriched",
        "Detail": json.dumps(detail),
    }
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0


def test_a_slack_app_posts_once_with_verdict_buttons_naming_the_alert(
    api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given an Alertmanager source with a Slack app target
    source = slack_app_source(api)
    # When the same alert fires three times
    delivery = firing()
    for _ in range(3):
        alert_id = fire(api, source, delivery)
        alert_bus.deliver()
    # Then Slack got one chat.postMessage, as the bot, in the channel
    [request] = slack.requests
    assert request.path == f"{API_PATH}chat.postMessage"
    assert request.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    [posted] = calls(slack, "chat.postMessage")
    assert posted["channel"] == CHANNEL
    assert "shop v2 to production" in json.dumps(posted["blocks"])
    # And each listed change carries "Caused it" and "Not related", naming the change and the alert
    [actions] = [block for block in posted["blocks"] if block["type"] == "actions"]
    event_id = enrichment_of(api, alert_id)["deployments"][0]["id"]
    buttons = [(button["text"]["text"], button["action_id"]) for button in actions["elements"]]
    assert buttons == [("Caused it", f"verdict:CAUSED:{event_id}"), ("Not related", f"verdict:NOT_RELATED:{event_id}")]
    assert json.loads(actions["elements"][0]["value"]) == {"alertSourceId": source["id"], "alertId": alert_id}
    # And the status shows the channel, delivered
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["type"], status["target"], status["status"]) == ("SLACK_APP", CHANNEL, "delivered")


def test_a_verdict_edits_the_message_and_replies_in_its_thread_once(
    aws: Aws, api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given an alert posted by the Slack app
    source = slack_app_source(api)
    alert_id = fire(api, source)
    alert_bus.deliver()
    [first] = [json.loads(request.body) for request in slack.requests]
    posted_ts = "1700000000.000001"
    # When its enrichment is published again after a verdict, twice (a redelivery)
    verdict = confirmed(enrichment_of(api, alert_id))
    republish(aws, verdict)
    republish(aws, verdict)
    alert_bus.deliver()
    # Then the message was edited once, in place, and one reply in its thread says who confirmed what
    [edited] = calls(slack, "chat.update")
    assert (edited["channel"], edited["ts"]) == (CHANNEL, posted_ts)
    assert "Likely cause (100%)" in json.dumps(edited["blocks"])
    assert edited["blocks"] != first["blocks"]
    [_, reply] = calls(slack, "chat.postMessage")
    assert reply["thread_ts"] == posted_ts
    assert "confirmed as the cause by ada" in reply["text"]
    # And the first post was never sent again
    assert len(calls(slack, "chat.postMessage")) == 2


def test_a_verdict_on_an_alert_of_a_group_edits_the_groups_message_as_a_group(
    aws: Aws, api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given a group of three alerts posted by the Slack app as one message
    source = slack_app_source(api)
    path = f"/api/v1/alerts/alertmanager/{source['integrationKey']}"
    response = api.call("POST", path, storm(3), {**NO_ADMIN, **JSON})
    alert_ids = response.json()["alerts"]
    alert_bus.deliver()
    [posted] = calls(slack, "chat.postMessage")
    assert "3 alerts in this group" in json.dumps(posted["blocks"])
    # When a responder confirms the change through the API, on one of the group's alerts
    event_id = enrichment_of(api, alert_ids[1])["deployments"][0]["id"]
    verdict_path = f"/api/alerts/{alert_ids[1]}/deployments/{event_id}/verdict"
    verdict = {"verdict": "CAUSED", "author": "ada"}
    assert api.call("PUT", verdict_path, verdict, query=f"source={source['id']}").status == 200
    alert_bus.deliver()
    # Then the group's one message is edited, still the group's, with the cause confirmed
    [edited] = calls(slack, "chat.update")
    shown = json.dumps(edited["blocks"])
    assert "3 alerts in this group" in shown
    assert "Likely cause (100%)" in shown
    assert "confirmed as the cause by ada" in shown
    assert len(calls(slack, "chat.postMessage")) == 2  # the post and one reply in its thread


def test_a_re_correlation_that_changes_nothing_edits_nothing(
    aws: Aws, api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given an alert posted by the Slack app
    alert_id = fire(api, slack_app_source(api))
    alert_bus.deliver()
    # When the same enrichment is published again
    republish(aws, enrichment_of(api, alert_id))
    alert_bus.deliver()
    # Then Slack heard nothing more
    assert len(slack.requests) == 1


def test_a_confirmed_cause_adds_one_pagerduty_note_naming_it(
    aws: Aws, api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given a PagerDuty source with a note target, and its incident noted once
    pagerduty_target = {"type": "PAGERDUTY", "apiToken": PAGERDUTY_TOKEN, "fromEmail": "oncall@example.com"}
    body = {
        "name": "pd",
        "integrationType": "PAGERDUTY",
        "teams": [{"id": "payments", "name": "Payments"}],
        "notifications": [pagerduty_target],
        "webhookSecret": SOURCE_SECRET,
    }
    source = api.call("POST", "/api/alert-sources", body).json()
    incident = fixture_json("alerts/pagerduty/webhook-v3.incident.triggered.zulip.json")
    incident["event"]["occurred_at"] = isoformat(utc_now())
    raw = json.dumps(incident).encode()
    signature = hmac.new(SOURCE_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    path = f"/api/v1/alerts/pagerduty/{source['integrationKey']}"
    headers = {**NO_ADMIN, **JSON, "x-pagerduty-signature": f"v1={signature}"}
    [alert_id] = api.call("POST", path, raw, headers).json()["alerts"]
    alert_bus.deliver()
    notes = "/pagerduty/incidents/PFQZPSY/notes"
    assert [request.path for request in slack.requests] == [notes]
    # When a verdict confirms the cause, and the event is redelivered
    verdict = confirmed(enrichment_of(api, alert_id))
    republish(aws, verdict)
    republish(aws, verdict)
    alert_bus.deliver()
    # Then the incident got exactly one more note, naming the confirmed cause
    [_, note] = [request for request in slack.requests if request.path == notes]
    content = json.loads(note.body)["note"]["content"]
    assert content.startswith("Confirmed cause")
    assert "shop v2 to production" in content


def test_a_confirmed_cause_adds_one_ilert_comment_naming_it(
    aws: Aws, api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given an ilert source with a comment target, and its alert commented once
    ilert_key = "il1alert-source-key-0123"
    body = {
        "name": "ilert",
        "integrationType": "ILERT",
        "teams": [{"id": "payments", "name": "Payments"}],
        "notifications": [{"type": "ILERT", "integrationKey": ilert_key}],
        "webhookSecret": SOURCE_SECRET,
    }
    source = api.call("POST", "/api/alert-sources", body).json()
    alert = fixture_json("alerts/ilert/webhook-alert-action.alert-created.derived.json")
    alert["reportTime"] = isoformat(utc_now())
    path = f"/api/v1/alerts/ilert/{source['integrationKey']}"
    headers = {**NO_ADMIN, **JSON, "authorization": f"Bearer {SOURCE_SECRET}"}
    [alert_id] = api.call("POST", path, json.dumps(alert).encode(), headers).json()["alerts"]
    alert_bus.deliver()
    # When a verdict confirms the cause, and the event is redelivered
    verdict = confirmed(enrichment_of(api, alert_id))
    republish(aws, verdict)
    republish(aws, verdict)
    alert_bus.deliver()
    # Then the ilert alert got exactly one more comment, naming the confirmed cause
    [_, comment] = [json.loads(request.body) for request in slack.requests if request.path == "/ilert/api/events"]
    assert (comment["eventType"], comment["alertKey"]) == ("COMMENT", "zabbix-12345")
    assert comment["comments"][0]["content"].startswith("Confirmed cause")


def test_a_rate_limited_post_waits_and_is_delivered_after_two_requests(
    api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given Slack answering the first call 429 with Retry-After
    slack.answer(Answer(429, {"Retry-After": "0", "Content-Type": "application/json"}, b'{"ok":false}'))
    # When an alert is posted
    alert_id = fire(api, slack_app_source(api))
    alert_bus.deliver()
    # Then the retry handler tried again, and the claim counts both requests
    assert len(slack.requests) == 2
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("delivered", 2)


def test_a_retry_after_past_the_cap_is_left_to_the_invocations_retry(
    api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given Slack asking to wait two minutes
    slack.answer(Answer(429, {"Retry-After": "120", "Content-Type": "application/json"}, b'{"ok":false}'))
    started = time.monotonic()
    # When an alert is posted
    alert_id = fire(api, slack_app_source(api))
    alert_bus.deliver()
    # Then nobody waited the two minutes: the invocation's retry posted it
    assert time.monotonic() - started < 60
    assert len(calls(slack, "chat.postMessage")) == 2
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert status["status"] == "delivered"


def test_a_slack_refusal_is_final_and_named_by_its_code_never_the_token(
    api: Api, alert_bus: Bus, slack: RecordingServer, deployed: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    # Given Slack refusing the channel
    caplog.set_level(logging.INFO)
    slack.answer(slack_error("channel_not_found"))
    # When an alert is posted
    alert_id = fire(api, slack_app_source(api))
    alert_bus.deliver()
    # Then the target failed at once, with Slack's code and never the token
    assert len(slack.requests) == 1
    answer = api.call("GET", f"/api/alerts/{alert_id}/notifications").body.decode()
    [status] = json.loads(answer)
    assert status["status"] == "failed"
    assert "channel_not_found" in status["lastError"]
    assert BOT_TOKEN not in answer + caplog.text
    read = api.call("GET", f"/api/alert-sources/{alert_id.split(':')[0]}").body.decode()
    assert BOT_TOKEN not in read


@pytest.mark.parametrize(
    "target",
    [
        {"type": "SLACK_APP", "botToken": "xoxp-user-token", "channel": CHANNEL},
        {"type": "SLACK_APP", "botToken": "xoxb-a\nb", "channel": CHANNEL},
        {"type": "SLACK_APP", "botToken": BOT_TOKEN, "channel": "no spaces please"},
    ],
)
def test_a_slack_app_target_needs_a_header_safe_bot_token_and_a_channel(api: Api, target: dict[str, Any]) -> None:
    # Given a Slack app target with a user token, a token that breaks a header, or a bad channel
    body = {"name": "prod", "integrationType": "ALERTMANAGER", "notifications": [target]}
    # When it is written
    response = api.call("POST", "/api/alert-sources", body)
    # Then it is refused, without echoing the token
    assert response.status == 422
    assert target["botToken"] not in response.body.decode()


def test_the_bot_token_is_in_no_log_output_event_or_answer(
    aws: Aws,
    api: Api,
    alert_bus: Bus,
    slack: RecordingServer,
    deployed: dict[str, Any],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a Slack app target, with the functions logging at INFO
    caplog.set_level(logging.INFO)
    source = slack_app_source(api)
    # When an alert is posted, Slack first answers 503, and a verdict edits the message
    slack.answer(Answer(503, {"Content-Type": "application/json"}, b'{"ok":false}'))
    alert_id = fire(api, source)
    alert_bus.deliver()
    republish(aws, confirmed(enrichment_of(api, alert_id)))
    alert_bus.deliver()
    assert len(calls(slack, "chat.update")) == 1
    # Then the token went to Slack only: no log line, output, bus event or answer holds it
    answers = [api.call("GET", path).body.decode() for path in (f"/api/alert-sources/{source['id']}",)]
    answers.append(api.call("GET", f"/api/alerts/{alert_id}/notifications").body.decode())
    output = capfd.readouterr()
    logged = [json.dumps(record.__dict__, default=str) for record in caplog.records]
    seen = json.dumps(alert_bus.observed("Alert Enriched"))
    assert BOT_TOKEN not in output.out + output.err + seen + "".join(answers)
    assert not [line for line in logged if BOT_TOKEN in line]
    assert all(request.headers["authorization"] == f"Bearer {BOT_TOKEN}" for request in slack.requests)
