"""Alert sources and their intake (§11) through the handlers, with moto and the template."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import pytest

from shared.adapters import bus
from tests.conftest import JSON, Api, Bus
from tests.fixture_files import fixture_bytes, fixture_json

TWO_FIRING = "alerts/alertmanager/firing.two-alerts.zulip.json"
NO_ADMIN = {"authorization": ""}


def create_source(api: Api, integration_type: str, **fields: Any) -> dict[str, Any]:
    body = {"name": f"{integration_type.lower()} prod", "integrationType": integration_type, **fields}
    response = api.call("POST", "/api/alert-sources", body)
    assert response.status == 201, response.body
    created: dict[str, Any] = response.json()
    return created


def deliver(api: Api, source: dict[str, Any], body: bytes, headers: dict[str, str] | None = None) -> Any:
    path = f"/api/v1/alerts/{source['integrationType'].lower()}/{source['integrationKey']}"
    return api.call("POST", path, body, {**NO_ADMIN, **JSON, **(headers or {})})


def test_a_source_is_created_with_its_key_and_url_once(api: Api) -> None:
    created = create_source(api, "ALERTMANAGER", teams=[{"id": "sre", "name": "SRE"}], webhookSecret="s3cret")
    assert created["integrationKey"].startswith("als_")
    assert created["integrationUrl"] == f"http://127.0.0.1/api/v1/alerts/alertmanager/{created['integrationKey']}"
    assert created["params"] == {
        "teamLabel": "team",
        "serviceLabels": ["service", "app", "job"],
        "environmentLabels": ["environment", "env"],
    }
    read = api.call("GET", f"/api/alert-sources/{created['id']}").json()
    assert "integrationKey" not in read
    assert "integrationUrl" not in read
    assert "webhookSecret" not in read
    assert read["webhookSecretSet"] is True
    assert [source["id"] for source in api.call("GET", "/api/alert-sources").json()] == [created["id"]]


def test_a_full_update_keeps_the_type_and_the_secret(api: Api) -> None:
    created = create_source(api, "GRAFANA", teams=[{"id": "sre"}], webhookSecret="s3cret")
    updated = api.call("PUT", f"/api/alert-sources/{created['id']}", {"name": "renamed"}).json()
    assert (updated["name"], updated["teams"], updated["webhookSecretSet"]) == ("renamed", [], True)
    changed = api.call("PUT", f"/api/alert-sources/{created['id']}", {"name": "x", "integrationType": "ILERT"})
    assert changed.status == 422


def test_rotating_or_deleting_stops_the_old_key_at_once(api: Api, alert_bus: Bus) -> None:
    created = create_source(api, "ALERTMANAGER")
    rotated = api.call("POST", f"/api/alert-sources/{created['id']}/rotate-key").json()
    assert deliver(api, created, fixture_bytes(TWO_FIRING)).status == 404
    assert deliver(api, rotated, fixture_bytes(TWO_FIRING)).status == 202
    assert api.call("DELETE", f"/api/alert-sources/{created['id']}").status == 204
    assert deliver(api, rotated, fixture_bytes(TWO_FIRING)).status == 404


def test_an_alertmanager_group_becomes_its_alerts_on_the_bus_and_is_enriched(api: Api, alert_bus: Bus) -> None:
    # Given an Alertmanager source of team payments, which owns a pipeline with a deployment
    pipeline = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    api.call("POST", "/api/deployment-events", {"integrationKey": pipeline["integrationKey"], "summary": "v1"})
    source = create_source(api, "ALERTMANAGER", teams=[{"id": "payments", "name": "Payments"}])
    delivery = fixture_json(TWO_FIRING)
    now = "2026-12-01T10:00:00Z"
    for alert in delivery["alerts"]:
        alert["startsAt"] = now
    # When Alertmanager delivers its group
    response = deliver(api, source, json.dumps(delivery).encode())
    # Then both firing alerts are accepted and put on the bus as Alert Created
    assert response.status == 202
    accepted = response.json()
    assert accepted["status"] == "accepted"
    assert len(accepted["alerts"]) == 2
    created = alert_bus.observed("Alert Created")
    assert [event["detail"]["id"] for event in created] == accepted["alerts"]
    assert created[0]["detail"]["alertSource"]["integrationType"] == "ALERTMANAGER"
    # And each is correlated with the team's deployment
    alert_bus.deliver()
    enrichment = api.call("GET", f"/api/alerts/{accepted['alerts'][0]}/deployments").json()
    assert enrichment["scope"] == "TEAM"
    assert enrichment["alert"]["alertSource"]["name"] == "alertmanager prod"


def test_a_resent_firing_alert_keeps_its_id(api: Api, alert_bus: Bus) -> None:
    source = create_source(api, "ALERTMANAGER")
    first = deliver(api, source, fixture_bytes(TWO_FIRING)).json()["alerts"]
    assert deliver(api, source, fixture_bytes(TWO_FIRING)).json()["alerts"] == first


def test_only_resolved_alerts_publish_nothing(api: Api, alert_bus: Bus) -> None:
    source = create_source(api, "ALERTMANAGER")
    response = deliver(api, source, fixture_bytes("alerts/alertmanager/resolved.one-alert.prom2teams.json"))
    assert (response.status, response.json()["status"]) == (200, "ignored")
    assert alert_bus.observed("Alert Created") == []


@pytest.mark.parametrize(("count", "calls"), [(50, 5), (100, 10), (1, 1)])
def test_many_alerts_are_put_ten_per_call(
    api: Api, alert_bus: Bus, monkeypatch: pytest.MonkeyPatch, count: int, calls: int
) -> None:
    source = create_source(api, "ALERTMANAGER")
    delivery = fixture_json(TWO_FIRING)
    delivery["alerts"] = [{**delivery["alerts"][0], "fingerprint": f"{index:016x}"} for index in range(count)]
    put_calls: list[int] = []
    real_client = bus.events()
    original = real_client.put_events

    def counted(**request: Any) -> Any:
        put_calls.append(len(request["Entries"]))
        return original(**request)

    monkeypatch.setattr(real_client, "put_events", counted)
    response = deliver(api, source, json.dumps(delivery).encode())
    assert response.status == 202
    assert len(put_calls) == calls
    assert max(put_calls) <= 10
    assert len(alert_bus.observed("Alert Created")) == count


def test_a_partial_failure_of_put_events_loses_no_alert(
    api: Api, alert_bus: Bus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given EventBridge refusing the first entry of the first call (throttled), as PutEvents may
    source = create_source(api, "ALERTMANAGER")
    real_client = bus.events()
    original = real_client.put_events
    refused: list[dict[str, Any]] = []

    def partially_failing(**request: Any) -> Any:
        if refused:
            return original(**request)
        refused.append(request["Entries"][0])
        result = original(Entries=request["Entries"][1:])
        failed = {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}
        return {"FailedEntryCount": 1, "Entries": [failed, *result["Entries"]]}

    monkeypatch.setattr(real_client, "put_events", partially_failing)
    monkeypatch.setattr(time, "sleep", lambda _: None)
    # When a two-alert group is delivered
    response = deliver(api, source, fixture_bytes(TWO_FIRING))
    # Then both alerts are on the bus all the same
    assert response.status == 202
    assert sorted(event["detail"]["id"] for event in alert_bus.observed("Alert Created")) == sorted(
        response.json()["alerts"]
    )


def test_a_bus_that_keeps_refusing_is_a_retryable_503(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    source = create_source(api, "ALERTMANAGER")
    refusal = {"ErrorCode": "InternalFailure", "ErrorMessage": "down"}
    monkeypatch.setattr(
        bus.events(),
        "put_events",
        lambda **request: {"FailedEntryCount": 2, "Entries": [refusal] * len(request["Entries"])},
    )
    monkeypatch.setattr(time, "sleep", lambda _: None)
    assert deliver(api, source, fixture_bytes(TWO_FIRING)).status == 503


def grafana_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_signatures_and_tokens(api: Api, alert_bus: Bus) -> None:
    grafana = create_source(api, "GRAFANA", webhookSecret="grafana-secret")
    body = fixture_bytes("alerts/grafana/firing.two-alerts.grafana-docs.json")
    signed = {"x-grafana-alerting-signature": grafana_signature("grafana-secret", body)}
    assert deliver(api, grafana, body, signed).status == 202
    assert deliver(api, grafana, body, {"x-grafana-alerting-signature": "0" * 64}).status == 401
    assert deliver(api, grafana, body).status == 401

    pagerduty = create_source(api, "PAGERDUTY", webhookSecret="pd-secret")
    body = fixture_bytes("alerts/pagerduty/webhook-v3.incident.triggered.zulip.json")
    good = "v1=" + grafana_signature("pd-secret", body)
    several = {"x-pagerduty-signature": f"v1={'a' * 64}, {good},v1={'b' * 64}"}
    assert deliver(api, pagerduty, body, several).status == 202
    assert deliver(api, pagerduty, body, {"x-pagerduty-signature": f"v1={'a' * 64},v1={'b' * 64}"}).status == 401

    alertmanager = create_source(api, "ALERTMANAGER", webhookSecret="am-token")
    body = fixture_bytes(TWO_FIRING)
    assert deliver(api, alertmanager, body, {"authorization": "Bearer am-token"}).status == 202
    assert deliver(api, alertmanager, body, {"authorization": "Bearer wrong"}).status == 401
    assert deliver(api, alertmanager, body, {"authorization": "Basic YTpi"}).status == 401


def test_our_own_pagerduty_notes_and_ilert_comments_do_not_loop(api: Api, alert_bus: Bus) -> None:
    pagerduty = create_source(api, "PAGERDUTY")
    annotated = deliver(api, pagerduty, fixture_bytes("alerts/pagerduty/webhook-v3.incident.annotated.zulip.json"))
    assert (annotated.status, annotated.json()["status"]) == (200, "ignored")
    ilert = create_source(api, "ILERT")
    comment = {
        **fixture_json("alerts/ilert/webhook-alert-action.alert-created.derived.json"),
        "eventType": "alert-comment-added",
    }
    assert deliver(api, ilert, json.dumps(comment).encode()).status == 200
    assert alert_bus.observed("Alert Created") == []


# Every §3-style bad input on the intake route: its status, in §3's order, nothing published.
@pytest.mark.parametrize(
    ("case", "body", "headers", "path_type", "status"),
    [
        ("over 256 KiB, even with an unknown key", b"{" + b" " * (256 * 1024) + b"}", {}, "unknown", 413),
        ("not JSON, even with an unknown key", b"<xml/>", {"content-type": "application/xml"}, "unknown", 415),
        ("an unknown key", b"{}", {}, "unknown", 404),
        ("a key of another type", b"{}", {}, "grafana", 404),
        ("an unknown source type", b"{}", {}, "nagios", 404),
        ("a wrong bearer before malformed JSON", b"{", {"authorization": "Bearer no"}, "own", 401),
        ("malformed JSON", b"{", {"authorization": "Bearer tok"}, "own", 400),
        ("not an object", b"[]", {"authorization": "Bearer tok"}, "own", 400),
        ("no alerts", b"{}", {"authorization": "Bearer tok"}, "own", 422),
    ],
)
def test_bad_deliveries_get_their_status_and_publish_nothing(
    api: Api, alert_bus: Bus, case: str, body: bytes, headers: dict[str, str], path_type: str, status: int
) -> None:
    source = create_source(api, "ALERTMANAGER", webhookSecret="tok")
    key = "als_unknown" if path_type == "unknown" else source["integrationKey"]
    kind = "alertmanager" if path_type in ("own", "unknown") else path_type
    response = api.call("POST", f"/api/v1/alerts/{kind}/{key}", body, {**NO_ADMIN, **JSON, **headers})
    assert response.status == status, (case, response.body)
    assert alert_bus.observed("Alert Created") == []
