"""The fold message (§18) as pure functions: a minute's folded alerts as one Slack message or one
signed webhook body, the first summaries in the alerts' order, within Slack's limits."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

from shared.domain.notifications.fold import FoldView, fold_entry, slack_fold_request, webhook_fold_request
from shared.domain.notifications.slack import SLACK_HEADER_MAX, SLACK_SECTION_MAX

MINUTE = datetime(2026, 12, 6, 12, 24, tzinfo=UTC)


def entries(count: int, summary: str = "CPU hot on node-{number}") -> list[str]:
    return [
        fold_entry(MINUTE + timedelta(seconds=number), f"{number:016x}", summary.format(number=number))
        for number in range(count)
    ]


def test_a_fold_counts_every_alert_and_shows_the_first_ten_in_their_order() -> None:
    # Given 37 folded alerts, stored in no particular order, and 3 counted past the kept entries
    folded = list(reversed(entries(37)))
    # When they are viewed
    fold = FoldView.of(MINUTE, folded, uncounted=3)
    # Then all 40 are counted and the first 10 by time are shown
    assert fold.alerts == 40
    assert fold.summaries == tuple(f"CPU hot on node-{number}" for number in range(10))
    assert fold.headline().startswith("and 40 more alerts: CPU hot on node-0; CPU hot on node-1;")


def test_slack_fold_message_is_a_header_the_summaries_and_why() -> None:
    # Given a fold of 37 alerts
    fold = FoldView.of(MINUTE, entries(37), uncounted=0)
    # When its Slack message is built
    message = json.loads(slack_fold_request(fold, "https://hooks.slack.com/services/T/B/x").body)
    # Then it says how many, lists the first ten and the rest as a count, and why
    header, listed, why = message["blocks"]
    assert header["text"]["text"] == "and 37 more alerts"
    assert listed["text"]["text"].splitlines()[0] == "• CPU hot on node-0"
    assert listed["text"]["text"].endswith("…and 27 more.")
    assert "NotificationsPerMinute" in why["elements"][0]["text"]
    assert message["text"].startswith("and 37 more alerts: CPU hot on node-0")


def test_slack_fold_message_escapes_and_stays_within_limits() -> None:
    # Given folded alerts with long summaries that try to mention the channel
    fold = FoldView.of(MINUTE, entries(1000, "<!channel> " + "x" * 500 + "{number}"), uncounted=10**6)
    # When its Slack message is built
    message = json.loads(slack_fold_request(fold, "https://hooks.slack.com/services/T/B/x").body)
    # Then nothing mentions the channel and each block is within Slack's limits
    header, listed, _ = message["blocks"]
    assert len(header["text"]["text"]) <= SLACK_HEADER_MAX
    assert len(listed["text"]["text"]) <= SLACK_SECTION_MAX
    assert "<!channel>" not in listed["text"]["text"]
    assert "<!channel>" not in message["text"]


def test_webhook_fold_body_is_signed_and_documented_shape() -> None:
    # Given a fold of 3 alerts
    fold = FoldView.of(MINUTE, entries(3), uncounted=0)
    # When its webhook request is built
    request = webhook_fold_request(fold, "https://hooks.example.com/x", "secret", "fold-t-1")
    # Then the body is {"fold": {minute, alerts, summaries}}, signed as every webhook delivery
    assert json.loads(request.body) == {
        "fold": {
            "minute": "2026-12-06T12:24Z",
            "alerts": 3,
            "summaries": ["CPU hot on node-0", "CPU hot on node-1", "CPU hot on node-2"],
        }
    }
    expected = hmac.new(b"secret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Signature-256"] == f"sha256={expected}"
    assert request.headers["X-Event-Id"] == "fold-t-1"
