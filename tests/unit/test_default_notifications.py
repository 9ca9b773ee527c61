"""§22: ``DefaultNotifications`` is read entry by entry; what is skipped is told by position,
type and the kind of each problem, never by what the entry holds."""

from __future__ import annotations

import json

import pytest

from shared.domain.models.notifications import SlackTarget, valid_targets

TOKEN = "xoxb-not-for-the-logs-0123"
VALID_SLACK = {"type": "SLACK", "webhookUrl": "https://hooks.slack.com/services/T0/B0/abc"}


def test_valid_entries_are_kept_and_the_invalid_ones_told_apart() -> None:
    # Given a list with a valid entry, a token with a newline, an unknown type and a number
    configured = json.dumps(
        [
            VALID_SLACK,
            {"type": "PAGERDUTY", "apiToken": TOKEN + "\n", "fromEmail": "oncall@example.com"},
            {"type": TOKEN},
            42,
        ]
    )
    # When it is read
    targets, skipped = valid_targets(configured)
    # Then the valid entry is kept, and each other one is told by position and type only
    assert targets == (SlackTarget.model_validate(VALID_SLACK),)
    assert [(entry.position, entry.entry_type) for entry in skipped] == [(1, "PAGERDUTY"), (2, "unknown"), (3, "int")]
    assert skipped[0].problems == ["PAGERDUTY.apiToken: value_error"]
    assert TOKEN not in repr(skipped)


@pytest.mark.parametrize(
    ("configured", "kind"), [(f"[{{'token': '{TOKEN}'", "text"), (json.dumps({"a": TOKEN}), "dict")]
)
def test_a_value_that_is_no_json_list_is_skipped_whole(configured: str, kind: str) -> None:
    targets, [skipped] = valid_targets(configured)
    assert targets == ()
    assert (skipped.position, skipped.entry_type) == (0, kind)
    assert TOKEN not in repr(skipped)


def test_nothing_configured_is_no_target() -> None:
    assert valid_targets("") == ((), [])


def test_a_slack_app_in_the_defaults_is_kept_and_a_user_token_skipped_by_type() -> None:
    # Given DefaultNotifications with a Slack app's bot and a user token in its place
    configured = json.dumps(
        [
            {"type": "SLACK_APP", "botToken": "xoxb-1-2-abc", "channel": "C0DEPLOYS"},
            {"type": "SLACK_APP", "botToken": "xoxp-1-2-abc", "channel": "C0DEPLOYS"},
        ]
    )
    # When it is read at the function's start
    targets, [skipped] = valid_targets(configured)
    # Then the bot is kept, and the other is skipped naming its position, type and field only
    assert [target.type for target in targets] == ["SLACK_APP"]
    assert (skipped.position, skipped.entry_type) == (1, "SLACK_APP")
    assert skipped.problems == ["SLACK_APP.botToken: string_pattern_mismatch"]
