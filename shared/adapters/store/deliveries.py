"""The delivery log as stored: one item per delivery under its owner, expiring after 7 days."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from shared.adapters.store.client import dynamodb, from_item, storage_call, table, to_item
from shared.domain import keys
from shared.domain.models.deliveries import DELIVERY_LOG_DAYS, DeliveryEntry, LogOwner
from shared.domain.timestamps import isoformat


@storage_call
def put_entry(owner: LogOwner, owner_id: str, entry: DeliveryEntry) -> None:
    """One PutItem of well under 1 KB: 1 WCU per delivery."""
    values = {
        "PK": keys.delivery_log_pk(owner.value, owner_id),
        "SK": f"{isoformat(entry.received_at)}#{secrets.token_hex(4)}",
        "recordType": "delivery",
        "entry": json.dumps(entry.to_json_dict()),
        "expiresAt": int((entry.received_at + timedelta(days=DELIVERY_LOG_DAYS)).timestamp()),
    }
    dynamodb().put_item(TableName=table(), Item=to_item(values))


@storage_call
def query_entries(
    owner: LogOwner, owner_id: str, limit: int, after_sort_key: str | None
) -> tuple[list[DeliveryEntry], str | None]:
    """A page of the owner's entries, newest first, and the sort key to resume after (or None)."""
    partition = keys.delivery_log_pk(owner.value, owner_id)
    request: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": to_item({":pk": partition}),
        "ScanIndexForward": False,
        "Limit": limit,
        "ProjectionExpression": "SK, entry",
    }
    if after_sort_key is not None:
        request["ExclusiveStartKey"] = to_item({"PK": partition, "SK": after_sort_key})
    response = dynamodb().query(**request)
    entries = [DeliveryEntry.model_validate_json(from_item(item)["entry"]) for item in response.get("Items", [])]
    last = response.get("LastEvaluatedKey")
    return entries, (from_item(last)["SK"] if last else None)
