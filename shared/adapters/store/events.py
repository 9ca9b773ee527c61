"""Deployment events as stored: the canonical item and its account and team day-bucket copies,
written in one transaction so a reader never sees half of an event."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.store.client import (
    WriteConflict,
    cancellation_codes,
    dynamodb,
    expires_at,
    get_item,
    is_transaction_cancelled,
    key,
    storage_call,
    table,
    to_item,
)
from shared.domain import keys
from shared.domain.models.deployments import DeploymentEvent, Revision


@dataclass(frozen=True)
class StoredEvent:
    event: DeploymentEvent
    revision: Revision | None


def _event_json(event: DeploymentEvent) -> str:
    """Compact UTF-8; escaped ASCII only when a sender smuggled in a lone surrogate."""
    values = event.to_json_dict()
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(values, separators=(",", ":"))
    return text


def _event_values(event: DeploymentEvent) -> dict[str, Any]:
    return {
        "event": _event_json(event),
        "pipelineId": event.pipeline_id,
        "expiresAt": expires_at(event.received_at),
    }


def event_items(event: DeploymentEvent, revision: Revision | None) -> list[dict[str, Any]]:
    """The items one event is stored as: its own, then its account and team bucket copies."""
    shared_values = _event_values(event)
    canonical: dict[str, Any] = {"recordType": "event", **shared_values}
    if revision is not None:
        canonical.update(
            revisionAt=revision.at.isoformat(),
            revisionTiebreak=revision.tiebreak,
            revisionIdentity=revision.identity,
        )
    copy = to_item({"recordType": "timeline", **shared_values})
    items = [
        {**key(keys.event_key(event.id)), **to_item(canonical)},
        *({**key(item_key), **copy} for item_key in keys.timeline_keys(event.timestamp, event.id, event.teams)),
    ]
    listed_at = {"S": keys.timeline_sort_key(event.timestamp, event.id)}
    partitions = keys.listing_partitions(event.pipeline_id, event.teams)
    return [
        {**item, "listPK": {"S": partition}, "listSK": listed_at}
        for item, partition in zip(items, partitions, strict=True)
    ]


@storage_call
def insert_event(event: DeploymentEvent, revision: Revision | None) -> bool:
    """Writes a new event and all its timeline copies at once; False if its id is already stored."""
    canonical, *copies = event_items(event, revision)
    operations = [
        {"Put": {"TableName": table(), "Item": canonical, "ConditionExpression": "attribute_not_exists(PK)"}},
        *({"Put": {"TableName": table(), "Item": item}} for item in copies),
    ]
    return _transact_event(operations)


@storage_call
def replace_event(previous: StoredEvent, event: DeploymentEvent, revision: Revision) -> bool:
    """Moves an event to its newer state; False if another writer changed it since it was read."""
    previous_keys = set(keys.timeline_keys(previous.event.timestamp, previous.event.id, previous.event.teams))
    current_keys = set(keys.timeline_keys(event.timestamp, event.id, event.teams))
    expected = previous.revision.identity if previous.revision else ""
    canonical, *copies = event_items(event, revision)
    operations: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": table(),
                "Item": canonical,
                "ConditionExpression": "revisionIdentity = :expected",
                "ExpressionAttributeValues": {":expected": {"S": expected}},
            }
        },
        *({"Delete": {"TableName": table(), "Key": key(item_key)}} for item_key in previous_keys - current_keys),
        *({"Put": {"TableName": table(), "Item": item}} for item in copies),
    ]
    return _transact_event(operations)


def _transact_event(operations: list[dict[str, Any]]) -> bool:
    """True when written, False when the condition on the canonical item failed."""
    try:
        dynamodb().transact_write_items(TransactItems=operations)
    except ClientError as error:
        if not is_transaction_cancelled(error):
            raise
        codes = cancellation_codes(error)
        if codes[:1] == ["ConditionalCheckFailed"]:
            return False
        if "TransactionConflict" in codes:
            raise WriteConflict from error
        raise
    return True


@storage_call
def get_event(event_id: str) -> StoredEvent | None:
    values = get_item(keys.event_key(event_id))
    if not values:
        return None
    event = DeploymentEvent.model_validate(json.loads(values["event"]))
    revision = None
    if "revisionIdentity" in values:
        revision = Revision(
            at=datetime.fromisoformat(values["revisionAt"]),
            tiebreak=values["revisionTiebreak"],
            identity=values["revisionIdentity"],
        )
    return StoredEvent(event, revision)


@dataclass(frozen=True)
class TimelinePage:
    events: list[DeploymentEvent]
    last_sort_key: str | None
    """Where to resume within the same partition, or None when the partition is exhausted."""


@storage_call
def query_timeline(
    partition_key: str,
    start: datetime,
    end: datetime,
    *,
    limit: int | None = None,
    after_sort_key: str | None = None,
    pipeline_ids: Iterable[str] = (),
) -> TimelinePage:
    """Events of one bucket partition timed within [start, end], newest first."""
    lower, upper = keys.sort_key_range(start, end)
    request: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": "PK = :pk AND SK BETWEEN :lower AND :upper",
        "ExpressionAttributeValues": {":pk": {"S": partition_key}, ":lower": {"S": lower}, ":upper": {"S": upper}},
        "ProjectionExpression": "SK, #event",
        "ExpressionAttributeNames": {"#event": "event"},
        "ScanIndexForward": False,
    }
    wanted_pipelines = list(pipeline_ids)
    if wanted_pipelines:
        placeholders = {f":pipeline{index}": {"S": value} for index, value in enumerate(wanted_pipelines)}
        request["FilterExpression"] = f"pipelineId IN ({', '.join(placeholders)})"
        request["ExpressionAttributeValues"].update(placeholders)
    if limit is not None:
        request["Limit"] = limit
    if after_sort_key is not None:
        request["ExclusiveStartKey"] = {"PK": {"S": partition_key}, "SK": {"S": after_sort_key}}
    response = dynamodb().query(**request)
    events = [DeploymentEvent.model_validate(json.loads(item["event"]["S"])) for item in response.get("Items", [])]
    last_key = response.get("LastEvaluatedKey")
    return TimelinePage(events=events, last_sort_key=last_key["SK"]["S"] if last_key else None)


@storage_call
def query_window(partition_key: str, start: datetime, end: datetime) -> list[DeploymentEvent]:
    """Every event of one bucket partition within [start, end], following DynamoDB's pages."""
    events: list[DeploymentEvent] = []
    after: str | None = None
    while True:
        page = query_timeline(partition_key, start, end, after_sort_key=after)
        events.extend(page.events)
        after = page.last_sort_key
        if after is None:
            return events


