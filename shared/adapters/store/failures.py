"""§19's reads and writes: the changes of one history around a change, and the failure and
remediation marks written onto every stored copy of a change at once.

A mark rewrites the event's JSON in its canonical item (on condition that it still holds the
JSON detection read) and in each copy (account and team buckets, history) in one transaction,
so two writers can never lose each other's marks: the second one's condition fails and it
judges again from what is stored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.store.client import (
    check_fits,
    dynamodb,
    from_item,
    get_item,
    is_transaction_cancelled,
    key,
    storage_call,
    table,
    to_item,
)
from shared.adapters.store.events import event_items
from shared.domain import keys
from shared.domain.failures import Change
from shared.domain.models.deployments import DeploymentEvent

MAX_TRANSACTION_ITEMS = 100


@dataclass(frozen=True)
class StoredChange:
    change: Change
    stored: str
    """The event's JSON exactly as stored: the condition of a later mark."""

    @classmethod
    def of(cls, stored: str) -> StoredChange:
        return cls(Change.of_stored(json.loads(stored)), stored)


@storage_call
def history_changes(
    partition: str, start: datetime, end: datetime, *, limit: int, newest_first: bool
) -> list[StoredChange]:
    """Up to ``limit`` changes of one history timed within [start, end], nearest to ``end``
    first when ``newest_first``, else nearest to ``start``: one Query, never more."""
    lower, upper = keys.sort_key_range(start, end)
    response = dynamodb().query(
        TableName=table(),
        IndexName=keys.LISTING_INDEX,
        KeyConditionExpression="listPK = :pk AND listSK BETWEEN :lower AND :upper",
        ExpressionAttributeValues=to_item({":pk": partition, ":lower": lower, ":upper": upper}),
        ProjectionExpression="#event",
        ExpressionAttributeNames={"#event": "event"},
        ScanIndexForward=not newest_first,
        Limit=limit,
    )
    return [StoredChange.of(from_item(item)["event"]) for item in response.get("Items", [])]


@storage_call
def stored_change(event_id: str) -> StoredChange | None:
    values = get_item(keys.event_key(event_id))
    return StoredChange.of(values["event"]) if values else None


def _operations(read: str, marked: DeploymentEvent) -> list[dict[str, Any]]:
    canonical, *copies = event_items(marked, None)
    check_fits([canonical, *copies])
    guarded = {
        "Update": {
            "TableName": table(),
            "Key": key(keys.event_key(marked.id)),
            "UpdateExpression": "SET #event = :marked",
            "ConditionExpression": "#event = :read",
            "ExpressionAttributeNames": {"#event": "event"},
            "ExpressionAttributeValues": {":marked": canonical["event"], ":read": to_item({"v": read})["v"]},
        }
    }
    return [guarded, *({"Put": {"TableName": table(), "Item": item}} for item in copies)]


@storage_call
def write_marks(marked: Sequence[tuple[str, DeploymentEvent]]) -> bool:
    """Writes each (JSON as read, event with its new marks) onto all its items; False when
    another writer changed one of them since it was read. One transaction when they fit in one,
    else one per change (each still conditional, and judged again on the next delivery)."""
    operations = [_operations(read, event) for read, event in marked]
    if sum(len(group) for group in operations) <= MAX_TRANSACTION_ITEMS:
        return _transact([operation for group in operations for operation in group])
    return all(_transact(group) for group in operations)


def _transact(operations: list[dict[str, Any]]) -> bool:
    try:
        dynamodb().transact_write_items(TransactItems=operations)
    except ClientError as error:
        if not is_transaction_cancelled(error):
            raise
        return False
    return True
