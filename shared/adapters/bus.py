"""The data-access layer for EventBridge: events put on the alert bus, and read back from it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from shared.adapters.store.client import RETRIES
from shared.domain.batching import batched
from shared.domain.errors import Busy, PayloadTooLarge
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
MAX_REQUEST_BYTES = 256 * 1024
"""EventBridge's limit for one event, and for the entries of one PutEvents request together."""
TIME_BYTES = 14
"""EventBridge counts an entry's ``Time`` as 14 bytes, whether it is set or not."""
PARTIAL_FAILURE_ATTEMPTS = 3


class EventTooLarge(PayloadTooLarge):
    """An event EventBridge would refuse, found before anything is put: a client's is a 413."""


def detail_json(detail: dict[str, Any]) -> str:
    """The ``Detail`` as sent: compact, and UTF-8 rather than ``\\u`` escapes (a sixth of the bytes)."""
    return json.dumps(detail, separators=(",", ":"), ensure_ascii=False)


def entry_bytes(entry: dict[str, Any]) -> int:
    """An entry's size as EventBridge calculates it ("Calculating PutEvents event entry size"):
    14 bytes of ``Time``, and the UTF-8 bytes of ``Source``, ``DetailType``, ``Detail`` and
    each of ``Resources``."""
    texts = [entry.get("Source", ""), entry.get("DetailType", ""), entry.get("Detail", "")]
    texts.extend(entry.get("Resources", []))
    return TIME_BYTES + sum(len(text.encode("utf-8")) for text in texts)


def fits(source: str, detail_type: str, detail: dict[str, Any]) -> bool:
    """Whether this event is within EventBridge's size limit."""
    entry = {"Source": source, "DetailType": detail_type, "Detail": detail_json(detail)}
    return entry_bytes(entry) <= MAX_REQUEST_BYTES


def _entry(source: str, detail_type: str, detail: dict[str, Any]) -> dict[str, str]:
    entry = {
        "EventBusName": bus_settings().event_bus_name,
        "Source": source,
        "DetailType": detail_type,
        "Detail": detail_json(detail),
    }
    if entry_bytes(entry) > MAX_REQUEST_BYTES:
        raise EventTooLarge(f"a {detail_type!r} event is larger than EventBridge's 256 KB")
    return entry


def batches(sizes: list[int]) -> Iterator[list[int]]:
    """The positions of ``sizes`` in request-sized groups, in order: at most ten entries and
    256 KB per PutEvents call."""
    return batched(sizes, MAX_ENTRIES_PER_CALL, MAX_REQUEST_BYTES)


def prepared(source: str, detail_type: str, details: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The entries of these events, each checked against the limit before any is put."""
    return [_entry(source, detail_type, detail) for detail in details]


def _put_batch(entries: list[dict[str, str]], positions: list[int], event_ids: list[str | None]) -> None:
    """One PutEvents call; the ids of the entries it took are filled in, refused ones left None."""
    try:
        response = events().put_events(Entries=[entries[index] for index in positions])
    except (ClientError, BotoCoreError):
        return  # this batch is put again, then reported as a 503
    for index, result in zip(positions, response["Entries"], strict=True):
        if "EventId" in result and not result.get("ErrorCode"):
            event_ids[index] = str(result["EventId"])


def put(entries: list[dict[str, str]]) -> list[str]:
    """Puts prepared entries on the bus, as few calls as the limits allow; entries a call refused
    (a partial failure) are put again, and if some still fail the whole delivery is a retryable
    503, so none is lost. Returns the event ids in the order of ``entries``."""
    event_ids: list[str | None] = [None] * len(entries)
    for attempt in range(PARTIAL_FAILURE_ATTEMPTS):
        pending = [index for index, event_id in enumerate(event_ids) if event_id is None]
        for batch in batches([entry_bytes(entries[index]) for index in pending]):
            _put_batch(entries, [pending[index] for index in batch], event_ids)
        if all(event_ids):
            return [str(event_id) for event_id in event_ids]
        time.sleep(0.1 * 2**attempt)
    failed = sum(1 for event_id in event_ids if event_id is None)
    raise Busy(f"the event bus did not take {failed} of {len(entries)} events; retry")


def publish_many(source: str, detail_type: str, details: list[dict[str, Any]]) -> list[str]:
    """Puts the events on the bus (``put``); their ids in the order of ``details``."""
    return put(prepared(source, detail_type, details))


def publish(source: str, detail_type: str, detail: dict[str, Any]) -> str:
    """Puts one event on the bus and returns its id; a rejected entry is retryable (503)."""
    [event_id] = publish_many(source, detail_type, [detail])
    return event_id
