"""§22: secrets that go into headers are checked when written, 422 naming the field and never
repeating the value."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Bus
from tests.recording_server import RecordingServer, recording_server

TOKEN = "pd-token-0123456789abcdef"
VALID_PAGERDUTY = {"type": "PAGERDUTY", "apiToken": TOKEN, "fromEmail": "oncall@example.com"}
HEADER_UNSAFE_TARGETS = [
    (
        "token with a trailing newline",
        {**VALID_PAGERDUTY, "apiToken": TOKEN + "\n"},
        "notifications.0.PAGERDUTY.apiToken",
    ),
    (
        "token with CR LF inside",
        {**VALID_PAGERDUTY, "apiToken": TOKEN + "\r\nX-Evil: 1"},
        "notifications.0.PAGERDUTY.apiToken",
    ),
    ("token with a space", {**VALID_PAGERDUTY, "apiToken": "Token " + TOKEN}, "notifications.0.PAGERDUTY.apiToken"),
    ("non-ASCII token", {**VALID_PAGERDUTY, "apiToken": TOKEN + "é"}, "notifications.0.PAGERDUTY.apiToken"),
    (
        "e-mail with a NUL",
        {**VALID_PAGERDUTY, "fromEmail": "on\x00call@example.com"},
        "notifications.0.PAGERDUTY.fromEmail",
    ),
    (
        "e-mail outside ASCII",
        {**VALID_PAGERDUTY, "fromEmail": "böse@example.com"},
        "notifications.0.PAGERDUTY.fromEmail",
    ),
    (
        "ilert key with a tab",
        {"type": "ILERT", "integrationKey": "il1\t" + TOKEN},
        "notifications.0.ILERT.integrationKey",
    ),
    (
        "Slack URL with a control character",
        {"type": "SLACK", "webhookUrl": f"https://hooks.slack.com/services/T0/B0/{TOKEN}\x01"},
        "notifications.0.SLACK.webhookUrl",
    ),
    (
        "webhook secret with a leading space",
        {"type": "WEBHOOK", "url": "https://example.com/hook", "secret": " " + TOKEN},
        "notifications.0.WEBHOOK.secret",
    ),
]


def refused_quietly(response: Any, field: str, value: str) -> None:
    """A 422 naming ``field``, with nothing of ``value`` in it."""
    assert response.status == 422, response.body
    assert field in [error["field"] for error in response.json()["errors"]]
    assert TOKEN not in response.body.decode(), "the answer repeats the secret"
    assert value.strip() not in response.body.decode()


@pytest.mark.parametrize(
    ("case", "target", "field"), HEADER_UNSAFE_TARGETS, ids=[case[0] for case in HEADER_UNSAFE_TARGETS]
)
def test_a_header_unsafe_notification_secret_is_refused_naming_its_field(
    api: Api, case: str, target: dict[str, str], field: str
) -> None:
    # Given a notification target whose secret or address cannot go into a header as it is
    body = {"name": "pd", "integrationType": "PAGERDUTY", "webhookSecret": "pd-secret", "notifications": [target]}
    # When an alert source is created with it, and when an existing one is updated to it
    created = api.call("POST", "/api/alert-sources", body)
    existing = api.call("POST", "/api/alert-sources", {**body, "notifications": [VALID_PAGERDUTY]})
    assert existing.status == 201, existing.body
    updated = api.call("PUT", f"/api/alert-sources/{existing.json()['id']}", body)
    # Then both are refused with 422 naming the field, never echoing the value
    offending = next(value for value in target.values() if TOKEN in value or "@" in value)
    refused_quietly(created, field, offending)
    refused_quietly(updated, field, offending)


@pytest.mark.parametrize("secret", [TOKEN + "\n", "\t" + TOKEN, TOKEN + "\x00", TOKEN + "\u2028", TOKEN + "ü"])
@pytest.mark.parametrize("kind", ["pipeline", "alert source"])
def test_a_header_unsafe_webhook_secret_is_refused_naming_its_field(api: Api, secret: str, kind: str) -> None:
    # Given a webhook secret that a sender could not send in a header as it is
    path, body = (
        ("/api/deployment-pipelines", {"name": "gl", "integrationType": "GITLAB"})
        if kind == "pipeline"
        else ("/api/alert-sources", {"name": "am", "integrationType": "ALERTMANAGER"})
    )
    # When it is written
    response = api.call("POST", path, {**body, "webhookSecret": secret})
    # Then it is refused naming webhookSecret, never echoing it
    refused_quietly(response, "webhookSecret", secret)


def test_header_safe_secrets_with_inner_spaces_and_the_removal_are_still_taken(api: Api) -> None:
    # Given a GitLab pipeline whose secret has an inner space (a header value may), then none
    created = api.create_pipeline("GITLAB", webhookSecret="two words")
    # When its secret is removed with "", as §2 allows
    removed = api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "x", "webhookSecret": ""})
    # Then both writes are taken
    assert created["webhookSecretSet"] is True
    assert removed.status == 200, removed.body
    assert removed.json()["webhookSecretSet"] is False


SLACK_TOKEN = "abcdefghijklmnopqrstuvwx"
"""24 characters, as the token at the end of a Slack webhook's path."""


@pytest.fixture
def sink() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def stack_parameters(sink: RecordingServer) -> dict[str, str]:
    """``DefaultNotifications`` with a Slack URL pasted without its scheme, then a valid target."""
    defaults = [
        {"type": "SLACK", "webhookUrl": f"hooks.slack.com/services/T0AB12CDE/B0AB12CDE/{SLACK_TOKEN}"},
        {"type": "SLACK", "webhookUrl": f"{sink.url}/services/valid", "always": True},
    ]
    return {"DefaultNotifications": json.dumps(defaults)}


def test_an_invalid_default_notification_is_skipped_and_never_printed(
    alert_bus: Bus, sink: RecordingServer, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # Given DefaultNotifications whose first entry is invalid, and an alert of no alert source
    alert = {"id": "default-targets-1", "reportTime": isoformat(utc_now()), "summary": "down"}
    # When it is correlated, enriched and notified
    alert_bus.put_alert(alert)
    alert_bus.deliver()
    # Then the valid target is notified all the same
    assert [request.path for request in sink.requests] == ["/services/valid"]
    # And the skipped entry is logged by position and type, with nothing of its token anywhere
    [skipped] = [
        record.__dict__ for record in caplog.records if record.getMessage() == "DefaultNotifications: entry skipped"
    ]
    assert (skipped["position"], skipped["type"]) == (0, "SLACK")
    assert skipped["problems"] == ["SLACK.webhookUrl: string_pattern_mismatch"]
    records = [json.dumps(record.__dict__, default=str) for record in caplog.records]
    assert SLACK_TOKEN[:8] not in "".join([*capfd.readouterr(), *records])
