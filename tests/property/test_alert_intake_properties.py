"""The alert intake route (§11) with whatever a broken or hostile sender might send: every
answer is a 2xx, or a 4xx whose message says why and after which nothing was published; a 202
published exactly the alerts it names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from local.gateway import Gateway
from shared.adapters import bus
from tests.conftest import Api
from tests.fixture_files import FIXTURES, fixture_json
from tests.property.strategies import RealPayload, WireDelivery, header_values, wire_deliveries
from tests.property.support import bounded

SOURCE_TYPES = ("alertmanager", "grafana", "pagerduty", "ilert", "generic")
FIXTURE_FOLDERS = {"alertmanager": "alertmanager", "grafana": "grafana", "pagerduty": "pagerduty", "ilert": "ilert"}


def real_alert_payloads() -> tuple[RealPayload, ...]:
    found = []
    for folder in FIXTURE_FOLDERS.values():
        for body in sorted((FIXTURES / "alerts" / folder).glob("*.json")):
            if not body.name.endswith(".headers.json"):
                name = f"alerts/{folder}/{body.name}"
                found.append(RealPayload(name, folder, fixture_json(name)))
    generic = {"id": "a-1", "summary": "down", "reportTime": "2026-11-30T10:00:00Z", "labels": {"service": "shop"}}
    found.append(RealPayload("generic", "generic", generic))
    # A PagerDuty incident with teams, so that hostile ids ('#' among them) land where team ids are read
    with_teams = fixture_json("alerts/pagerduty/webhook-v3.incident.triggered.zulip.json")
    with_teams["event"]["data"]["teams"] = [{"id": "PTEAM01", "summary": "Ops"}, {"id": "P#TEAM", "summary": "Shop"}]
    found.append(RealPayload("pagerduty with teams", "pagerduty", with_teams))
    return tuple(found)


@pytest.fixture
def intake_paths(api: Api) -> dict[str, str]:
    """One source of each type, with no secret, so that bodies are read rather than refused."""
    paths = {}
    for source_type in SOURCE_TYPES:
        body = {"name": source_type, "integrationType": source_type.upper(), "teams": [{"id": "payments"}]}
        created = api.call("POST", "/api/alert-sources", body).json()
        paths[source_type] = f"/api/v1/alerts/{source_type}/{created['integrationKey']}"
    return paths


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[list[dict[str, Any]]]:
    """What each delivery put on the bus, recorded instead of sent."""
    calls: list[list[dict[str, Any]]] = []

    def record(entries: list[dict[str, str]]) -> list[str]:
        calls.append([json.loads(entry["Detail"]) for entry in entries])
        return [f"event-{index}" for index in range(len(entries))]

    monkeypatch.setattr(bus, "put", record)
    return calls


@bounded(max_examples=300)
@given(
    source_type=st.sampled_from(SOURCE_TYPES),
    delivery=wire_deliveries(real_alert_payloads()),
    signature=st.none() | header_values,
)
def test_the_intake_answers_any_body(
    gateway: Gateway,
    intake_paths: dict[str, str],
    published: list[list[dict[str, Any]]],
    source_type: str,
    delivery: WireDelivery,
    signature: str | None,
) -> None:
    # Given any body, to a source of any type
    headers = {"content-type": delivery.content_type} if delivery.content_type else {}
    if signature is not None:
        headers["x-pagerduty-signature"] = headers["x-grafana-alerting-signature"] = signature
    published.clear()
    # When it is delivered
    response = gateway.handle("POST", intake_paths[source_type], "", headers, delivery.body)
    # Then it is a success or a client error, never a server error
    assert 200 <= response.status < 300 or 400 <= response.status < 500, (response.status, response.body[:300])
    body = json.loads(response.body)
    event(f"{source_type} {response.status}")
    if response.status >= 400:
        assert isinstance(body.get("message"), str)
        assert body["message"].strip()
        assert published == []
    elif response.status == 202:
        [details] = published
        assert [detail["id"] for detail in details] == body["alerts"]
    else:
        assert body["status"] == "ignored"
        assert published == []


STORM_SIZES = st.sampled_from([1, 999, 1000, 1001, 2500])
"""Around §22's bound of 1,000 alerts a delivery."""
LABEL_SIZES = st.sampled_from([0, 100, 20_000, 120_000])
"""The bytes of ``commonLabels`` every alert of the group repeats."""


def storm(alert_count: int, label_bytes: int) -> bytes:
    """A real Alertmanager delivery grown to ``alert_count`` firing alerts, each as small as
    Alertmanager sends one (so that the count, not the body's size, is what is tested), sharing
    labels of any size."""
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    first = delivery["alerts"][0]
    delivery["alerts"] = [
        {
            "status": "firing",
            "labels": {"alertname": first["labels"]["alertname"], "instance": f"host-{index}"},
            "startsAt": first["startsAt"],
            "fingerprint": f"{index:016x}",
        }
        for index in range(alert_count)
    ]
    delivery["commonLabels"] = {**delivery.get("commonLabels", {}), "note": "x" * label_bytes}
    return json.dumps(delivery).encode()


@bounded(max_examples=12)
@given(alert_count=STORM_SIZES, label_bytes=LABEL_SIZES)
def test_a_storm_is_published_whole_or_refused_whole(
    gateway: Gateway,
    intake_paths: dict[str, str],
    published: list[list[dict[str, Any]]],
    alert_count: int,
    label_bytes: int,
) -> None:
    # Given an Alertmanager group of any size, with labels of any size
    published.clear()
    # When it is delivered
    response = gateway.handle(
        "POST", intake_paths["alertmanager"], "", {"content-type": "application/json"}, storm(alert_count, label_bytes)
    )
    # Then it is accepted with every alert published, or refused with nothing published
    assert response.status in (202, 413, 429), (alert_count, label_bytes, response.status, response.body[:300])
    event(f"{alert_count} alerts, {label_bytes} B labels: {response.status}")
    sent = [detail["id"] for details in published for detail in details]
    if response.status == 202:
        assert sorted(sent) == sorted(json.loads(response.body)["alerts"])
        assert alert_count <= 1000
    else:
        assert sent == []
    if alert_count > 1000:
        assert response.status == 413