@dataclass(frozen=True)
class ListingPage:
    events: list[DeploymentEvent]
    resume_after: dict[str, Any] | None
    """The index key to resume after, or None when the owner's events are exhausted."""


@storage_call
def query_listing(
    partition: str,
    start: datetime,
    end: datetime,
    *,
    limit: int,
    resume_after: dict[str, Any] | None = None,
    pipeline_ids: Iterable[str] = (),
) -> ListingPage:
    """One Query of an owner's events timed within [start, end], newest first, on the Listing index."""
    lower, upper = keys.sort_key_range(start, end)
    request: dict[str, Any] = {
        "TableName": table(),
        "IndexName": keys.LISTING_INDEX,
        "KeyConditionExpression": "listPK = :pk AND listSK BETWEEN :lower AND :upper",
        "ExpressionAttributeValues": {":pk": {"S": partition}, ":lower": {"S": lower}, ":upper": {"S": upper}},
        "ProjectionExpression": "#event",
        "ExpressionAttributeNames": {"#event": "event"},
        "ScanIndexForward": False,
        "Limit": limit,
    }
    wanted_pipelines = list(pipeline_ids)
    if wanted_pipelines:
        placeholders = {f":pipeline{index}": {"S": value} for index, value in enumerate(wanted_pipelines)}
        request["FilterExpression"] = f"pipelineId IN ({', '.join(placeholders)})"
        request["ExpressionAttributeValues"].update(placeholders)
    if resume_after is not None:
        request["ExclusiveStartKey"] = resume_after
    response = dynamodb().query(**request)
    events = [DeploymentEvent.model_validate(json.loads(item["event"]["S"])) for item in response.get("Items", [])]
    return ListingPage(events=events, resume_after=response.get("LastEvaluatedKey"))
