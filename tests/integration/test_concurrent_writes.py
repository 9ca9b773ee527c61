"""Concurrent writers settle on one record through conditional writes, not read-then-write.

Threads call the ingest logic directly, released together, so their DynamoDB calls interleave
in every way the emulator allows (it makes each call atomic, as DynamoDB does).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TypeVar

from shared.adapters.store import events as store
from shared.domain.models.common import Team
from shared.domain.models.deployments import EventKind, Revision
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers.common import NormalisedEvent
from shared.domain.timestamps import utc_now
from shared.logic.intake_deployments import IngestOutcome, record_event
from tests.conftest import Aws
from tests.records import pipeline_record

Result = TypeVar("Result")


def released_together(calls: list[Callable[[], Result]]) -> list[Result]:
    barrier = threading.Barrier(len(calls))
    results: dict[int, Result] = {}

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return [results[index] for index in range(len(calls))]


def deployment(status_id: int, minutes_ago: int, status: str) -> NormalisedEvent:
    at = utc_now().replace(microsecond=0) - timedelta(minutes=minutes_ago)
    return NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=f"status {status_id}",
        timestamp=at,
        natural_key="deployment:42",
        revision=Revision(at=at, tiebreak=f"{status_id:020d}", identity=str(status_id)),
        status=status,
    )


def test_thirty_identical_writes_at_once_store_one_event(aws: Aws) -> None:
    # Given 30 deliveries of the same push, written at the same instant
    pipeline = pipeline_record(IntegrationType.GITHUB, teams=[Team(id="payments")])
    push = NormalisedEvent(
        kind=EventKind.PUSH, summary="push", timestamp=utc_now(), natural_key="push:acme/shop:main:abc"
    )
    outcomes: list[IngestOutcome] = released_together([lambda: record_event(pipeline, push, utc_now())] * 30)
    # Then exactly one was accepted and one event exists, with its copies
    assert sorted(outcome.status for outcome in outcomes) == ["accepted"] + ["duplicate"] * 29
    assert len(aws.stored_event_ids()) == 1
    assert len([item for item in aws.items() if item["PK"]["S"].startswith(("ACCOUNT#", "TEAM#"))]) == 2


def test_concurrent_statuses_of_one_deployment_keep_the_newest(aws: Aws) -> None:
    # Given 25 statuses of one deployment written at once, in a random order
    pipeline = pipeline_record(IntegrationType.GITHUB, teams=[Team(id="payments")])
    statuses = [deployment(100 + index, 50 - index, "failure") for index in range(24)] + [deployment(200, 0, "success")]
    random.Random(3).shuffle(statuses)
    outcomes = released_together([partial(record_event, pipeline, status, utc_now()) for status in statuses])
    # Then all were answered without error, and the stored state is the newest
    assert {outcome.status for outcome in outcomes} <= {"accepted", "ignored", "duplicate"}
    [event_id] = aws.stored_event_ids()
    stored = store.get_event(event_id)
    assert stored is not None
    assert (stored.event.status, stored.event.summary) == ("success", "status 200")
    copies = [item for item in aws.items() if item["SK"]["S"].endswith(f"#{event_id}")]
    assert len(copies) == 2
