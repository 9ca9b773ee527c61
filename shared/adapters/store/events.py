"""Deployment events as stored: the canonical item and its account and team day-bucket copies,
written in one transaction so a reader never sees half of an event."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.store.client import (
    WriteConflict,
    cancellation_codes,
    check_fits,
    dynamodb,
    expires_at,
    from_item,
    get_item,
    is_transaction_cancelled,
    key,
    query_items,
    query_pages,
    storage_call,
    table,
    to_item,
)
from shared.domain import keys, keys_history
from shared.domain.models.deployments import DeploymentEvent, Revision
from shared.domain.strict_json import dumps


@dataclass(frozen=True)
class StoredEvent:
    event: DeploymentEvent
    revision: Revision | None
    stored: str = ""
    """The event's JSON as stored: replacing it is conditional on it, so §19's marks written in
    between are never overwritten."""


def event_json(event: DeploymentEvent) -> str:
    """Compact UTF-8, numbers as short as sent; escaped ASCII only when a sender smuggled in a
    lone surrogate."""
    values = event.to_json_dict()
    text = dumps(values)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = dumps(values, ensure_ascii=True)
    return text


def _event_values(event: DeploymentEvent) -> dict[str, Any]:
    return {
        "event": event_json(event),
        "pipelineId": event.pipeline_id,
        "expiresAt": expires_at(event.received_at),
    }


def event_items(event: DeploymentEvent, revision: Revision | None) -> list[dict[str, Any]]:
    """The items one event is stored as: its own, then its account and team bucket copies, each
    listed under its owner in the Listing index, then its copy in its service's history (§19)."""
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
    listed_at = keys.timeline_sort_key(event.timestamp, event.id)
    partitions = keys.listing_partitions(event.pipeline_id, event.teams)
    history = keys_history.history_of(event.service, event.repository, event.environment)
    if history is not None:
        items.append({**key(keys_history.history_key(event.id)), **to_item({"recordType": "history", **shared_values})})
        partitions.append(history)
    return [
        {**item, **to_item({"listPK": partition, "listSK": listed_at})}
        for item, partition in zip(items, partitions, strict=True)
    ]


@storage_call
def insert_event(event: DeploymentEvent, revision: Revision | None) -> bool:
    """Writes a new event and all its timeline copies at once; False if its id is already stored.
    Refused (413) before anything is written when the items would not fit DynamoDB."""
    items = event_items(event, revision)
    check_fits(items)
    canonical, *copies = items
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
    if keys_history.history_of(event.service, event.repository, event.environment) is None:
        previous_keys.add(keys_history.history_key(event.id))
    expected = previous.revision.identity if previous.revision else ""
    items = event_items(event, revision)
    check_fits(items)
    canonical, *copies = items
    operations: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": table(),
                "Item": canonical,
                "ConditionExpression": "revisionIdentity = :expected AND #event = :stored",
                "ExpressionAttributeNames": {"#event": "event"},
                "ExpressionAttributeValues": to_item({":expected": expected, ":stored": previous.stored}),
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


def _event_of(values: dict[str, Any]) -> DeploymentEvent:
    return DeploymentEvent.model_validate(json.loads(values["event"]))


@storage_call
def get_event(event_id: str) -> StoredEvent | None:
    values = get_item(keys.event_key(event_id))
    if not values:
        return None
    event = _event_of(values)
    revision = None
    if "revisionIdentity" in values:
        revision = Revision(
            at=datetime.fromisoformat(values["revisionAt"]),
            tiebreak=values["revisionTiebreak"],
            identity=values["revisionIdentity"],
        )
    return StoredEvent(event, revision, values["event"])


@storage_call
def query_window(partition_key: str, start: datetime, end: datetime) -> list[DeploymentEvent]:
    """Every event of one bucket partition timed within [start, end], newest first."""
    lower, upper = keys.sort_key_range(start, end)
    items = query_items(
        KeyConditionExpression="PK = :pk AND SK BETWEEN :lower AND :upper",
        ExpressionAttributeValues=to_item({":pk": partition_key, ":lower": lower, ":upper": upper}),
        ProjectionExpression="SK, #event",
        ExpressionAttributeNames={"#event": "event"},
        ScanIndexForward=False,
    )
    return [_event_of(values) for values in items]


INDEX_KEY = ("PK", "SK", "listPK", "listSK")
"""What a Listing index item is resumed after."""


@dataclass(frozen=True)
class ListingPage:
    events: list[DeploymentEvent]
    resume_after: dict[str, str] | None
    """The index key to resume after, or None when the owner's events are exhausted."""


@storage_call
def query_listing(
    partition: str,
    start: datetime,
    end: datetime,
    *,
    limit: int,
    resume_after: dict[str, str] | None = None,
    pipeline_ids: Sequence[str] = (),
) -> ListingPage:
    """Up to ``limit`` of an owner's events timed within [start, end], newest first, from the
    Listing index: one Query, more only when DynamoDB's 1 MB page or the pipeline filter leave it
    short."""
    lower, upper = keys.sort_key_range(start, end)
    values = {":pk": partition, ":lower": lower, ":upper": upper}
    request: dict[str, Any] = {
        "IndexName": keys.LISTING_INDEX,
        "KeyConditionExpression": "listPK = :pk AND listSK BETWEEN :lower AND :upper",
        "ProjectionExpression": f"#event, {', '.join(INDEX_KEY)}",
        "ExpressionAttributeNames": {"#event": "event"},
        "ScanIndexForward": False,
        "PaginationConfig": {"PageSize": limit},
    }
    if pipeline_ids:
        wanted = {f":pipeline{index}": pipeline_id for index, pipeline_id in enumerate(pipeline_ids)}
        request["FilterExpression"] = f"pipelineId IN ({', '.join(wanted)})"
        values.update(wanted)
    if resume_after is not None:
        request["ExclusiveStartKey"] = to_item(resume_after)
    return _first_events(query_pages(ExpressionAttributeValues=to_item(values), **request), limit)


def _first_events(pages: Iterator[dict[str, Any]], limit: int) -> ListingPage:
    """The first ``limit`` events of these pages; a page cut short resumes after its last event
    taken, a page taken whole where DynamoDB stopped."""
    events: list[DeploymentEvent] = []
    for page in pages:
        found = [from_item(item) for item in page["Items"]]
        taken = found[: limit - len(events)]
        events.extend(_event_of(item) for item in taken)
        if len(events) == limit:
            if len(taken) < len(found):
                return ListingPage(events=events, resume_after={name: taken[-1][name] for name in INDEX_KEY})
            last = page.get("LastEvaluatedKey")
            return ListingPage(events=events, resume_after=from_item(last) if last else None)
    return ListingPage(events=events, resume_after=None)
