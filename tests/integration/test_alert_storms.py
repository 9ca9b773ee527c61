"""Alert storms are bounded (§22): a delivery's size in alerts, each source's alerts a minute, and
PutEvents requests within EventBridge's limits, with nothing half-published."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from shared.adapters import bus
from shared.adapters.store import alert_rates
from shared.domain.errors import TooManyRequests
from shared.domain.requests import RawRequest
from shared.domain.timestamps import isoformat, utc_now
from shared.logic import intake_alerts
from tests.conftest import JSON, Api, Bus

NO_ADMIN = {"authorization": ""}
LIMIT = 256 * 1024


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    return {"AlertsPerMinute": "1500"}


@pytest.fixture
def quick_bus(monkeypatch: pytest.MonkeyPatch) -> list[list[dict[str, Any]]]:
    """PutEvents recorded and answered at once, for storms too large to wait on the emulated bus."""
    sent: list[list[dict[str, Any]]] = []

    def answering_put_events(**request: Any) -> dict[str, Any]:
        sent.append(request["Entries"])
        return {"FailedEntryCount": 0, "Entries": [{"EventId": str(uuid4())} for _ in request["Entries"]]}

    monkeypatch.setattr(bus.events(), "put_events", answering_put_events)
    return sent


def alertmanager_source(api: Api) -> dict[str, Any]:
    response = api.call("POST", "/api/alert-sources", {"name": "prometheus", "integrationType": "ALERTMANAGER"})
    assert response.status == 201, response.body
    created: dict[str, Any] = response.json()
    return created


def delivery(count: int, common_labels: dict[str, str] | None = None) -> bytes:
    started = isoformat(utc_now())
    alerts = [{"status": "firing", "startsAt": started, "fingerprint": f"{index:016x}"} for index in range(count)]
    body = {
        "version": "4",
        "status": "firing",
        "commonLabels": common_labels or {"alertname": "Storm"},
        "alerts": alerts,
    }
    return json.dumps(body, separators=(",", ":")).encode()


def deliver(api: Api, source: dict[str, Any], body: bytes) -> Any:
    return api.call("POST", f"/api/v1/alerts/alertmanager/{source['integrationKey']}", body, {**NO_ADMIN, **JSON})


def test_more_than_a_thousand_alerts_in_one_delivery_is_413_and_publishes_nothing(
    api: Api, alert_bus: Bus, requests_sent: list[list[dict[str, Any]]]
) -> None:
    # Given an Alertmanager source
    source = alertmanager_source(api)
    # When one delivery carries 1,001 firing alerts
    response = deliver(api, source, delivery(1001))
    # Then it is refused as too large, and nothing is on the bus
    assert response.status == 413, response.body
    assert requests_sent == []
    assert alert_bus.observed("Alert Created") == []


def test_a_delivery_past_the_sources_minute_is_429_with_retry_after(
    api: Api, alert_bus: Bus, requests_sent: list[list[dict[str, Any]]]
) -> None:
    # Given a source that published 1,400 of its 1,500 alerts in this minute (and the next)
    source = alertmanager_source(api)
    now = utc_now()
    for minute in (now, now + timedelta(minutes=1)):
        assert alert_rates.take(source["id"], minute, 1400, 1500)
    # When a delivery of 101 alerts arrives
    response = deliver(api, source, delivery(101))
    # Then it is refused whole, with the seconds to the next minute, and nothing is published
    assert response.status == 429, response.body
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert requests_sent == []
    # And a delivery that still fits is taken
    assert deliver(api, source, delivery(100)).status == 202
    assert len(alert_bus.observed("Alert Created")) == 100


def test_a_thousand_alerts_always_fit_an_idle_source_and_the_minute_counts_them(
    api: Api, quick_bus: list[list[dict[str, Any]]]
) -> None:
    # Given an idle Alertmanager source and a fixed moment, 20.5 s into a minute
    source = alertmanager_source(api)
    received_at = datetime.now(UTC).replace(second=20, microsecond=500000)

    def take(count: int) -> intake_alerts.AlertIntakeOutcome:
        request = RawRequest(delivery(count), {"content-type": "application/json"})
        return intake_alerts.take_delivery("alertmanager", source["integrationKey"], request, received_at)

    # When it delivers 1,000 alerts, then 501, then 500 in the same minute, with AlertsPerMinute 1,500
    assert take(1000).status == "accepted"
    with pytest.raises(TooManyRequests) as refused:
        take(501)
    assert take(500).status == "accepted"
    # Then the second is refused whole until the next minute, 40 s away (rounded up)
    assert refused.value.retry_after == 40
    assert refused.value.status_code == 429
    assert sum(len(entries) for entries in quick_bus) == 1500


def test_a_large_alertmanager_storm_is_put_within_eventbridges_limits(
    api: Api, quick_bus: list[list[dict[str, Any]]]
) -> None:
    # Given a body of about 114 KB: 1,000 alerts sharing 64 labels of the largest size kept
    source = alertmanager_source(api)
    common_labels = {f"label{index:02d}".ljust(128, "n"): "v" * 512 for index in range(64)}
    body = delivery(1000, common_labels)
    assert 100_000 < len(body) < 256 * 1024
    # When it is delivered
    response = deliver(api, source, body)
    # Then all 1,000 alerts are published, no event and no request over 256 KB, ten entries at most
    assert response.status == 202, response.body
    assert sum(len(entries) for entries in quick_bus) == 1000
    for entries in quick_bus:
        assert len(entries) <= bus.MAX_ENTRIES_PER_CALL
        assert sum(bus.entry_bytes(entry) for entry in entries) <= LIMIT
