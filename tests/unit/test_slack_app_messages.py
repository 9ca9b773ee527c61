"""§18's Slack app messages and interactions as pure functions: the buttons under each listed
change within Slack's limits, the thread line, and the signature checked as Slack signs."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.errors import BadRequest, Unauthorized
from shared.domain.models.alerts import Enrichment
from shared.domain.models.notifications import SlackAppTarget, target_id, view_of
from shared.domain.notifications.slack import SLACK_MAX_BLOCKS
from shared.domain.notifications.slack_app import (
    MAX_ACTION_ID,
    button_value,
    change_line,
    confirmed_cause_text,
    confirmed_causes,
    slack_app_message,
)
from shared.domain.requests import RawRequest
from shared.domain.slack_interactions import verdict_of, verify_signature
from tests.unit.test_notification_messages import deployment, make_context

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def actions_of(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [block for block in blocks if block["type"] == "actions"]


def test_each_listed_change_gets_caused_it_and_not_related() -> None:
    # Given two possible changes
    context = make_context([deployment(1, 5), deployment(2, 30)])
    # When the Slack app's message is built
    message = slack_app_message(context)
    # Then each change's section is followed by its two buttons, naming the change and the alert
    assert message is not None
    actions = actions_of(message.blocks)
    assert [[button["action_id"] for button in block["elements"]] for block in actions] == [
        ["verdict:CAUSED:d-1", "verdict:NOT_RELATED:d-1"],
        ["verdict:CAUSED:d-2", "verdict:NOT_RELATED:d-2"],
    ]
    assert {button["value"] for block in actions for button in block["elements"]} == {
        '{"alertSourceId":null,"alertId":"a-1"}'
    }


def test_no_related_change_posts_nothing() -> None:
    assert slack_app_message(make_context([])) is None


@given(count=st.integers(min_value=1, max_value=60))
def test_buttons_never_take_the_message_past_50_blocks(count: int) -> None:
    # Given any number of possible changes
    context = make_context([deployment(number, number) for number in range(count)])
    # When the message is built
    message = slack_app_message(context)
    # Then it stays within Slack's blocks, each shown change with its buttons
    assert message is not None
    assert len(message.blocks) <= SLACK_MAX_BLOCKS
    assert 1 <= len(actions_of(message.blocks)) <= count


def test_a_change_whose_action_id_would_be_too_long_has_no_buttons() -> None:
    # Given a change whose id would make an action_id over Slack's 255 characters
    context = make_context([deployment(1, 5, id="e" * MAX_ACTION_ID)])
    # When the message is built
    message = slack_app_message(context)
    # Then the change is listed without buttons
    assert message is not None
    assert actions_of(message.blocks) == []
    assert "Deployed shop v1.1" in json.dumps(message.blocks)


def test_the_button_value_is_compact_json_naming_source_and_alert() -> None:
    enrichment = make_context([deployment(1, 5)]).enrichment
    assert button_value(enrichment.address) == '{"alertSourceId":null,"alertId":"a-1"}'


def _verdict_on(context_deployments: list[dict[str, Any]]) -> Enrichment:
    return make_context(context_deployments, verdict={"likelyCause": "d-1"}).enrichment


def test_the_thread_line_says_who_confirmed_what_after_a_verdict() -> None:
    # Given a change confirmed by ada
    feedback = [{"code": "FEEDBACK", "weight": 9.0, "text": "confirmed as the cause by ada"}]
    enrichment = _verdict_on([deployment(1, 5, score=1.0, confidence="likely", evidence=feedback)])
    # When the line for a verdict update is built
    line = change_line(enrichment, "verdict")
    # Then it names the change, the verdict's author and the headline as it now stands
    assert line.startswith("Verdict given. Deployed shop v1.1: confirmed as the cause by ada")
    assert "Likely cause (100%)" in line
    # And the confirmed cause is what PagerDuty and ilert are told
    assert confirmed_cause_text(confirmed_causes(enrichment)).endswith("Deployed shop v1.1")


def test_the_thread_line_after_a_re_correlation_gives_the_new_headline() -> None:
    enrichment = make_context([deployment(1, 5)]).enrichment
    assert change_line(enrichment, None).startswith("Correlated again. Now: ")


def test_a_slack_app_target_is_shown_and_identified_by_its_channel() -> None:
    # Given two tokens for one channel
    first = SlackAppTarget(type="SLACK_APP", bot_token="xoxb-1-a", channel="C0DEPLOYS")
    second = SlackAppTarget(type="SLACK_APP", bot_token="xoxb-2-b", channel="C0DEPLOYS")
    # Then reads show the channel only, and both are one target
    assert view_of(first).target == "C0DEPLOYS"
    assert target_id(first) == target_id(second)
    assert "xoxb" not in repr(first)


def signed(body: bytes, at: datetime, secret: str = SECRET) -> RawRequest:
    timestamp = str(int(at.timestamp()))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return RawRequest(body=body, headers={"x-slack-request-timestamp": timestamp, "x-slack-signature": f"v0={digest}"})


@pytest.mark.parametrize("age", [timedelta(0), timedelta(minutes=4, seconds=59), timedelta(minutes=-4)])
def test_a_signature_within_five_minutes_is_valid(age: timedelta) -> None:
    verify_signature(signed(b"payload=x", NOW - age), SECRET, NOW)


@pytest.mark.parametrize("age", [timedelta(minutes=5, seconds=2), timedelta(minutes=-6), timedelta(days=1)])
def test_a_signature_older_or_newer_than_five_minutes_is_401(age: timedelta) -> None:
    with pytest.raises(Unauthorized):
        verify_signature(signed(b"payload=x", NOW - age), SECRET, NOW)


def test_a_signature_under_another_secret_is_401() -> None:
    with pytest.raises(Unauthorized):
        verify_signature(signed(b"payload=x", NOW, "another"), SECRET, NOW)


def test_slacks_documented_example_verifies() -> None:
    # Given Slack's own example of a signed request (its docs' "Verifying requests from Slack")
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = {
        "x-slack-request-timestamp": "1531420618",
        "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }
    # Then it is valid at its own time
    verify_signature(RawRequest(body=body, headers=headers), SECRET, datetime.fromtimestamp(1531420618, UTC))


def test_a_click_reads_as_a_verdict_and_anything_else_is_400() -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "name": "grace"},
        "actions": [{"action_id": "verdict:NOT_RELATED:d-7", "value": '{"alertSourceId":"s","alertId":"a"}'}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    verdict = verdict_of(body)
    assert (verdict.verdict, verdict.event_id, verdict.author, verdict.alert_source_id) == (
        "NOT_RELATED",
        "d-7",
        "grace",
        "s",
    )
    with pytest.raises(BadRequest):
        verdict_of(body.replace(b"NOT_RELATED", b"MAYBE"))
