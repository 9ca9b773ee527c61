"""The data-access layer for EventBridge: events put on the alert bus, and read back from it."""

from __future__ import annotations

import json
import time
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from shared.adapters.store.client import RETRIES
from shared.domain.errors import Busy
from shared.settings import bus_settings

if TYPE_CHECKING:
    from botocore.client import BaseClient


@cache
def events() -> BaseClient:
    return boto3.client("events", config=RETRIES)


def reset_client() -> None:
    events.cache_clear()


MAX_ENTRIES_PER_CALL = 10
"""PutEvents takes at most ten entries per call."""
MAX_ENTRY_BYTES = 256 * 1024
PARTIAL_FAILURE_ATTEMPTS = 3


def _entry(source: str, detail_type: str, detail: dict[str, Any]) -> dict[str, str]:
    entry = {
        "EventBusName": bus_settings().event_bus_name,
        "Source": source,
        "DetailType": detail_type,
        "Detail": json.dumps(detail, separators=(",", ":")),
    }
    if len(json.dumps(entry).encode("utf-8")) > MAX_ENTRY_BYTES:
        raise ValueError("an event is larger than EventBridge's 256 KB")
    return entry


def publish_many(source: str, detail_type: str, details: list[dict[str, Any]]) -> list[str]:
    """Puts the events on the bus, ten per call; entries a call refused (a partial failure) are
    put again, and if some still fail the whole delivery is a retryable 503, so none is lost.
    Returns the event ids in the order of ``details``."""
    entries = [_entry(source, detail_type, detail) for detail in details]
    event_ids: list[str | None] = [None] * len(entries)
    for attempt in range(PARTIAL_FAILURE_ATTEMPTS):
        pending = [index for index, event_id in enumerate(event_ids) if event_id is None]
        for start in range(0, len(pending), MAX_ENTRIES_PER_CALL):
            batch = pending[start : start + MAX_ENTRIES_PER_CALL]
            try:
                response = events().put_events(Entries=[entries[index] for index in batch])
            except (ClientError, BotoCoreError):
                continue  # this batch is put again, then reported as a 503
            for index, result in zip(batch, response["Entries"], strict=True):
                if "EventId" in result and not result.get("ErrorCode"):
                    event_ids[index] = str(result["EventId"])
        if all(event_ids):
            return [str(event_id) for event_id in event_ids]
        time.sleep(0.1 * 2**attempt)
    failed = sum(1 for event_id in event_ids if event_id is None)
    raise Busy(f"the event bus did not take {failed} of {len(entries)} events; retry")


def publish(source: str, detail_type: str, detail: dict[str, Any]) -> str:
    """Puts one event on the bus and returns its id; a rejected entry is retryable (503)."""
    [event_id] = publish_many(source, detail_type, [detail])
    return event_id
