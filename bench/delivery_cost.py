"""What one delivery report (§19) costs in DynamoDB requests: a service with 1,000 deployments
(each merged first) in its 30-day window, then the same with 10,000 changes of other services
added, and a service with 500. Counts, not seconds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.harness import ADMIN, CallCounter, local_stack
from local.gateway import Gateway
from shared.adapters.store import client as store
from shared.adapters.store.events import event_items
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.timestamps import utc_now
from tests.delivery_histories import change

DEPLOYMENTS = 1_000
OTHER_CHANGES = 10_000
WINDOW = timedelta(days=30)
BATCH = 25
"""DynamoDB's most items in one ``BatchWriteItem``."""


@dataclass(frozen=True)
class Cost:
    queries: int
    items_read: int


def _write(events: list[DeploymentEvent]) -> None:
    """Straight into the table, in the layout ingest writes (ingest's own cost is measured apart)."""
    items = [item for event in events for item in event_items(event, None)]
    for first in range(0, len(items), BATCH):
        batch = items[first : first + BATCH]
        store.dynamodb().batch_write_item(
            RequestItems={store.table(): [{"PutRequest": {"Item": item}} for item in batch]}
        )


def _service_history(now: datetime, count: int, spread: timedelta) -> list[DeploymentEvent]:
    step = spread / count
    events = []
    for index in range(count):
        at = now - step * (index + 1)
        sha = f"{index:040x}"
        merged = at - timedelta(hours=2)
        events.append(
            change(
                f"merge-{index}",
                merged,
                EventKind.MERGE,
                service=None,
                environment=None,
                repository="acme/shop",
                commit_sha=sha,
            )
        )
        events.append(change(f"deploy-{index}", at, repository="acme/shop", commit_sha=sha))
    return events


def _others(now: datetime) -> list[DeploymentEvent]:
    step = WINDOW / OTHER_CHANGES
    return [
        change(f"other-{index}", now - step * index, service=f"other-{index % 1000}") for index in range(OTHER_CHANGES)
    ]


def _report_cost(local_gateway: Gateway, counter: CallCounter) -> Cost:
    counter.reset()
    response = local_gateway.handle("GET", "/api/insights/delivery", "service=shop", ADMIN, b"")
    assert response.status == 200, response.body
    return Cost(counter.calls.get("Query", 0), counter.items_read)


def run() -> tuple[Cost, Cost, Cost]:
    """The report's cost alone, beside 10,000 other changes, and of a service with half the deployments."""
    with local_stack({"RetentionDays": "3650"}) as local:
        now = utc_now()
        _write(_service_history(now, DEPLOYMENTS, WINDOW))
        counter = CallCounter.on_store()
        alone = _report_cost(local.gateway, counter)
        _write(_others(now))
        crowded = _report_cost(local.gateway, counter)
    with local_stack({"RetentionDays": "3650"}) as local:
        now = utc_now()
        _write(_service_history(now, DEPLOYMENTS // 2, WINDOW))
        counter = CallCounter.on_store()
        half = _report_cost(local.gateway, counter)
    return alone, crowded, half


def summary() -> str:
    alone, crowded, half = run()
    return (
        f"\nDelivery report (§19) of a service with {DEPLOYMENTS:,} deployments in its 30-day window: "
        f"{alone.queries} queries, {alone.items_read:,} items read (its deployments and their merges); "
        f"with {OTHER_CHANGES:,} other services' changes added: {crowded.queries} queries, "
        f"{crowded.items_read:,} items read; a service with {DEPLOYMENTS // 2:,}: {half.queries} queries, "
        f"{half.items_read:,} items read"
    )
