"""Notifications (§13) through the template's rules and the notify function, to a real local
HTTP server that records what it receives: delivered once, retried, visible, never a secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.store import notifications as claim_store
from shared.domain.models.alert_sources import AlertSourceCreateRequest
from shared.domain.models.alerts import Enrichment
from shared.domain.timestamps import isoformat, utc_now
from shared.logic import notify
from tests.conftest import JSON, Api, Bus
from tests.fixture_files import fixture_json
from tests.recording_server import RecordingServer, recording_server

NO_ADMIN = {"authorization": ""}
PAGERDUTY_TOKEN = "pd-token-0123456789"
ILERT_KEY = "il1alert-source-key-0123"


@pytest.fixture
def target() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def stack_parameters(target: RecordingServer) -> dict[str, str]:
    return {"PagerDutyApiUrl": f"{target.url}/pagerduty", "IlertApiUrl": f"{target.url}/ilert"}


@pytest.fixture
def deployed(api: Api) -> dict[str, Any]:
    pipeline = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    body = {"integrationKey": pipeline["integrationKey"], "summary": "shop v2 to production", "service": "shop"}
    assert api.call("POST", "/api/deployment-events", body).status == 202
    return pipeline


def source_with(api: Api, integration_type: str, notifications: list[dict[str, Any]]) -> dict[str, Any]:
    body = {
        "name": f"{integration_type.lower()} prod",
        "integrationType": integration_type,
        "teams": [{"id": "payments", "name": "Payments"}],
        "notifications": notifications,
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


def deliver(api: Api, source: dict[str, Any], body: bytes) -> list[str]:
    path = f"/api/v1/alerts/{source['integrationType'].lower()}/{source['integrationKey']}"
    response = api.call("POST", path, body, {**NO_ADMIN, **JSON})
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
        api, "PAGERDUTY", [{"type": "PAGERDUTY", "apiToken": PAGERDUTY_TOKEN, "fromEmail": "oncall@example.com"}]
    )
    incident = fixture_json("alerts/pagerduty/webhook-v3.incident.triggered.zulip.json")
    incident["event"]["occurred_at"] = isoformat(utc_now())
    deliver(api, pagerduty, json.dumps(incident).encode())
    ilert = source_with(api, "ILERT", [{"type": "ILERT", "integrationKey": ILERT_KEY}])
    alert = fixture_json("alerts/ilert/webhook-alert-action.alert-created.derived.json")
    alert["reportTime"] = isoformat(utc_now())
    deliver(api, ilert, json.dumps(alert).encode())
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
    settle = claim_store.settle

    def crash(*_: Any) -> None:
        raise SystemExit("killed")

    monkeypatch.setattr(claim_store, "settle", crash)
    with pytest.raises(SystemExit):
        alert_bus.deliver()
    enrichment_events = alert_bus.observed("Alert Enriched")
    assert len(target.requests) == 1
    # When the invocation is retried after the claim's lease has run out
    monkeypatch.setattr(claim_store, "settle", settle)
    enrichment = Enrichment.model_validate(enrichment_events[-1]["detail"])
    notify.notify(enrichment, "retry", utc_now() + timedelta(minutes=2))
    # Then the request was repeated once, at most, and is now recorded as delivered
    assert len(target.requests) == 2
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("delivered", 2)
    # And a further retry sends nothing
    notify.notify(enrichment, "again", utc_now() + timedelta(minutes=5))
    assert len(target.requests) == 2


def test_a_target_that_keeps_failing_is_failed_and_dead_lettered(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    target.answer(*([500] * 20))
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/down"}])
    [alert_id] = deliver(api, source, alertmanager_delivery())
    alert_bus.deliver()
    [status] = api.call("GET", f"/api/alerts/{alert_id}/notifications").json()
    assert (status["status"], status["attempts"]) == ("failed", 3)
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
