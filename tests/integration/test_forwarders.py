"""Forwarders (§21) through the template's rules and the forward function, to a real local HTTP
server that records what it receives: each vendor's request, once per change, retried, visible,
the later ``failed`` tag, and never a secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest

from local.template import LOCAL_REGION
from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Bus
from tests.recording_server import Answer, Recorded, RecordingServer, recording_server

GRAFANA_TOKEN = "glsa_grafana-service-account-token"
ROUTING_KEY = "R0UTINGKEY0123456789abcdef"
ILERT_KEY = "il1dpl-forward-key-0123"
DATADOG_KEY = "datadog-api-key-0123456789"
WEBHOOK_SECRET = "forward-webhook-signing-secret"
SECRETS = (GRAFANA_TOKEN, ROUTING_KEY, ILERT_KEY, DATADOG_KEY, WEBHOOK_SECRET)
ANNOTATION_ID = 4711


@pytest.fixture
def sink() -> Iterator[RecordingServer]:
    with recording_server() as server:
        server.otherwise = _grafana_answers
        yield server


def _grafana_answers(request: Recorded) -> Answer:
    """Grafana answers a new annotation with its id, as its HTTP API does."""
    if request.method == "POST" and request.path.endswith("/api/annotations"):
        return Answer(body=json.dumps({"message": "Annotation added", "id": ANNOTATION_ID}).encode())
    return Answer()


@pytest.fixture
def stack_parameters(sink: RecordingServer) -> dict[str, str]:
    return {"PagerDutyEventsUrl": f"{sink.url}/pagerduty", "IlertApiUrl": f"{sink.url}/ilert"}


def every_forwarder(sink: RecordingServer) -> list[dict[str, Any]]:
    return [
        {
            "type": "GRAFANA_ANNOTATION",
            "url": f"{sink.url}/grafana",
            "token": GRAFANA_TOKEN,
            "dashboardUid": "shop-overview",
            "tags": ["shop"],
        },
        {"type": "PAGERDUTY_CHANGE", "routingKey": ROUTING_KEY},
        {"type": "ILERT_DEPLOYMENT", "integrationKey": ILERT_KEY},
        {"type": "DATADOG_EVENT", "site": f"{sink.url}/datadog", "apiKey": DATADOG_KEY},
        {"type": "WEBHOOK", "url": f"{sink.url}/hook", "secret": WEBHOOK_SECRET},
    ]


CHANGE = {
    "summary": "shop v2.4.1 to production",
    "service": "shop",
    "environment": "production",
    "version": "v2.4.1",
    "timestamp": "2026-12-06T10:00:00Z",
    "userEmail": "dev@example.com",
    "links": [{"href": "https://ci.example.com/runs/7", "text": "CI run"}],
}


def send_change(api: Api, pipeline: dict[str, Any], **fields: Any) -> str:
    body = {"integrationKey": pipeline["integrationKey"], **CHANGE, **fields}
    response = api.call("POST", "/api/deployment-events", body)
    assert response.status == 202, response.body
    event_id: str = response.json()["id"]
    return event_id


def by_path(sink: RecordingServer) -> dict[str, Recorded]:
    return {request.path: request for request in sink.requests}


def put_on_bus(alert_bus: Bus, detail_type: str, detail: dict[str, Any]) -> None:
    entry = {
        "EventBusName": alert_bus.bus_name,
        "Source": "deployment-events",
        "DetailType": detail_type,
        "Detail": json.dumps(detail),
    }
    assert alert_bus.events.put_events(Entries=[entry])["FailedEntryCount"] == 0
    alert_bus.deliver()


def test_each_forwarder_gets_its_vendors_request(api: Api, alert_bus: Bus, sink: RecordingServer) -> None:
    # Given a pipeline of the payments team with one forwarder of each type
    pipeline = api.create_pipeline(teams=[{"id": "payments", "name": "Payments"}], forwarders=every_forwarder(sink))
    # When a change is accepted
    event_id = send_change(api, pipeline)
    alert_bus.deliver()
    # Then Grafana got an annotation with §21's tags, on the dashboard, with the bearer token
    sent = by_path(sink)
    grafana = sent["/grafana/api/annotations"]
    assert grafana.headers["authorization"] == f"Bearer {GRAFANA_TOKEN}"
    annotation = json.loads(grafana.body)
    assert annotation["time"] == 1796551200000
    assert annotation["tags"] == ["deploy", "service:shop", "env:production", "version:v2.4.1", "team:payments", "shop"]
    assert annotation["dashboardUID"] == "shop-overview"
    assert annotation["text"].startswith("shop v2.4.1 to production")
    # And PagerDuty a change event on its routing key
    change = json.loads(sent["/pagerduty/v2/change/enqueue"].body)
    assert change["routing_key"] == ROUTING_KEY
    assert change["payload"]["summary"] == "shop v2.4.1 to production"
    assert change["payload"]["timestamp"] == "2026-12-06T10:00:00Z"
    assert change["payload"]["source"] == "shop"
    assert change["links"] == [{"href": "https://ci.example.com/runs/7", "text": "CI run"}]
    # And ilert a deployment event with its integration key
    deployment = json.loads(sent["/ilert/api/deployment-events"].body)
    assert (deployment["integrationKey"], deployment["summary"]) == (ILERT_KEY, "shop v2.4.1 to production")
    assert (deployment["timestamp"], deployment["userEmail"]) == (1796551200, "dev@example.com")
    # And Datadog a change event with its API key
    datadog = sent["/datadog/api/v2/events"]
    assert datadog.headers["dd-api-key"] == DATADOG_KEY
    attributes = json.loads(datadog.body)["data"]["attributes"]
    assert (attributes["category"], attributes["title"]) == ("change", "shop v2.4.1 to production")
    assert attributes["attributes"]["changed_resource"]["name"] == "shop"
    # And the webhook the stored change, signed as §6 signs
    hook = sent["/hook"]
    expected = hmac.new(WEBHOOK_SECRET.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["x-signature-256"] == f"sha256={expected}"
    assert json.loads(hook.body)["id"] == event_id
    # And the change's forwards are delivered, each once, secrets redacted
    forwards = api.call("GET", f"/api/deployment-events/{event_id}/forwards").json()
    assert sorted((forward["type"], forward["status"], forward["attempts"]) for forward in forwards) == [
        ("DATADOG_EVENT", "delivered", 1),
        ("GRAFANA_ANNOTATION", "delivered", 1),
        ("ILERT_DEPLOYMENT", "delivered", 1),
        ("PAGERDUTY_CHANGE", "delivered", 1),
        ("WEBHOOK", "delivered", 1),
    ]
    assert len(sink.requests) == 5


def test_a_redelivered_change_and_a_repeated_bus_event_forward_nothing_again(
    api: Api, alert_bus: Bus, sink: RecordingServer
) -> None:
    # Given a change forwarded to a webhook
    pipeline = api.create_pipeline(forwarders=[{"type": "WEBHOOK", "url": f"{sink.url}/hook", "secret": "s3cret"}])
    event_id = send_change(api, pipeline, dedupKey="deploy-7")
    alert_bus.deliver()
    # When the sender redelivers it and the bus delivers its event again
    assert send_change(api, pipeline, dedupKey="deploy-7") == event_id
    alert_bus.deliver()
    put_on_bus(alert_bus, "Change Accepted", {"eventId": event_id})
    # Then the webhook got it once
    assert [request.path for request in sink.requests] == ["/hook"]


def test_a_500_then_200_is_delivered_after_two_attempts(api: Api, alert_bus: Bus, sink: RecordingServer) -> None:
    # Given PagerDuty answering 500 once
    sink.answer(500)
    pipeline = api.create_pipeline(forwarders=[{"type": "PAGERDUTY_CHANGE", "routingKey": ROUTING_KEY}])
    # When a change is accepted
    event_id = send_change(api, pipeline)
    alert_bus.deliver()
    # Then it was retried and delivered, both requests counted
    [forward] = api.call("GET", f"/api/deployment-events/{event_id}/forwards").json()
    assert (forward["status"], forward["attempts"]) == ("delivered", 2)
    assert len(sink.requests) == 2


def test_a_429_waits_for_its_retry_after(api: Api, alert_bus: Bus, sink: RecordingServer) -> None:
    # Given Datadog answering 429 with Retry-After: 1
    sink.answer(Answer(status=429, headers={"Retry-After": "1"}))
    pipeline = api.create_pipeline(forwarders=[{"type": "DATADOG_EVENT", "site": sink.url, "apiKey": DATADOG_KEY}])
    # When a change is accepted
    event_id = send_change(api, pipeline)
    alert_bus.deliver()
    # Then the second request came a second later, and was delivered
    first, second = sink.requests
    assert second.at - first.at >= 1.0
    [forward] = api.call("GET", f"/api/deployment-events/{event_id}/forwards").json()
    assert (forward["status"], forward["attempts"]) == ("delivered", 2)


def test_a_failure_found_later_tags_the_same_annotation_failed_once(
    api: Api, alert_bus: Bus, sink: RecordingServer
) -> None:
    # Given a change annotated in Grafana
    grafana = {"type": "GRAFANA_ANNOTATION", "url": f"{sink.url}/grafana", "token": GRAFANA_TOKEN}
    pipeline = api.create_pipeline(forwarders=[grafana])
    event_id = send_change(api, pipeline)
    alert_bus.deliver()
    # When §19 finds it failed, and its event is delivered twice
    put_on_bus(alert_bus, "Change Failed", {"eventId": event_id})
    put_on_bus(alert_bus, "Change Failed", {"eventId": event_id})
    # Then the annotation it created got the tag failed, once
    patches = [request for request in sink.requests if request.method == "PATCH"]
    [patch] = patches
    assert patch.path == f"/grafana/api/annotations/{ANNOTATION_ID}"
    assert patch.headers["authorization"] == f"Bearer {GRAFANA_TOKEN}"
    assert json.loads(patch.body)["tags"] == ["deploy", "service:shop", "env:production", "version:v2.4.1", "failed"]
    [forward] = api.call("GET", f"/api/deployment-events/{event_id}/forwards").json()
    assert (forward["status"], forward["failedTag"]) == ("delivered", "delivered")


def test_a_rollback_detected_at_ingest_tags_the_failed_changes_annotation(
    api: Api, alert_bus: Bus, sink: RecordingServer
) -> None:
    # Given three deployments of one service annotated in Grafana: v1, v2, then v1 again
    grafana = {"type": "GRAFANA_ANNOTATION", "url": f"{sink.url}/grafana", "token": GRAFANA_TOKEN}
    pipeline = api.create_pipeline(forwarders=[grafana])
    ids = []
    for minutes_ago, version in ((30, "v1"), (20, "v2"), (10, "v1")):
        moment = isoformat(utc_now() - timedelta(minutes=minutes_ago))
        ids.append(send_change(api, pipeline, version=version, timestamp=moment, dedupKey=f"deploy-{minutes_ago}"))
        alert_bus.deliver()
    # Then §19 found v2 rolled back, and v2's annotation alone got the tag failed
    assert api.call("GET", f"/api/deployment-events/{ids[1]}").json()["failure"]["detectedBy"] == "ROLLBACK"
    [patch] = [request for request in sink.requests if request.method == "PATCH"]
    assert "failed" in json.loads(patch.body)["tags"]
    assert "version:v2" in json.loads(patch.body)["tags"]


def test_without_forwarders_ingest_puts_nothing_on_the_bus(
    api: Api, sink: RecordingServer, requests_sent: list[list[dict[str, Any]]]
) -> None:
    # Given a pipeline without forwarders, and no DefaultForwarders
    pipeline = api.create_pipeline()
    # When a change is accepted
    send_change(api, pipeline)
    # Then ingest made no PutEvents request
    assert requests_sent == []


def test_a_change_too_large_for_the_bus_is_announced_by_its_id(
    api: Api, alert_bus: Bus, sink: RecordingServer, requests_sent: list[list[dict[str, Any]]]
) -> None:
    # Given a pipeline with a webhook forwarder, and a change near §3's 256 KiB
    pipeline = api.create_pipeline(forwarders=[{"type": "WEBHOOK", "url": f"{sink.url}/hook", "secret": "s3cret"}])
    body = {"integrationKey": pipeline["integrationKey"], **CHANGE, "customDetails": {"blob": ""}}
    details = {"blob": "x" * (256 * 1024 - 100 - len(json.dumps(body)))}
    # When it is accepted
    event_id = send_change(api, pipeline, customDetails=details)
    alert_bus.deliver()
    # Then the bus carried its id only, and the webhook got the stored change
    [[entry]] = requests_sent
    assert json.loads(entry["Detail"]) == {"eventId": event_id}
    assert json.loads(sink.requests[0].body)["customDetails"] == details


def test_secrets_never_show_in_answers_events_or_logs(
    api: Api,
    alert_bus: Bus,
    sink: RecordingServer,
    requests_sent: list[list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO)
    # Given a pipeline with every forwarder, all failing for good
    sink.answer(*([403] * 5))
    created = api.create_pipeline(forwarders=every_forwarder(sink))
    # When a change is forwarded and everything about it is read
    event_id = send_change(api, created)
    alert_bus.deliver()
    read = api.call("GET", f"/api/deployment-pipelines/{created['id']}").body.decode()
    listed = api.call("GET", "/api/deployment-pipelines").body.decode()
    forwards = api.call("GET", f"/api/deployment-events/{event_id}/forwards").body.decode()
    published = json.dumps(requests_sent)
    logs = caplog.text + capsys.readouterr().out
    # Then the answers show each forwarder's type and a redacted target, and no secret appears anywhere
    assert [view["type"] for view in json.loads(read)["forwarders"]] == [
        "GRAFANA_ANNOTATION",
        "PAGERDUTY_CHANGE",
        "ILERT_DEPLOYMENT",
        "DATADOG_EVENT",
        "WEBHOOK",
    ]
    assert {forward["status"] for forward in json.loads(forwards)} == {"failed"}
    for secret in SECRETS:
        for shown in (json.dumps(created), read, listed, forwards, published, logs):
            assert secret not in shown


def test_forwarder_secrets_are_sealed_at_rest(api: Api, sink: RecordingServer) -> None:
    # Given a pipeline with every forwarder
    api.create_pipeline(forwarders=every_forwarder(sink))
    # When the table is dumped
    client = boto3.client("dynamodb", region_name=LOCAL_REGION)
    tables = client.list_tables()["TableNames"]
    dumped = json.dumps([client.scan(TableName=name)["Items"] for name in tables])
    # Then no secret is in it
    for secret in SECRETS:
        assert secret not in dumped


def test_an_update_without_forwarders_keeps_them_and_an_empty_list_removes_them(
    api: Api, sink: RecordingServer
) -> None:
    # Given a pipeline with a webhook forwarder
    pipeline = api.create_pipeline(forwarders=[{"type": "WEBHOOK", "url": f"{sink.url}/hook", "secret": "s3cret"}])
    path = f"/api/deployment-pipelines/{pipeline['id']}"
    # When it is updated without forwarders, then with none
    kept = api.call("PUT", path, {"name": "renamed"}).json()
    removed = api.call("PUT", path, {"name": "renamed", "forwarders": []}).json()
    # Then the first kept it, the second removed it
    assert [view["type"] for view in kept["forwarders"]] == ["WEBHOOK"]
    assert removed.get("forwarders", []) == []


@pytest.mark.parametrize(
    "forwarder",
    [
        {"type": "GRAFANA_ANNOTATION", "url": "http://grafana", "token": "two words"},
        {"type": "PAGERDUTY_CHANGE", "routingKey": "key\r\nX-Injected: 1"},
        {"type": "ILERT_DEPLOYMENT", "integrationKey": ""},
        {"type": "DATADOG_EVENT", "site": "not a site", "apiKey": "datadog-key"},
        {"type": "WEBHOOK", "url": "ftp://example.com", "secret": "signing-secret"},
        {"type": "SMOKE_SIGNALS"},
    ],
)
def test_an_invalid_forwarder_is_a_422_naming_the_field(api: Api, forwarder: dict[str, Any]) -> None:
    body = {"name": "p", "integrationType": "API", "forwarders": [forwarder]}
    response = api.call("POST", "/api/deployment-pipelines", body)
    assert response.status == 422, response.body
    assert "forwarders" in response.body.decode()
    for value in forwarder.values():
        if value not in (forwarder["type"], ""):
            assert str(value) not in response.body.decode()


def test_more_than_five_forwarders_are_refused(api: Api, sink: RecordingServer) -> None:
    body = {"name": "p", "integrationType": "API", "forwarders": every_forwarder(sink) * 2}
    assert api.call("POST", "/api/deployment-pipelines", body).status == 422


def test_a_later_state_makes_the_annotation_a_region_from_start_to_finish(
    api: Api, alert_bus: Bus, sink: RecordingServer
) -> None:
    # Given a deployment annotated in Grafana when it started
    grafana = {"type": "GRAFANA_ANNOTATION", "url": f"{sink.url}/grafana", "token": GRAFANA_TOKEN}
    pipeline = api.create_pipeline(forwarders=[grafana])
    started = send_change(api, pipeline, dedupKey="deploy-9", status="in_progress", timestamp="2026-12-06T10:00:00Z")
    alert_bus.deliver()
    # When it finishes five minutes later, and that state is delivered twice
    for _ in range(2):
        finished = send_change(api, pipeline, dedupKey="deploy-9", status="success", timestamp="2026-12-06T10:05:00Z")
        alert_bus.deliver()
    # Then the same annotation became a region from the start to the finish, once
    assert finished == started
    [patch] = [request for request in sink.requests if request.method == "PATCH"]
    assert patch.path == f"/grafana/api/annotations/{ANNOTATION_ID}"
    assert json.loads(patch.body) == {"time": 1796551200000, "timeEnd": 1796551500000}
    assert [request.method for request in sink.requests] == ["POST", "PATCH"]
