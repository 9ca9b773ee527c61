"""The delivery log as stored: one item per delivery under its owner, expiring after 7 days."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from shared.adapters.store.client import dynamodb, storage_call, table, to_item
from shared.domain import keys
from shared.domain.models.deliveries import DELIVERY_LOG_DAYS, DeliveryEntry, LogOwner
from shared.domain.timestamps import isoformat


@storage_call
def put_entry(owner: LogOwner, owner_id: str, entry: DeliveryEntry) -> None:
    """One PutItem of well under 1 KB: 1 WCU per delivery."""
    sort_key = f"{isoformat(entry.received_at)}#{secrets.token_hex(4)}"
    expires_at = int((entry.received_at + timedelta(days=DELIVERY_LOG_DAYS)).timestamp())
    values = {"recordType": "delivery", "entry": json.dumps(entry.to_json_dict()), "expiresAt": expires_at}
    item = {"PK": {"S": keys.delivery_log_pk(owner.value, owner_id)}, "SK": {"S": sort_key}, **to_item(values)}
    dynamodb().put_item(TableName=table(), Item=item)


@storage_call
def query_entries(
    owner: LogOwner, owner_id: str, limit: int, after_sort_key: str | None
) -> tuple[list[DeliveryEntry], str | None]:
    """A page of the owner's entries, newest first, and the sort key to resume after (or None)."""
    partition = keys.delivery_log_pk(owner.value, owner_id)
    request: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": partition}},
        "ScanIndexForward": False,
        "Limit": limit,
        "ProjectionExpression": "SK, entry",
    }
    if after_sort_key is not None:
        request["ExclusiveStartKey"] = {"PK": {"S": partition}, "SK": {"S": after_sort_key}}
    response = dynamodb().query(**request)
    entries = [DeliveryEntry.model_validate_json(item["entry"]["S"]) for item in response.get("Items", [])]
    last = response.get("LastEvaluatedKey")
    return entries, (last["SK"]["S"] if last else None)
