"""Notifications (§13) through the template's rules and the notify function, to a real local
HTTP server that records what it receives: delivered once, retried, visible, never a secret."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from local.gateway import LocalLambdaContext, load_handler
from local.template import LOCAL_ACCOUNT_ID
from shared.adapters.store import notifications as claim_store
from shared.domain.models.alert_sources import AlertSourceCreateRequest
from shared.domain.models.alerts import Enrichment
from shared.domain.timestamps import isoformat, utc_now
from shared.logic import claims, notify
from tests.conftest import JSON, Api, Aws, Bus
from tests.faults import OUTAGE, FaultInjector, install
from tests.fixture_files import fixture_json
from tests.recording_server import Answer, RecordingServer, recording_server

NO_ADMIN = {"authorization": ""}
PAGERDUTY_TOKEN = "pd-token-0123456789"
ILERT_KEY = "il1alert-source-key-0123"
SOURCE_SECRET = "alert-source-webhook-secret"


@pytest.fixture
def target() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def stack_parameters(target: RecordingServer, request: pytest.FixtureRequest) -> dict[str, str]:
    """The notification APIs on the recording server; a test's own parameters (``indirect``),
    ``{target}`` standing for the server's URL."""
    extra: dict[str, str] = getattr(request, "param", {})
    return {
        "PagerDutyApiUrl": f"{target.url}/pagerduty",
        "IlertApiUrl": f"{target.url}/ilert",
        **{name: value.format(target=target.url) for name, value in extra.items()},
    }


@pytest.fixture
def deployed(api: Api) -> dict[str, Any]:
    pipeline = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    body = {"integrationKey": pipeline["integrationKey"], "summary": "shop v2 to production", "service": "shop"}
    assert api.call("POST", "/api/deployment-events", body).status == 202
    return pipeline


def source_with(
    api: Api, integration_type: str, notifications: list[dict[str, Any]], webhook_secret: str | None = None
) -> dict[str, Any]:
    body = {
        "name": f"{integration_type.lower()} prod",
        "integrationType": integration_type,
        "teams": [{"id": "payments", "name": "Payments"}],
        "notifications": notifications,
        **({"webhookSecret": webhook_secret} if webhook_secret else {}),
    }
    response = api.call("POST", "/api/alert-sources", body)
    assert response.status == 201, response.body
    created: dict[str, Any] = response.json()
    return created


def alertmanager_delivery() -> bytes:
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    delivery["alerts"] = delivery["alerts"][:1]
    delivery["alerts"][0]["startsAt"] = isoformat(utc_now())
    return json.dumps(delivery).encode()


def deliver(api: Api, source: dict[str, Any], body: bytes, headers: dict[str, str] | None = None) -> list[str]:
    path = f"/api/v1/alerts/{source['integrationType'].lower()}/{source['integrationKey']}"
    response = api.call("POST", path, body, {**NO_ADMIN, **JSON, **(headers or {})})
    assert response.status == 202, response.body
    alerts: list[str] = response.json()["alerts"]
    return alerts


def test_an_alert_sent_three_times_is_one_slack_post(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given an Alertmanager source posting to Slack
    slack = {"type": "SLACK", "webhookUrl": f"{target.url}/services/T000/B000/secret-slack-path"}
    source = source_with(api, "ALERTMANAGER", [slack])
    # When Alertmanager sends the same firing alert three times (repeat_interval)
    delivery = alertmanager_delivery()
    for _ in range(3):
        [alert_id] = deliver(api, source, delivery)
        alert_bus.deliver()
    # Then Slack got one message, with the alert, its scope, the deployment and the page link
    [posted] = target.requests
    assert (posted.method, posted.path) == ("POST", "/services/T000/B000/secret-slack-path")
    message = json.loads(posted.body)
    text = json.dumps(message)
    assert message["blocks"][0]["type"] == "header"
    assert "High CPU core temperature" in message["blocks"][0]["text"]["text"]
    assert "shop v2 to production" in text
    assert "Payments" in text
    assert f"/?alert={alert_id.replace(':', '%3A')}" in text
    # And the alert's page lists that notification, without the webhook's secret path
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["type"], status["status"], status["attempts"]) == ("SLACK", "delivered", 1)
    assert "secret-slack-path" not in status["target"]
    assert "deliveredAt" in status


