"""``POST /api/v1/slack/interactions`` (§18): requests signed exactly as Slack signs them (over the
bytes sent) hand the verdict over as ``Verdict Given``; a wrong signature or an old timestamp is
401, a payload that is not a verdict click is 400, and the signing secret shows nowhere."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import boto3
import pytest

from local.startup import DEFAULT_SLACK_SIGNING_SECRET
from local.template import LOCAL_ACCOUNT_ID, LOCAL_REGION
from tests.conftest import Api, Aws
from tests.slack_stand_in import block_actions, interaction_body, slack_signed

PATH = "/api/v1/slack/interactions"
NO_ADMIN = {"authorization": ""}
VALUE = json.dumps({"alertSourceId": "src-1", "alertId": "a1bc:1796559810120"}, separators=(",", ":"))


class VerdictObserver:
    """A queue behind a rule for ``Verdict Given``: what the verdicts' consumer would receive."""

    def __init__(self, aws: Aws) -> None:
        events = boto3.client("events", region_name=LOCAL_REGION)
        self.sqs = boto3.client("sqs", region_name=LOCAL_REGION)
        self.url = self.sqs.create_queue(QueueName="test-verdicts")["QueueUrl"]
        bus_name = aws.emulated.bus_name
        events.put_rule(
            Name="test-verdicts", EventBusName=bus_name, EventPattern=json.dumps({"detail-type": ["Verdict Given"]})
        )
        arn = f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:test-verdicts"
        events.put_targets(Rule="test-verdicts", EventBusName=bus_name, Targets=[{"Id": "verdicts", "Arn": arn}])

    def events(self) -> list[dict[str, Any]]:
        messages = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message["Body"]) for message in messages]


@pytest.fixture
def verdicts(aws: Aws) -> VerdictObserver:
    return VerdictObserver(aws)


def post(api: Api, body: bytes, headers: dict[str, str]) -> Any:
    return api.call("POST", PATH, body, {**NO_ADMIN, **headers})


def test_a_signed_click_is_handed_over_as_verdict_given(api: Api, verdicts: VerdictObserver) -> None:
    # Given a click on "Caused it", signed as Slack signs it
    body = interaction_body(block_actions("verdict:CAUSED:evt-123", VALUE))
    # When Slack posts it
    response = post(api, body, slack_signed(body, DEFAULT_SLACK_SIGNING_SECRET))
    # Then it is answered 200 at once, and the verdict is on the bus, by the Slack user
    assert response.status == 200, response.body
    [event] = verdicts.events()
    assert (event["source"], event["detail-type"]) == ("deployment-events", "Verdict Given")
    assert event["detail"] == {
        "alertSourceId": "src-1",
        "alertId": "a1bc:1796559810120",
        "eventId": "evt-123",
        "verdict": "CAUSED",
        "author": "ada",
        "note": None,
    }


def test_an_alert_without_a_source_and_a_user_without_a_name(api: Api, verdicts: VerdictObserver) -> None:
    # Given a "Not related" click on an alert that named no source, by a user known by id only
    value = json.dumps({"alertSourceId": None, "alertId": "cpu-high"})
    body = interaction_body(block_actions("verdict:NOT_RELATED:evt-9", value, user={"id": "U0ONLYID"}))
    # When Slack posts it
    response = post(api, body, slack_signed(body, DEFAULT_SLACK_SIGNING_SECRET))
    # Then the verdict names no source and the user's id as author
    assert response.status == 200, response.body
    [event] = verdicts.events()
    assert event["detail"]["alertSourceId"] is None
    assert (event["detail"]["verdict"], event["detail"]["author"]) == ("NOT_RELATED", "U0ONLYID")


def _tampered(body: bytes) -> dict[str, str]:
    headers = slack_signed(body, DEFAULT_SLACK_SIGNING_SECRET)
    return {**headers, "x-slack-signature": headers["x-slack-signature"][:-4] + "0000"}


@pytest.mark.parametrize(
    "headers_for",
    [
        pytest.param(lambda body: slack_signed(body, "another-apps-secret"), id="another secret"),
        pytest.param(_tampered, id="signature altered"),
        pytest.param(
            lambda body: slack_signed(body, DEFAULT_SLACK_SIGNING_SECRET, int(time.time()) - 6 * 60), id="6 min old"
        ),
        pytest.param(
            lambda body: slack_signed(body, DEFAULT_SLACK_SIGNING_SECRET, int(time.time()) + 6 * 60), id="6 min ahead"
        ),
        pytest.param(lambda body: {"content-type": "application/x-www-form-urlencoded"}, id="unsigned"),
        pytest.param(
            lambda body: {**slack_signed(body, DEFAULT_SLACK_SIGNING_SECRET), "x-slack-request-timestamp": "soon"},
            id="timestamp not a number",
        ),
    ],
)
def test_a_request_not_signed_by_slack_just_now_is_401(
    api: Api, verdicts: VerdictObserver, headers_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a click whose signature or timestamp is wrong
    caplog.set_level(logging.INFO)
    body = interaction_body(block_actions("verdict:CAUSED:evt-123", VALUE))
    # When it is posted
    response = post(api, body, headers_for(body))
    # Then it is refused, nothing is handed over, and the secret shows nowhere
    assert response.status == 401
    assert verdicts.events() == []
    assert DEFAULT_SLACK_SIGNING_SECRET not in response.body.decode() + caplog.text


def test_the_signature_covers_the_bytes_sent(api: Api, verdicts: VerdictObserver) -> None:
    # Given a body signed, then changed in one byte (another event id)
    body = interaction_body(block_actions("verdict:CAUSED:evt-123", VALUE))
    headers = slack_signed(body, DEFAULT_SLACK_SIGNING_SECRET)
    # When the changed body is posted with the first one's signature
    response = post(api, body.replace(b"evt-123", b"evt-124"), headers)
    # Then it is refused
    assert response.status == 401
    assert verdicts.events() == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"not a form at all \xff", id="not a form"),
        pytest.param(b"text=hello", id="no payload"),
        pytest.param(b"payload=%7Bnot+json", id="payload not JSON"),
        pytest.param(interaction_body({"type": "view_submission", "user": {"id": "U1"}}), id="not block_actions"),
        pytest.param(interaction_body(block_actions("approve:deploy", VALUE)), id="not a verdict action"),
        pytest.param(interaction_body(block_actions("verdict:MAYBE:evt-1", VALUE)), id="unknown verdict"),
        pytest.param(interaction_body(block_actions("verdict:CAUSED:", VALUE)), id="no event id"),
        pytest.param(interaction_body(block_actions("verdict:CAUSED:evt-1", "not json")), id="value not JSON"),
        pytest.param(interaction_body(block_actions("verdict:CAUSED:evt-1", '{"alertSourceId":"s"}')), id="no alert"),
        pytest.param(interaction_body(block_actions("verdict:CAUSED:evt-1", '["a"]')), id="value a list"),
    ],
)
def test_a_signed_payload_that_is_not_a_verdict_click_is_400(api: Api, verdicts: VerdictObserver, body: bytes) -> None:
    # Given a correctly signed body that is no click on a verdict button
    headers = slack_signed(body, DEFAULT_SLACK_SIGNING_SECRET)
    # When Slack (or anyone holding the secret) posts it
    response = post(api, body, headers)
    # Then it is a 400, never a 500, and nothing is handed over
    assert response.status == 400, response.body
    assert verdicts.events() == []
