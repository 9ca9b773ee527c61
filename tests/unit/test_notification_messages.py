"""§13's messages as pure functions: exact requests per target type, Block Kit's limits
whatever the enrichment holds, escaping, and targets shown without their secrets."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from shared.domain.models.alerts import Enrichment
from shared.domain.notifications.context import NotificationContext
from shared.domain.notifications.plain_text import PAGERDUTY_NOTE_MAX, ilert_request, pagerduty_request
from shared.domain.notifications.slack import (
    SLACK_BLOCKS_TEXT_BUDGET,
    SLACK_HEADER_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_SECTION_MAX,
    SLACK_TEXT_MAX,
    slack_cut,
    slack_request,
)
from shared.domain.notifications.text import cut
from shared.domain.notifications.webhook import webhook_request
from shared.domain.redaction import TargetType, redacted_target

REPORT_TIME = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
PAGE_URL = "https://events.example.com/?alert=a-1"
SLACK_URL = "https://hooks.slack.com/services/T0001/B0001/S3cr3tT0k3nValue1234"
RELEASE_URL = "https://github.com/acme/shop/releases/tag/v1.4.2"


def deployment(number: int, minutes_before: float, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"d-{number}",
        "summary": fields.pop("summary", f"Deployed shop v1.{number}"),
        "pipeline": {"id": "p-1", "name": "shop-github", "integrationType": "GITHUB"},
        "kind": "deployment",
        "timestamp": (REPORT_TIME - timedelta(minutes=minutes_before)).isoformat(),
        "reason": fields.pop(
            "reason",
            f'Deployed {minutes_before:g} min before the alert by pipeline "shop-github", owned by team Payments',
        ),
        "score": 0.2,
        "confidence": "possible",
        **fields,
    }


def make_context(
    deployments: list[dict[str, Any]],
    summary: str | None = "High error rate on checkout",
    scope: str = "TEAM",
    verdict: dict[str, Any] | None = None,
    **fields: Any,
) -> NotificationContext:
    enrichment = Enrichment.model_validate(
        {
            "alertId": "a-1",
            "alert": {
                "summary": summary,
                "reportTime": REPORT_TIME.isoformat(),
                "alertKey": fields.pop("alert_key", None),
            },
            "scope": scope,
            "claimingTeams": [{"id": "payments", "name": "Payments"}, {"id": "checkout"}] if scope == "TEAM" else [],
            "window": {
                "from": (REPORT_TIME - timedelta(days=7)).isoformat(),
                "until": (REPORT_TIME + timedelta(minutes=2)).isoformat(),
            },
            "deployments": deployments,
            "correlatedAt": REPORT_TIME.isoformat(),
            **({"likelyCause": None, "noLikelyCause": NO_CAUSE} if verdict is None else verdict),
        }
    )
    return NotificationContext.of(enrichment, PAGE_URL, incident_id=fields.pop("incident_id", None))


NO_CAUSE = 'No change stands out: the closest is "Deployed shop v1.1" (deployed 20 min before the alert, possible).'
SERVICE_EVIDENCE = {"code": "SERVICE", "weight": 2.4, "text": "to the alert's service shop"}
TIME_EVIDENCE = {"code": "TIME", "weight": -1.14, "text": "14 min before the alert"}
ONE_RELEASE = [
    deployment(
        2,
        14,
        links=[{"href": RELEASE_URL, "text": "v1.4.2"}],
        service="shop",
        version="v1.4.2",
        score=0.72,
        confidence="likely",
        evidence=[SERVICE_EVIDENCE, TIME_EVIDENCE],
    )
]
LIKELY_RELEASE = {"likelyCause": "d-2"}


def posted(body: bytes) -> Any:
    return json.loads(body)


# --- Slack ---------------------------------------------------------------------------------


def test_slack_message_is_exact() -> None:
    # Given an alert with one related release, its likely cause
    context = make_context(ONE_RELEASE, verdict=LIKELY_RELEASE)
    # When the Slack request is built
    request = slack_request(context, SLACK_URL, always=False)
    # Then it is one JSON POST to the webhook with the header, context, the likely cause's section
    # (its score, reason and strongest evidence) and the link blocks
    assert request is not None
    assert (request.method, request.url, request.headers) == ("POST", SLACK_URL, {"Content-Type": "application/json"})
    assert posted(request.body) == {
        "text": "High error rate on checkout: Likely cause (72%): Deployed shop v1.2 "
        "(14 min before the alert). <https://events.example.com/?alert=a-1|Open the alert>",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "High error rate on checkout"}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": "Team scope: Payments and checkout · 1 related deployment"}],
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*Likely cause (72%):* <{RELEASE_URL}|Deployed shop v1.2> · 14 min before the alert\n"
                    'Deployed 14 min before the alert by pipeline "shop-github", owned by team Payments\n'
                    "Strongest evidence: to the alert's service shop (SERVICE +2.4)\n"
                    "shop · v1.4.2",
                },
            },
            {"type": "divider"},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "<https://events.example.com/?alert=a-1|Open the alert in Deployment events> · alert `a-1`",
                },
            },
        ],
    }
    # And the body is compact JSON
    assert request.body == json.dumps(posted(request.body), separators=(",", ":")).encode()


def test_slack_sends_nothing_without_a_related_deployment_unless_always() -> None:
    # Given an account-wide alert with no related deployment
    context = make_context([], scope="ACCOUNT")
    # When / Then nothing is sent by default
    assert slack_request(context, SLACK_URL, always=False) is None
    # When the target asks for always
    request = slack_request(context, SLACK_URL, always=True)
    # Then the message says nothing was found in the window
    assert request is not None
    message = posted(request.body)
    assert [block["type"] for block in message["blocks"]] == ["header", "context", "section", "divider", "section"]
    assert message["blocks"][1]["elements"][0]["text"] == (
        "Account-wide: no team of this alert owns a pipeline · 0 related deployments"
    )
    assert message["blocks"][2]["text"]["text"] == "No deployment found in the 7 days before this alert."
    assert message["text"].startswith(
        "High error rate on checkout: No deployment found in the 7 days before this alert."
    )


def test_slack_header_falls_back_to_the_alert_id() -> None:
    request = slack_request(make_context(ONE_RELEASE, summary=None), SLACK_URL, always=False)
    assert request is not None
    assert posted(request.body)["blocks"][0]["text"]["text"] == "Alert a-1"


def assert_within_block_kit_limits(message: dict[str, Any]) -> None:
    blocks = message["blocks"]
    assert len(blocks) <= SLACK_MAX_BLOCKS
    assert len(message["text"]) <= SLACK_TEXT_MAX
    for block in blocks:
        # slack_sdk's own validation, as it would run before posting
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
        if block["type"] == "header":
            assert 0 < len(block["text"]["text"]) <= SLACK_HEADER_MAX
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= SLACK_SECTION_MAX


def test_slack_keeps_block_kit_limits_with_huge_texts() -> None:
    # Given a 1,000-character alert summary and 20 deployments with 1,000-character summaries,
    # reasons of 2,000 and links full of characters Slack escapes
    words = ("lorem ipsum dolor sit amet " * 60)[:1000]
    deployments = [
        deployment(
            number,
            number * 10,
            summary=("& < > " * 200)[:1000] if number % 2 else words,
            reason=(words + " ") * 2,
            links=[{"href": "https://ci.example.com/run?a=1&b=2&" + "x" * 900, "text": "run"}],
            repository="acme/" + "r" * 250,
        )
        for number in range(20)
    ]
    context = make_context(deployments, summary=words)
    # When the Slack request is built
    request = slack_request(context, SLACK_URL, always=False)
    # Then every block is within its limit and slack_sdk validates the message
    assert request is not None
    message = posted(request.body)
    assert_within_block_kit_limits(message)
    # And the header is the summary cut at a word boundary with an ellipsis
    header = message["blocks"][0]["text"]["text"]
    assert header.endswith("…")
    assert words.startswith(header.removesuffix("…"))
    assert header.removesuffix("…").split()[-1] in words.split()
    # And the deployment sections (after the sentence that no change stands out) together stay
    # under the total budget; the rest are counted
    sections = [block for block in message["blocks"] if block["type"] == "section"][1:-1]
    assert sum(len(section["text"]["text"]) for section in sections) <= SLACK_BLOCKS_TEXT_BUDGET
    assert message["blocks"][-3] == {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": f"…and {20 - len(sections)} more related deployments on the alert's page."}
        ],
    }
    # And no escaped entity is cut in the middle
    for section in sections:
        text = section["text"]["text"]
        assert "&" not in text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")


def test_slack_never_exceeds_50_blocks() -> None:
    # Given 60 short related deployments
    context = make_context([deployment(number, number) for number in range(60)])
    # When the Slack request is built
    request = slack_request(context, SLACK_URL, always=False)
    # Then the message has 50 blocks: the sentence that no change stands out, 44 deployments and a
    # note of the 16 others
    assert request is not None
    message = posted(request.body)
    assert_within_block_kit_limits(message)
    assert len(message["blocks"]) == SLACK_MAX_BLOCKS
    assert message["blocks"][-3]["elements"][0]["text"] == "…and 16 more related deployments on the alert's page."


def test_slack_escapes_what_users_wrote() -> None:
    # Given texts with Slack's control characters, a mention and a link breaking the markup
    hostile = [
        deployment(
            1,
            5,
            summary="Fix <!channel> & <b>bold</b>",
            reason="Because a > b & c < d",
            links=[{"href": "https://example.com/a|b>c<d?x=1&y=2", "text": "x"}],
        )
    ]
    no_cause = 'No change stands out: the closest is "Fix <!channel> & <b>bold</b>" (possible).'
    context = make_context(
        hostile, summary="<!here> disk & CPU > 90%", verdict={"likelyCause": None, "noLikelyCause": no_cause}
    )
    # When the Slack request is built
    request = slack_request(context, SLACK_URL, always=False)
    assert request is not None
    message = posted(request.body)
    assert message["blocks"][2]["text"]["text"] == (
        'No change stands out: the closest is "Fix &lt;!channel&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" (possible).'
    )
    section = message["blocks"][3]["text"]["text"]
    # Then the mrkdwn has the entities, the URL is percent-encoded, and no mention survives
    assert section.startswith(
        "*<https://example.com/a%7Cb%3Ec%3Cd?x=1&amp;y=2|Fix &lt;!channel&gt; &amp; &lt;b&gt;bold&lt;/b&gt;>*"
    )
    assert "Because a &gt; b &amp; c &lt; d" in section
    assert message["text"].startswith("&lt;!here&gt; disk &amp; CPU &gt; 90%:")
    mrkdwn = [message["text"]] + [
        element["text"]
        for block in message["blocks"][1:]
        for element in [block.get("text"), *block.get("elements", [])]
        if element
    ]
    assert not any("<!" in text for text in mrkdwn)
    # And the plain-text header is shown as written (Slack parses no mention in plain_text)
    assert message["blocks"][0]["text"]["text"] == "<!here> disk & CPU > 90%"


@given(st.text(alphabet="a &<>\n", max_size=400), st.integers(min_value=1, max_value=300))
def test_slack_cut_stays_within_the_limit_and_never_splits_an_entity(text: str, limit: int) -> None:
    escaped = slack_cut(text, limit)
    assert len(escaped) <= limit
    assert "&" not in escaped.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
    assert "<" not in escaped
    assert ">" not in escaped


def test_cut_prefers_a_word_boundary() -> None:
    assert cut("short", 10) == "short"
    assert cut("deployed the shop service today", 20) == "deployed the shop…"
    assert cut("x" * 30, 10) == "x" * 9 + "…"
    assert len(cut("a, b, c, d, e, f", 7)) <= 7


# --- PagerDuty -----------------------------------------------------------------------------


def test_pagerduty_note_is_exact() -> None:
    # Given an alert from a PagerDuty incident with one related release, its likely cause
    context = make_context(ONE_RELEASE, verdict=LIKELY_RELEASE, incident_id="PT4KHLK")
    # When the PagerDuty request is built
    request = pagerduty_request(context, "https://api.pagerduty.com/", "u+token", "oncall@example.com")
    # Then it is a note on the incident, with PagerDuty's required headers
    assert request is not None
    assert (request.method, request.url) == ("POST", "https://api.pagerduty.com/incidents/PT4KHLK/notes")
    assert request.headers == {
        "Authorization": "Token token=u+token",
        "From": "oncall@example.com",
        "Accept": "application/vnd.pagerduty+json;version=2",
        "Content-Type": "application/json",
    }
    assert posted(request.body) == {
        "note": {
            "content": "Likely cause (72%): Deployed shop v1.2 — "
            'Deployed 14 min before the alert by pipeline "shop-github", owned by team Payments\n'
            "   Strongest evidence: to the alert's service shop (SERVICE +2.4)\n"
            f"   {RELEASE_URL}\n"
            "1 related deployment (Team scope: Payments and checkout).\n"
            f"Details: {PAGE_URL}"
        }
    }


def test_pagerduty_only_for_incidents_and_with_a_note_when_nothing_is_related() -> None:
    # Given / When / Then an alert of another source gets no note
    assert pagerduty_request(make_context(ONE_RELEASE), "https://api.pagerduty.com", "t", "a@b.example") is None
    # Given an incident with no related deployment
    request = pagerduty_request(
        make_context([], scope="ACCOUNT", incident_id="Q1/../x"), "https://api.pagerduty.com", "t", "a@b.example"
    )
    # Then the note says so, and the incident id cannot change the path
    assert request is not None
    assert request.url == "https://api.pagerduty.com/incidents/Q1%2F..%2Fx/notes"
    assert posted(request.body)["note"]["content"] == (
        "No deployment found in the 7 days before this alert. (Account-wide: no team of this alert owns a pipeline)\n"
        f"Details: {PAGE_URL}"
    )


def test_pagerduty_note_is_cut_cleanly_at_25000_characters() -> None:
    # Given 40 deployments with the longest summaries, long reasons and long links
    deployments = [
        deployment(
            number,
            number,
            summary=f"{number} " + "word " * 204,
            reason="because " * 250,
            links=[{"href": "https://ci.example.com/" + "p" * 2000}],
        )
        for number in range(40)
    ]
    request = pagerduty_request(
        make_context(deployments, incident_id="P1"), "https://api.pagerduty.com", "t", "a@b.example"
    )
    assert request is not None
    content = posted(request.body)["note"]["content"]
    # Then the note is within the limit, ends with the count and the page link, and counts what was
    # left out
    assert len(content) <= PAGERDUTY_NOTE_MAX
    lines = content.splitlines()
    assert lines[-2:] == ["40 related deployments (Team scope: Payments and checkout).", f"Details: {PAGE_URL}"]
    assert lines[:2] == [NO_CAUSE, "Possible changes:"]
    shown = sum(1 for line in lines[2:-2] if line[:1].isdigit())
    assert 0 < shown < 40
    assert lines[-3] == f"…and {40 - shown} more on the alert's page."


# --- ilert ---------------------------------------------------------------------------------


def test_ilert_comment_is_exact() -> None:
    # Given an alert from ilert with its alertKey, and one related release, its likely cause
    context = make_context(ONE_RELEASE, verdict=LIKELY_RELEASE, alert_key="checkout-5xx")
    # When the ilert request is built
    request = ilert_request(context, "https://api.ilert.com/", "il1api123")
    # Then it is a COMMENT event for that alert, through the alert source's integration key
    assert request is not None
    assert (request.method, request.url) == ("POST", "https://api.ilert.com/api/events")
    assert request.headers == {"Content-Type": "application/json"}
    assert posted(request.body) == {
        "integrationKey": "il1api123",
        "eventType": "COMMENT",
        "alertKey": "checkout-5xx",
        "summary": "Likely cause (72%): Deployed shop v1.2",
        "comments": [
            {
                "creator": "Deployment events",
                "content": "Likely cause (72%): Deployed shop v1.2 — "
                'Deployed 14 min before the alert by pipeline "shop-github", owned by team Payments\n'
                "   Strongest evidence: to the alert's service shop (SERVICE +2.4)\n"
                f"   {RELEASE_URL}\n"
                "1 related deployment (Team scope: Payments and checkout).\n"
                f"Details: {PAGE_URL}",
            }
        ],
    }


def test_ilert_only_with_an_alert_key_and_a_one_line_summary() -> None:
    assert ilert_request(make_context(ONE_RELEASE), "https://api.ilert.com", "k") is None
    # Given a likely cause whose summary is over several lines and 1,000 characters
    long_summary = deployment(1, 3, summary="line one\nline two " + "z " * 600, score=0.8, confidence="likely")
    context = make_context([long_summary], verdict={"likelyCause": "d-1"}, alert_key="k1")
    request = ilert_request(context, "https://api.ilert.com", "k")
    assert request is not None
    summary = posted(request.body)["summary"]
    assert "\n" not in summary
    assert len(summary) <= 255
    assert summary.startswith("Likely cause (80%): line one line two z z")
    nothing = ilert_request(make_context([], alert_key="k1"), "https://api.ilert.com", "k")
    assert nothing is not None
    assert posted(nothing.body)["summary"] == "No deployment found in the 7 days before this alert."


# --- the signed webhook --------------------------------------------------------------------


def test_webhook_is_the_signed_enrichment() -> None:
    # Given an enrichment
    context = make_context(ONE_RELEASE)
    # When the webhook request is built
    request = webhook_request(context, "https://hooks.example.com/in", "s3cret", "evt-1")
    # Then its body is the enrichment as published, compact, signed as the §6 webhook signs it
    assert (request.method, request.url) == ("POST", "https://hooks.example.com/in")
    assert request.body == json.dumps(context.enrichment.to_json_dict(), separators=(",", ":")).encode()
    # And it carries §17's verdict, a null likelyCause included, and each change's confidence and evidence
    body = posted(request.body)
    assert (body["likelyCause"], body["ambiguous"], body["noLikelyCause"]) == (None, False, NO_CAUSE)
    assert body["deployments"][0]["confidence"] == "likely"
    assert body["deployments"][0]["evidence"][0] == SERVICE_EVIDENCE
    signature = "sha256=" + hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers == {
        "Content-Type": "application/json",
        "X-Signature-256": signature,
        "X-Event-Id": "evt-1",
    }


# --- redaction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target_type", "value", "shown"),
    [
        ("SLACK", SLACK_URL, "https://hooks.slack.com/…1234"),
        (
            TargetType.WEBHOOK,
            "https://user:pw@hooks.example.com:8443/in/abcdef0123?token=zzzz9876",
            "https://hooks.example.com:8443/…9876",
        ),
        ("webhook", "http://127.0.0.1:8080/x", "http://127.0.0.1:8080/…"),
        ("WEBHOOK", "not a url", "…"),
        ("PAGERDUTY", "oncall@example.com", "o…@example.com"),
        ("PAGERDUTY", "nobody", "…"),
        ("ILERT", "il1api0123456789abcd", "…abcd"),
        ("ILERT", "short", "…"),
    ],
)
def test_targets_are_shown_without_their_secrets(target_type: str, value: str, shown: str) -> None:
    assert redacted_target(target_type, value) == shown


def test_a_request_does_not_show_its_secrets() -> None:
    request = slack_request(make_context(ONE_RELEASE), SLACK_URL, always=False)
    assert request is not None
    assert repr(request) == "OutboundRequest(POST https://hooks.slack.com/…1234)"
    assert "S3cr3t" not in str(request)


# --- §17: the likely cause first, or that no change stands out ------------------------------

PUSH = deployment(3, 16, summary="Pushed to shop main", score=0.2, confidence="possible")
STAGING = deployment(4, 30, summary="Deployed shop to staging", score=0.04, confidence="unlikely")
OLD_CONFIG = deployment(5, 600, summary="Changed the CDN config", score=0.01, confidence="unlikely")
AMBIGUOUS = 'No change stands out: "Deployed shop v1.2" and "Deployed cart v2.0" are about as likely.'


def note(context: NotificationContext) -> str:
    request = pagerduty_request(context, "https://api.pagerduty.com", "t", "a@b.example")
    assert request is not None
    content: str = posted(request.body)["note"]["content"]
    return content


def slack_message(context: NotificationContext) -> dict[str, Any]:
    request = slack_request(context, SLACK_URL, always=False)
    assert request is not None
    message: dict[str, Any] = posted(request.body)
    assert_within_block_kit_limits(message)
    return message


def block_texts(message: dict[str, Any]) -> list[str]:
    return [
        element["text"]
        for block in message["blocks"]
        for element in [block.get("text"), *block.get("elements", [])]
        if element
    ]


def test_the_likely_cause_leads_then_the_possible_ones_and_the_unlikely_ones_are_counted() -> None:
    # Given a likely cause, a possible push and two unlikely changes
    context = make_context([*ONE_RELEASE, PUSH, STAGING, OLD_CONFIG], verdict=LIKELY_RELEASE, incident_id="P1")
    # When the PagerDuty note is built
    # Then it leads with the likely cause, lists the possible push, and counts the unlikely ones
    assert note(context) == (
        "Likely cause (72%): Deployed shop v1.2 — "
        'Deployed 14 min before the alert by pipeline "shop-github", owned by team Payments\n'
        "   Strongest evidence: to the alert's service shop (SERVICE +2.4)\n"
        f"   {RELEASE_URL}\n"
        "Other possible changes:\n"
        '1. Pushed to shop main (20% possible) — Deployed 16 min before the alert by pipeline "shop-github", '
        "owned by team Payments\n"
        "4 related deployments (Team scope: Payments and checkout); 2 unlikely changes left out, "
        "shown on the alert's page.\n"
        f"Details: {PAGE_URL}"
    )
    assert "Deployed shop to staging" not in note(context)


def test_slack_leads_with_the_likely_cause_and_links_the_unlikely_ones_left_out() -> None:
    # Given a likely cause, a possible push and two unlikely changes
    context = make_context([*ONE_RELEASE, PUSH, STAGING, OLD_CONFIG], verdict=LIKELY_RELEASE)
    # When the Slack message is built
    message = slack_message(context)
    # Then the first section is the likely cause, the second the push with its score, and a
    # context block counts the unlikely ones, linked to the alert's page
    sections = [block["text"]["text"] for block in message["blocks"] if block["type"] == "section"]
    assert sections[0].startswith(f"*Likely cause (72%):* <{RELEASE_URL}|Deployed shop v1.2> · 14 min before")
    assert sections[1].startswith("*Pushed to shop main* · 16 min before the alert · 20% possible\n")
    assert message["blocks"][-3]["elements"][0]["text"] == (
        f"2 unlikely changes left out, <{PAGE_URL}|shown on the alert's page>."
    )
    assert not any("staging" in text or "CDN" in text for text in block_texts(message))
    assert message["text"].startswith("High error rate on checkout: Likely cause (72%): Deployed shop v1.2 (14 min")


def test_without_a_likely_cause_the_sentence_leads_and_the_possible_ones_follow() -> None:
    # Given no likely cause: a possible push and an unlikely change
    context = make_context([PUSH, STAGING], incident_id="P1", alert_key="k1")
    # When the messages are built
    # Then each says that no change stands out, in the enrichment's words, then lists the push
    assert note(context) == (
        f"{NO_CAUSE}\n"
        "Possible changes:\n"
        '1. Pushed to shop main (20% possible) — Deployed 16 min before the alert by pipeline "shop-github", '
        "owned by team Payments\n"
        "2 related deployments (Team scope: Payments and checkout); 1 unlikely change left out, "
        "shown on the alert's page.\n"
        f"Details: {PAGE_URL}"
    )
    message = slack_message(context)
    assert message["blocks"][2]["text"]["text"] == NO_CAUSE
    assert message["blocks"][3]["text"]["text"].startswith("*Pushed to shop main* · 16 min before the alert")
    assert not any("Likely cause" in text for text in block_texts(message))
    assert message["text"].startswith(f"High error rate on checkout: {NO_CAUSE} 1 possible change. <")
    ilert = ilert_request(context, "https://api.ilert.com", "k")
    assert ilert is not None
    assert posted(ilert.body)["summary"] == NO_CAUSE


def test_only_unlikely_changes_are_counted_not_sent() -> None:
    # Given an alert whose changes are all unlikely
    context = make_context([STAGING, OLD_CONFIG], incident_id="P1")
    # When the PagerDuty note is built
    # Then it says no change stands out and how many were left out, and names none of them
    assert note(context) == (
        f"{NO_CAUSE}\n"
        "2 related deployments (Team scope: Payments and checkout); 2 unlikely changes left out, "
        "shown on the alert's page.\n"
        f"Details: {PAGE_URL}"
    )


def test_an_ambiguous_alert_names_no_cause_and_lists_both_close_changes() -> None:
    # Given two changes about as likely, and so no likely cause
    close = [
        deployment(2, 14, score=0.41, confidence="possible"),
        deployment(6, 12, summary="Deployed cart v2.0", score=0.38, confidence="possible"),
    ]
    context = make_context(
        close, verdict={"likelyCause": None, "ambiguous": True, "noLikelyCause": AMBIGUOUS}, incident_id="P1"
    )
    # When the messages are built
    text = note(context)
    message = slack_message(context)
    # Then neither is presented as the cause; the sentence says they are about as likely; both are listed
    assert "Likely cause" not in text
    assert text.splitlines()[:2] == [AMBIGUOUS, "Possible changes:"]
    assert text.splitlines()[2].startswith("1. Deployed shop v1.2 (41% possible) — ")
    assert text.splitlines()[3].startswith("2. Deployed cart v2.0 (38% possible) — ")
    assert message["blocks"][2]["text"]["text"] == AMBIGUOUS
    assert len([block for block in message["blocks"] if block["type"] == "section"]) == 4


def test_a_change_after_the_alert_is_labelled_so_and_never_presented_as_the_cause() -> None:
    # Given a possible change 3 minutes after the alert (a rollback), even named as the cause by mistake
    rollback = deployment(
        7,
        -3,
        summary="Rolled back shop",
        reason='Deployed 3 min after the alert by pipeline "shop-github": most often a response to the alert',
        score=0.2,
        confidence="possible",
        afterAlert=True,
    )
    context = make_context([rollback], verdict={"likelyCause": "d-7"}, incident_id="P1")
    # When the messages are built
    text = note(context)
    message = slack_message(context)
    # Then it is listed as changed after the alert, and nothing leads as the likely cause
    assert "Likely cause" not in text
    assert text.splitlines()[0] == "No change stands out."
    assert text.splitlines()[2].startswith(
        "1. Rolled back shop (after the alert · 20% possible) — Deployed 3 min after"
    )
    section = message["blocks"][3]["text"]["text"]
    assert section.startswith("_Changed after the alert, so not its cause:_ *Rolled back shop* · 3 min after the alert")
    assert not any("Likely cause" in text for text in block_texts(message))


def test_an_enrichment_stored_before_confidences_is_judged_by_its_score() -> None:
    # Given an enrichment without confidences, likelyCause or noLikelyCause: scores 0.3 and 0.1
    old = [
        deployment(1, 5, score=0.3, confidence=None),
        deployment(2, 50, score=0.1, confidence=None),
    ]
    context = make_context(old, verdict={}, incident_id="P1")
    # When the PagerDuty note is built
    lines = note(context).splitlines()
    # Then the 0.3 one is possible and listed, the 0.1 one unlikely and counted
    assert lines[:2] == ["No change stands out.", "Possible changes:"]
    assert lines[2].startswith("1. Deployed shop v1.1 (30% possible) — ")
    assert "1 unlikely change left out" in lines[3]