def test_slack_gets_nothing_without_related_deployments_unless_always(
    api: Api, alert_bus: Bus, target: RecordingServer
) -> None:
    quiet = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/quiet"}])
    chatty = source_with(api, "GRAFANA", [{"type": "SLACK", "webhookUrl": f"{target.url}/always", "always": True}])
    deliver(api, quiet, alertmanager_delivery())
    grafana = json.loads(alertmanager_delivery())
    grafana["version"] = "1"
    deliver(api, chatty, json.dumps(grafana).encode())
    alert_bus.deliver()
    assert [request.path for request in target.requests] == ["/always"]


def test_pagerduty_notes_and_ilert_comments_go_to_their_own_alerts(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    pagerduty = source_with(
        api,
        "PAGERDUTY",
        [{"type": "PAGERDUTY", "apiToken": PAGERDUTY_TOKEN, "fromEmail": "oncall@example.com"}],
        SOURCE_SECRET,
    )
    incident = fixture_json("alerts/pagerduty/webhook-v3.incident.triggered.zulip.json")
    incident["event"]["occurred_at"] = isoformat(utc_now())
    body = json.dumps(incident).encode()
    signature = hmac.new(SOURCE_SECRET.encode(), body, hashlib.sha256).hexdigest()
    deliver(api, pagerduty, body, {"x-pagerduty-signature": f"v1={signature}"})
    ilert = source_with(api, "ILERT", [{"type": "ILERT", "integrationKey": ILERT_KEY}], SOURCE_SECRET)
    alert = fixture_json("alerts/ilert/webhook-alert-action.alert-created.derived.json")
    alert["reportTime"] = isoformat(utc_now())
    deliver(api, ilert, json.dumps(alert).encode(), {"authorization": f"Bearer {SOURCE_SECRET}"})
    alert_bus.deliver()
    by_path = {request.path: request for request in target.requests}
    note = by_path["/pagerduty/incidents/PFQZPSY/notes"]
    assert note.headers["authorization"] == f"Token token={PAGERDUTY_TOKEN}"
    assert note.headers["from"] == "oncall@example.com"
    assert "shop v2 to production" in json.loads(note.body)["note"]["content"]
    comment = json.loads(by_path["/ilert/api/events"].body)
    assert (comment["integrationKey"], comment["eventType"], comment["alertKey"]) == (
        ILERT_KEY,
        "COMMENT",
        "zabbix-12345",
    )


def test_a_crash_after_the_post_repeats_it_once_then_records_it(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Slack target, and a first invocation killed after Slack answered, before the record
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/hook"}])
    [alert_id] = deliver(api, source, alertmanager_delivery())
    settle = claim_store.settle_at

    def crash(*_: Any) -> None:
        raise SystemExit("killed")

    monkeypatch.setattr(claim_store, "settle_at", crash)
    with pytest.raises(SystemExit):
        alert_bus.deliver()
    enrichment_events = alert_bus.observed("Alert Enriched")
    assert len(target.requests) == 1
    # When the invocation is retried after the claim's lease has run out
    monkeypatch.setattr(claim_store, "settle_at", settle)
    enrichment = Enrichment.model_validate(enrichment_events[-1]["detail"])
    notify.notify(enrichment, "retry", "invocation-2", clock=lambda: utc_now() + timedelta(minutes=2))
    # Then the request was repeated once, at most, and is now recorded as delivered
    assert len(target.requests) == 2
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("delivered", 2)
    # And a further retry sends nothing
    notify.notify(enrichment, "again", "invocation-3", clock=lambda: utc_now() + timedelta(minutes=5))
    assert len(target.requests) == 2


def test_a_target_that_keeps_failing_is_failed_and_dead_lettered(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    target.answer(*([500] * 20))
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/down"}])
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    # Then each of the three invocations made 1 + 3 requests, and the status counts all 12 (§22)
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("failed", 12)
    assert len(target.requests) == 12
    assert "500" in status["lastError"]
    assert alert_bus.aws.queue_messages("NotifyDeadLetterQueue")


def test_a_final_4xx_is_failed_at_once(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    target.answer(404)
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/gone"}])
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("failed", 1)
    assert len(target.requests) == 1


def test_reads_never_show_a_secret_and_logs_never_hold_one(
    api: Api,
    alert_bus: Bus,
    target: RecordingServer,
    deployed: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO)  # the template's LogLevel; DEBUG logs every AWS SDK request
    secrets = ["secret-slack-path-xyz", PAGERDUTY_TOKEN, ILERT_KEY, "webhook-signing-secret"]
    targets: list[dict[str, Any]] = [
        {"type": "SLACK", "webhookUrl": f"{target.url}/services/{secrets[0]}", "always": True},
        {"type": "PAGERDUTY", "apiToken": PAGERDUTY_TOKEN, "fromEmail": "oncall@example.com"},
        {"type": "ILERT", "integrationKey": ILERT_KEY},
        {"type": "WEBHOOK", "url": f"{target.url}/hook", "secret": secrets[3]},
    ]
    source = source_with(api, "ALERTMANAGER", targets)
    read = api.call("GET", f"/api/alert-sources/{source['id']}").json()
    assert [view["type"] for view in read["notifications"]] == ["SLACK", "PAGERDUTY", "ILERT", "WEBHOOK"]
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    statuses = api.call("GET", f"/api/alerts/{alert_id}/notifications").body.decode()
    published = json.dumps(alert_bus.seen)
    logs = caplog.text + capsys.readouterr().out
    shown = repr(
        AlertSourceCreateRequest.model_validate({"name": "x", "integrationType": "GENERIC", "notifications": targets})
    )
    for secret in secrets:
        assert secret not in shown
        assert secret not in json.dumps(read)
        assert secret not in statuses
        assert secret not in published
        assert secret not in logs


# --- §22: fenced claims, every target tried, failed reopened ----------------------------


def test_attempts_count_every_request_retries_included(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given a Slack webhook answering 500, 500, then 200
    target.answer(500, 500)
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/flaky"}])
    # When an alert of its source is notified
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    # Then it is delivered after 3 requests, and says so
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("delivered", 3)
    assert len(target.requests) == 3


@pytest.mark.parametrize(
    "stack_parameters",
    [
        {
            "EnrichmentWebhookUrl": "{target}/enrichment",
            "EnrichmentWebhookSecretParameter": "/deployment-events/enrichment-webhook-secret",
        }
    ],
    indirect=True,
)
def test_the_enrichment_webhook_gets_every_enrichment_whatever_the_source_has(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given EnrichmentWebhookUrl set, and a source with a Slack target of its own
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/slack"}])
    # When an alert of that source is enriched
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    # Then both the source's Slack and the enrichment webhook got it, once each
    assert sorted(request.path for request in target.requests) == ["/enrichment", "/slack"]
    statuses = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert sorted((status["type"], status["status"]) for status in statuses) == [
        ("SLACK", "delivered"),
        ("WEBHOOK", "delivered"),
    ]


def test_a_target_that_raises_is_failed_by_type_and_the_next_is_tried(
    api: Api,
    alert_bus: Bus,
    target: RecordingServer,
    deployed: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a source whose first target raises an unexpected error quoting a secret (as
    # http.client quotes a header value), and a second target that works
    source = source_with(
        api,
        "ALERTMANAGER",
        [
            {"type": "SLACK", "webhookUrl": f"{target.url}/slack"},
            {"type": "WEBHOOK", "url": f"{target.url}/hook", "secret": "webhook-signing-secret"},
        ],
    )
    build = notify.request_for

    def raising(notification_target: Any, *args: Any) -> Any:
        if notification_target.type == "SLACK":
            raise RuntimeError("Invalid header value b'Token token=the-secret-token\\n'")
        return build(notification_target, *args)

    monkeypatch.setattr(notify, "request_for", raising)
    # When the alert is notified
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    # Then the second target was notified, the first is failed naming the error's type only
    assert [request.path for request in target.requests] == ["/hook"]
    statuses = {status["type"]: status for status in api.call("GET", f"/api/alerts/{alert_id}/notifications").json()}
    assert (statuses["WEBHOOK"]["status"], statuses["SLACK"]["status"]) == ("delivered", "failed")
    assert "RuntimeError" in statuses["SLACK"]["lastError"]
    # And the secret is nowhere: not in the status, the logs, nor a dead-letter message
    assert "the-secret-token" not in json.dumps(statuses)
    assert "the-secret-token" not in capsys.readouterr().out
    assert not alert_bus.aws.queue_messages("NotifyDeadLetterQueue")


def enriched_without_targets(api: Api, alert_bus: Bus) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """An alert enriched while its source had no targets: (the source, the alert's id, the
    ``Alert Enriched`` event), so that a test runs the notify invocations itself."""
    source = source_with(api, "ALERTMANAGER", [])
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    return source, alert_id, alert_bus.observed("Alert Enriched")[-1]


def set_targets(api: Api, source: dict[str, Any], notifications: list[dict[str, Any]]) -> None:
    body = {"name": source["name"], "teams": source["teams"], "notifications": notifications}
    assert api.call("PUT", f"/api/alert-sources/{source['id']}", body).status == 200


def invoke_notify(aws: Aws, event: dict[str, Any]) -> Any:
    """One notify invocation in an instance of its own, as a concurrent Lambda would run it."""
    function = aws.stack.functions()["NotifyFunction"]
    return load_handler(function)({"account": LOCAL_ACCOUNT_ID, **event}, LocalLambdaContext(function))


def in_background(aws: Aws, event: dict[str, Any]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            invoke_notify(aws, event)
        except Exception as error:  # noqa: BLE001 - the test looks at it
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def wait_for(condition: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_late_first_sender_cannot_overwrite_its_successor(
    api: Api,
    aws: Aws,
    alert_bus: Bus,
    target: RecordingServer,
    deployed: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a lease of a second, and a Slack webhook whose first answer (a 503) takes three
    monkeypatch.setattr(claims, "LEASE", timedelta(seconds=1))
    source, alert_id, event = enriched_without_targets(api, alert_bus)
    set_targets(api, source, [{"type": "SLACK", "webhookUrl": f"{target.url}/slow"}])
    target.answer(Answer(503, delay=3.0), 200, 503, 503, 503)
    # When a first invocation is still waiting for that answer after its lease ran out, and a
    # second takes the claim over and delivers
    first, _ = in_background(aws, event)
    wait_for(lambda: len(target.requests) == 1)
    time.sleep(1.2)
    invoke_notify(aws, event)
    first.join()
    # Then the first sender noticed its lost lease: it neither retried nor overwrote the outcome
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("delivered", 2)
    # And a further invocation sends nothing: 2 requests in all
    invoke_notify(aws, event)
    assert len(target.requests) == 2


def test_a_slow_send_keeps_its_claim_renewed_before_each_attempt(
    api: Api,
    aws: Aws,
    alert_bus: Bus,
    target: RecordingServer,
    deployed: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a lease of 1.5 s, and a Slack webhook asking twice to retry after a second
    monkeypatch.setattr(claims, "LEASE", timedelta(seconds=1.5))
    source, alert_id, event = enriched_without_targets(api, alert_bus)
    set_targets(api, source, [{"type": "SLACK", "webhookUrl": f"{target.url}/busy"}])
    busy = Answer(429, {"Retry-After": "1"})
    target.answer(busy, busy, busy)
    # When another invocation comes once the first claim's own lease would have run out
    first, errors = in_background(aws, event)
    wait_for(lambda: len(target.requests) == 1)
    time.sleep(1.8)
    with contextlib.suppress(notify.NotificationsPending):
        invoke_notify(aws, event)
    first.join()
    # Then it left the claim to its holder, which delivered after 4 requests
    assert errors == []
    assert len(target.requests) == 4
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("delivered", 4)


def test_the_lease_counts_from_the_claim_not_the_invocation(
    api: Api,
    aws: Aws,
    alert_bus: Bus,
    target: RecordingServer,
    deployed: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a lease of 1.2 s, and two targets: the first takes 1.6 s to answer
    monkeypatch.setattr(claims, "LEASE", timedelta(seconds=1.2))
    source, _, event = enriched_without_targets(api, alert_bus)
    set_targets(
        api,
        source,
        [
            {"type": "SLACK", "webhookUrl": f"{target.url}/first"},
            {"type": "WEBHOOK", "url": f"{target.url}/second", "secret": "webhook-signing-secret"},
        ],
    )
    target.answer(Answer(delay=1.6), Answer(delay=2.0))
    # When another invocation comes while the second target's request is under way
    first, _ = in_background(aws, event)
    wait_for(lambda: len(target.requests) == 2)
    with contextlib.suppress(notify.NotificationsPending):
        invoke_notify(aws, event)
    first.join()
    # Then the second target's claim, taken 1.6 s into the first invocation, was still held
    assert [request.path for request in target.requests] == ["/first", "/second"]


def test_a_redriven_event_tries_a_failed_target_again(
    api: Api, aws: Aws, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given a target that refused the notification for good (a 404)
    source, alert_id, event = enriched_without_targets(api, alert_bus)
    set_targets(api, source, [{"type": "SLACK", "webhookUrl": f"{target.url}/fixed-later"}])
    target.answer(404)
    invoke_notify(aws, event)
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert status["status"] == "failed"
    # When the cause is fixed and the event is redriven (the function invoked with it again)
    invoke_notify(aws, event)
    # Then the target is tried again, and delivered
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("delivered", 2)
    assert len(target.requests) == 2


def test_lambdas_own_retry_does_not_reopen_a_final_failure(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given one invocation that failed a target for good (404) while another was retryable (503s)
    source, alert_id, event = enriched_without_targets(api, alert_bus)
    set_targets(
        api,
        source,
        [
            {"type": "SLACK", "webhookUrl": f"{target.url}/gone"},
            {"type": "WEBHOOK", "url": f"{target.url}/down", "secret": "webhook-signing-secret"},
        ],
    )
    target.answer(404, *([503] * 4))
    enrichment = Enrichment.model_validate(event["detail"])
    with pytest.raises(notify.NotificationsPending):
        notify.notify(enrichment, event["id"], "request-1")
    # When Lambda retries that invocation (the same request id)
    notify.notify(enrichment, event["id"], "request-1")
    # Then only the retryable target was tried again
    assert [request.path for request in target.requests] == ["/gone", *["/down"] * 5]
    statuses = {
        status["type"]: status["status"] for status in api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    }
    assert statuses == {"SLACK": "failed", "WEBHOOK": "delivered"}


def test_the_retry_route_reopens_failed_targets(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given an alert whose Slack target failed for good, and another delivered
    target.answer(404)
    source = source_with(
        api,
        "ALERTMANAGER",
        [
            {"type": "SLACK", "webhookUrl": f"{target.url}/gone"},
            {"type": "WEBHOOK", "url": f"{target.url}/hook", "secret": "webhook-signing-secret"},
        ],
    )
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    # When an admin asks for the notifications to be retried
    response = api.call("POST", f"/api/alerts/{alert_id}/notifications/retry")
    # Then the failed target is reopened at once, and tried again: delivered, the other not resent
    assert response.status == 202
    [reopened] = response.json()
    assert (reopened["type"], reopened["status"]) == ("SLACK", "pending")
    alert_bus.deliver()
    statuses = {
        status["type"]: status["status"] for status in api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    }
    assert statuses == {"SLACK": "delivered", "WEBHOOK": "delivered"}
    assert sorted(request.path for request in target.requests) == ["/gone", "/gone", "/hook"]
    # And with nothing failed, a retry reopens nothing and sends nothing
    again = api.call("POST", f"/api/alerts/{alert_id}/notifications/retry")
    assert (again.status, again.json()) == (202, [])
    assert alert_bus.deliver() == 0


def test_the_retry_route_needs_an_enrichment_and_an_admin(api: Api) -> None:
    # Given an alert never enriched, when its notifications are retried, then 404; without the
    # admin token, 401
    assert api.call("POST", "/api/alerts/never-seen/notifications/retry").status == 404
    assert api.call("POST", "/api/alerts/never-seen/notifications/retry", headers=NO_ADMIN).status == 401


# --- §22: annotating needs proof of origin -------------------------------------------------

PAGERDUTY_NOTE = {"type": "PAGERDUTY", "apiToken": PAGERDUTY_TOKEN, "fromEmail": "oncall@example.com"}
ILERT_COMMENT = {"type": "ILERT", "integrationKey": ILERT_KEY}


@pytest.mark.parametrize(("integration_type", "annotation"), [("PAGERDUTY", PAGERDUTY_NOTE), ("ILERT", ILERT_COMMENT)])
def test_a_source_that_annotates_its_senders_alerts_needs_a_webhook_secret(
    api: Api, integration_type: str, annotation: dict[str, Any]
) -> None:
    body = {"name": "annotating", "integrationType": integration_type, "notifications": [annotation]}
    # Given no webhook secret, creating the source is refused, naming the field
    refused = api.call("POST", "/api/alert-sources", body)
    assert refused.status == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["webhookSecret"]
    # When it has one, it is created
    created = api.call("POST", "/api/alert-sources", {**body, "webhookSecret": SOURCE_SECRET})
    assert created.status == 201
    # Then an update may not remove the secret while the annotation stays
    update = {"name": "annotating", "webhookSecret": None}
    assert api.call("PUT", f"/api/alert-sources/{created.json()['id']}", update).status == 422
    # And without the annotation it may
    assert api.call("PUT", f"/api/alert-sources/{created.json()['id']}", {**update, "notifications": []}).status == 200


def test_sources_that_cannot_annotate_need_no_secret(api: Api) -> None:
    # Given sources whose targets annotate nothing of their sender (an Alertmanager alert names
    # no PagerDuty incident; a PagerDuty source may post to Slack), then no secret is needed
    for integration_type, targets in [
        ("ALERTMANAGER", [PAGERDUTY_NOTE, ILERT_COMMENT]),
        ("PAGERDUTY", [{"type": "SLACK", "webhookUrl": "https://hooks.slack.com/services/T/B/x"}]),
    ]:
        body = {"name": "plain", "integrationType": integration_type, "notifications": targets}
        assert api.call("POST", "/api/alert-sources", body).status == 201


def test_a_store_outage_while_renewing_stops_sending_and_leaves_the_claim_to_a_retry(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a Slack webhook whose first answer (a 503) comes late, and DynamoDB failing its
    # writes from the moment that request arrived
    source, alert_id, event = enriched_without_targets(api, alert_bus)
    set_targets(api, source, [{"type": "SLACK", "webhookUrl": f"{target.url}/hook"}])
    target.answer(Answer(503, delay=0.5))
    outage = FaultInjector("UpdateItem", failures=0, fault=OUTAGE)
    install(monkeypatch, [outage])
    enrichment = Enrichment.model_validate(event["detail"])
    errors: list[BaseException] = []

    def first_invocation() -> None:
        try:
            notify.notify(enrichment, event["id"], "request-1")
        except Exception as error:  # noqa: BLE001 - the test looks at it
            errors.append(error)

    first = threading.Thread(target=first_invocation)
    first.start()
    wait_for(lambda: len(target.requests) == 1)
    outage.failures = 10**9
    first.join()
    outage.failures = outage.failed
    # When the lease could not be renewed, then no retry was sent and the invocation is retryable
    assert len(target.requests) == 1
    [error] = errors
    assert isinstance(error, notify.NotificationsPending)
    # And once the store is back, a retried invocation takes the claim over and delivers
    notify.notify(enrichment, event["id"], "request-1", clock=lambda: utc_now() + timedelta(minutes=2))
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("delivered", 2)
