"""Faults (issue 5): throttling and outages never lose or half-write an accepted event, and a
failing correlation or enrichment ends in its dead-letter queue with the alert intact."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from botocore.retries.standard import ExponentialBackoff

from shared.adapters.store import pipelines as pipeline_store
from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Aws, Bus
from tests.faults import CONFLICT, OUTAGE, THROTTLED, THROTTLED_TRANSACTION, FaultInjector, install
from tests.fixture_files import fixture_json


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retry delays, but without waiting for them."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


@pytest.fixture
def key(api: Api) -> str:
    return str(api.create_pipeline("API", teams=[{"id": "payments"}, {"id": "checkout"}])["integrationKey"])


@pytest.fixture
def inject(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Callable[[FaultInjector], FaultInjector]:
    """Given faults of DynamoDB, for the rest of the test."""
    injectors: list[FaultInjector] = []
    install(monkeypatch, injectors)

    def add(injector: FaultInjector) -> FaultInjector:
        injectors.append(injector)
        return injector

    return add


def post(api: Api, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return api.call("POST", "/api/deployment-events", body, {"authorization": "", **(headers or {})})


def assert_no_half_written_events(aws: Aws) -> None:
    """Every event has its account and team copies, and every copy has its event."""
    items = aws.items()
    events = {}
    for item in items:
        if item["PK"]["S"].startswith("EVENT#"):
            events[item["PK"]["S"].removeprefix("EVENT#")] = json.loads(item["event"]["S"])
    copies: dict[str, set[str]] = {}
    for item in items:
        pk = item["PK"]["S"]
        if pk.startswith(("ACCOUNT#DAY#", "TEAM#")):
            copies.setdefault(item["SK"]["S"].rsplit("#", 1)[1], set()).add(pk.split("#DAY#")[0])
    assert set(copies) == set(events)
    for event_id, event in events.items():
        assert copies[event_id] == {"ACCOUNT", *(f"TEAM#{team}" for team in event["teams"])}


def test_throttled_writes_succeed_after_sdk_retries(
    api: Api, aws: Aws, key: str, inject: Callable[[FaultInjector], FaultInjector]
) -> None:
    # Given DynamoDB throttling the first two attempts of the write
    injector = inject(FaultInjector("TransactWriteItems", failures=2, fault=THROTTLED))
    # When an event is sent
    response = post(api, {"integrationKey": key, "summary": "during throttling"})
    # Then botocore's retries get it through: accepted, written whole
    assert response.status == 202
    assert (injector.calls, injector.failed) == (3, 2)
    assert aws.stored_event_ids() == {response.json()["id"]}
    assert_no_half_written_events(aws)


@pytest.mark.parametrize("fault", [OUTAGE, THROTTLED, None], ids=["outage", "throttling", "connection"])
def test_a_lasting_fault_is_a_retryable_503_and_the_retry_stores_once(
    api: Api, aws: Aws, key: str, inject: Callable[[FaultInjector], FaultInjector], fault: tuple[int, str] | None
) -> None:
    # Given DynamoDB failing every write attempt
    injector = inject(FaultInjector("TransactWriteItems", fault=fault))
    body = {"integrationKey": key, "summary": "during an outage"}
    # When an event is sent
    response = post(api, body, {"Idempotency-Key": "outage-1"})
    # Then the sender is told to retry, and nothing was stored
    assert response.status == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["code"] == "busy"
    assert injector.calls == 6  # the first attempt and botocore's 5 retries
    assert aws.stored_event_ids() == set()
    # And once DynamoDB is back the sender's retry is stored, once
    injector.failures = 0
    retried = post(api, body, {"Idempotency-Key": "outage-1"})
    again = post(api, body, {"Idempotency-Key": "outage-1"})
    assert (retried.json()["status"], again.json()["status"]) == ("accepted", "duplicate")
    assert len(aws.stored_event_ids()) == 1
    assert_no_half_written_events(aws)


def test_a_transaction_conflict_is_retried_by_the_logic_and_stored_once(
    api: Api, aws: Aws, key: str, inject: Callable[[FaultInjector], FaultInjector]
) -> None:
    # Given a concurrent transaction on the same item, twice (botocore does not retry cancellations)
    injector = inject(FaultInjector("TransactWriteItems", failures=2, fault=CONFLICT))
    # When the event is sent
    response = post(api, {"integrationKey": key, "summary": "contended"}, {"Idempotency-Key": "contended-1"})
    # Then ingest reads again and retries until it is stored, once
    assert (response.status, response.json()["status"]) == (202, "accepted")
    assert injector.failed == 2
    assert len(aws.stored_event_ids()) == 1
    assert_no_half_written_events(aws)


def test_an_outage_of_the_key_lookup_is_503(
    api: Api, key: str, inject: Callable[[FaultInjector], FaultInjector]
) -> None:
    inject(FaultInjector("GetItem", fault=OUTAGE))
    assert post(api, {"integrationKey": key, "summary": "x"}).status == 503


def _deployment_status(state: str, status_id: int, minutes_ago: int) -> dict[str, Any]:
    payload: dict[str, Any] = copy.deepcopy(fixture_json("github/deployment_status.success.json"))
    created = isoformat(utc_now().replace(microsecond=0) - timedelta(minutes=minutes_ago))
    payload["deployment_status"].update(state=state, id=status_id, created_at=created)
    return payload


def test_random_faults_never_leave_a_half_written_event(
    api: Api, aws: Aws, inject: Callable[[FaultInjector], FaultInjector]
) -> None:
    # Given writes and reads that fail at random, a third of the time, after the SDK's retries
    github_key = api.create_pipeline("GITHUB", teams=[{"id": "payments"}, {"id": "checkout"}])["integrationKey"]
    writes = inject(FaultInjector("TransactWriteItems", fault=OUTAGE, probability=0.6))
    reads = inject(FaultInjector("GetItem", fault=OUTAGE, probability=0.4, seed=11))
    statuses = [("failure", 100 + index, 60 - index) for index in range(0, 40, 3)] + [("success", 200, 0)]
    accepted = 0
    # When a sender delivers a deployment's statuses, retrying each 5xx as GitHub would
    for state, status_id, minutes_ago in statuses:
        body = json.dumps(_deployment_status(state, status_id, minutes_ago)).encode()
        for _ in range(50):
            response = api.gateway.handle(
                "POST",
                f"/api/v1/deployment-events/github/{github_key}",
                "",
                {"content-type": "application/json", "x-github-event": "deployment_status"},
                body,
            )
            if response.status < 500:
                accepted += response.json()["status"] == "accepted"
                break
            assert response.status == 503
        else:
            pytest.fail("a delivery never got through")
    # Then there is one event, whole, in its newest state
    assert writes.failed > 10
    assert reads.failed > 10
    assert accepted >= 1
    assert len(aws.stored_event_ids()) == 1
    assert_no_half_written_events(aws)
    [event_id] = aws.stored_event_ids()
    assert api.call("GET", f"/api/deployment-events/{event_id}").json()["status"] == "success"


def test_a_failing_correlation_ends_in_its_dead_letter_queue_with_the_alert_intact(
    api: Api, aws: Aws, alert_bus: Bus, inject: Callable[[FaultInjector], FaultInjector]
) -> None:
    api.create_pipeline("API", teams=[{"id": "payments"}])
    inject(FaultInjector("Query", fault=OUTAGE))
    alert = {"id": "dlq-1", "reportTime": isoformat(utc_now()), "alertSource": {"id": 1, "teams": [{"id": "payments"}]}}
    alert_bus.put_alert(alert)
    alert_bus.deliver()
    [dead] = aws.queue_messages("CorrelateDeadLetterQueue")
    assert dead["detail"] == alert
    assert dead["detail-type"] == "Alert Created"
    assert api.call("GET", "/api/alerts/dlq-1/deployments").status == 404


def test_a_failing_enrichment_ends_in_its_dead_letter_queue_intact(
    api: Api, aws: Aws, alert_bus: Bus, inject: Callable[[FaultInjector], FaultInjector]
) -> None:
    inject(FaultInjector("PutItem", fault=OUTAGE))
    alert_bus.put_alert({"id": "dlq-2", "reportTime": isoformat(utc_now())})
    alert_bus.deliver()
    [dead] = aws.queue_messages("EnrichDeadLetterQueue")
    assert dead["detail-type"] == "Alert Correlated"
    assert dead["detail"]["alertId"] == "dlq-2"
    assert aws.queue_messages("CorrelateDeadLetterQueue") == []


@pytest.mark.parametrize("fault", [THROTTLED, THROTTLED_TRANSACTION, CONFLICT, OUTAGE], ids=str)
def test_a_pipeline_write_the_store_could_not_take_is_a_retryable_503(
    api: Api, aws: Aws, inject: Callable[[FaultInjector], FaultInjector], fault: tuple[int, str]
) -> None:
    # Given DynamoDB cancelling or refusing every transaction, for the moment
    inject(FaultInjector("TransactWriteItems", fault=fault))
    # When a pipeline is created
    response = api.call("POST", "/api/deployment-pipelines", {"name": "shop", "integrationType": "API"})
    # Then the client is told to retry, not that it conflicted with anyone
    assert response.status == 503
    assert response.headers.get("Retry-After") == "1"
    assert not [item for item in aws.items() if item["PK"]["S"] == "PIPELINES"]


def test_only_a_real_conflict_is_a_409(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a pipeline that another writer changes between our read and our write
    created = api.create_pipeline("API")
    stale = pipeline_store.PIPELINES.get(created["id"])
    api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "renamed"})
    monkeypatch.setattr(pipeline_store.PIPELINES, "get", lambda _: stale)
    # When the stale copy is written
    response = api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "mine"})
    # Then that, and only that, is a conflict
    assert response.status == 409
    assert response.json()["code"] == "conflict"
