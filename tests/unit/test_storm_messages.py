"""A group's message (§18) for each target type: the group's alerts (how many, the first 10
summaries) beside the merged changes, within each target's limits."""

from __future__ import annotations

import json
from dataclasses import replace

from shared.domain.notifications.context import GroupView, NotificationContext
from shared.domain.notifications.plain_text import (
    ILERT_COMMENT_MAX,
    PAGERDUTY_NOTE_MAX,
    ilert_request,
    pagerduty_request,
)
from shared.domain.notifications.slack import SLACK_MAX_BLOCKS, SLACK_SECTION_MAX, slack_request
from shared.domain.notifications.webhook import webhook_request
from tests.unit.test_notification_messages import ONE_RELEASE, SLACK_URL, deployment, make_context

SUMMARIES = tuple(f"CPU hot on node-{number}" for number in range(10))


def group_context(alerts: int = 20, **fields: object) -> NotificationContext:
    context = make_context(ONE_RELEASE, **fields)  # type: ignore[arg-type]
    return replace(context, group=GroupView('{}:{alertname="cpu"}', alerts, SUMMARIES))


def test_slack_group_message_counts_the_alerts_and_lists_the_first_ten() -> None:
    # Given a group of 20 alerts
    context = group_context()
    # When its Slack message is built
    request = slack_request(context, SLACK_URL, always=False)
    assert request is not None
    message = json.loads(request.body)
    # Then the header counts the alerts, one section lists ten summaries and the rest as a count
    assert message["blocks"][0]["text"]["text"] == "20 alerts: CPU hot on node-0"
    listed = message["blocks"][2]["text"]["text"]
    assert all(summary in listed for summary in SUMMARIES)
    assert "…and 10 more." in listed
    assert "20 alerts" in message["text"]
    assert "Deployed shop v1.2" in json.dumps(message)


def test_slack_group_message_stays_within_slacks_limits() -> None:
    # Given a group with the longest summaries and more changes than fit
    context = make_context([deployment(number, number, summary="x" * 400) for number in range(1, 80)])
    context = replace(context, group=GroupView("g", 1000, tuple("<!channel> " + "y" * 300 for _ in range(10))))
    # When its message is built
    request = slack_request(context, SLACK_URL, always=False)
    assert request is not None
    message = json.loads(request.body)
    blocks = message["blocks"]
    # Then it has at most 50 blocks, no section over 3,000 characters and no live mention in mrkdwn
    assert len(blocks) <= SLACK_MAX_BLOCKS
    assert all(len(block.get("text", {}).get("text", "")) <= SLACK_SECTION_MAX for block in blocks)
    sections = [block["text"]["text"] for block in blocks if block["type"] == "section"]
    assert not any("<!channel>" in text for text in [message["text"], *sections])


def test_a_group_of_one_is_the_alerts_own_message() -> None:
    # Given a group holding one alert
    alone = make_context(ONE_RELEASE)
    grouped = replace(alone, group=GroupView("g", 1, SUMMARIES[:1]))
    # Then its Slack message is the alert's own
    assert slack_request(grouped, SLACK_URL, False) == slack_request(alone, SLACK_URL, False)


def test_pagerduty_and_ilert_group_text_leads_with_the_groups_alerts() -> None:
    # Given a group's context on a PagerDuty incident and an ilert alert
    context = group_context(incident_id="Q1", alert_key="ak-1")
    # When the note and the comment are built
    note = pagerduty_request(context, "https://api.pagerduty.com", "token", "oncall@example.com")
    comment = ilert_request(context, "https://api.ilert.com", "il1key")
    assert note is not None
    assert comment is not None
    note_text = json.loads(note.body)["note"]["content"]
    comment_text = json.loads(comment.body)["comments"][0]["content"]
    # Then both start with the count and list the summaries, then the changes, within limits
    for text, limit in ((note_text, PAGERDUTY_NOTE_MAX), (comment_text, ILERT_COMMENT_MAX)):
        assert text.startswith("20 alerts in this group:\n• CPU hot on node-0")
        assert "…and 10 more." in text
        assert "Deployed shop v1.2" in text
        assert len(text) <= limit


def test_webhook_group_message_is_the_enrichment_with_the_group() -> None:
    # Given a group's context
    context = group_context()
    # When its webhook request is built
    body = json.loads(webhook_request(context, "https://hooks.example.com/x", "secret", "e-1").body)
    # Then it is the enrichment, plus the group: key, count and first summaries
    assert body["alertId"] == "a-1"
    assert body["group"] == {"key": '{}:{alertname="cpu"}', "alerts": 20, "summaries": list(SUMMARIES)}
    # And an alert of no group has no "group"
    assert "group" not in json.loads(webhook_request(make_context(ONE_RELEASE), "https://h.example", "s", "e").body)
