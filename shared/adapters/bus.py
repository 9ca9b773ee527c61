"""The data-access layer for EventBridge: events put on the alert bus, and read back from it."""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from aws_lambda_powertools.utilities.parser.envelopes.event_bridge import EventBridgeEnvelope
from pydantic import BaseModel

from shared.adapters.store.client import RETRIES
from shared.domain.errors import Busy
from shared.settings import bus_settings

if TYPE_CHECKING:
    from botocore.client import BaseClient

Detail = TypeVar("Detail", bound=BaseModel)


@cache
def events() -> BaseClient:
    return boto3.client("events", config=RETRIES)


def reset_client() -> None:
    events.cache_clear()


def publish(source: str, detail_type: str, detail: dict[str, Any]) -> str:
    """Puts one event on the bus and returns its id; a rejected entry is retryable (503)."""
    response = events().put_events(
        Entries=[
            {
                "EventBusName": bus_settings().event_bus_name,
                "Source": source,
                "DetailType": detail_type,
                "Detail": json.dumps(detail, separators=(",", ":")),
            }
        ]
    )
    entry = response["Entries"][0]
    if response.get("FailedEntryCount") or "EventId" not in entry:
        raise Busy(f"the event bus did not take the event ({entry.get('ErrorCode', 'unknown error')}); retry")
    return str(entry["EventId"])


def parse_detail(event: dict[str, Any], model: type[Detail]) -> Detail:
    """The ``detail`` of an EventBridge event as ``model``, via Powertools' EventBridge envelope."""
    detail = EventBridgeEnvelope().parse(data=event, model=model)
    if detail is None:
        raise ValueError("the EventBridge event has no detail")
    return detail
