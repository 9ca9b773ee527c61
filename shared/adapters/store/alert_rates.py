"""Alerts published per alert source and minute (§22): one counter item per minute, taken from
with one conditional UpdateItem, so concurrent deliveries cannot together pass the limit."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.adapters.store.client import dynamodb, key, storage_call, to_item, write_if
from shared.domain import keys

KEPT_FOR = timedelta(minutes=5)
"""A counter outlives its minute a little, then TTL removes it."""


@storage_call
def take(alert_source_id: str, moment: datetime, alerts: int, limit: int) -> bool:
    """Counts ``alerts`` against the source's minute; False, counting nothing, when they would
    take it past ``limit``."""
    minute = keys.minute_of(moment)
    return write_if(
        dynamodb().update_item,
        Key=key(keys.alert_rate_key(alert_source_id, minute)),
        UpdateExpression="ADD alerts :alerts SET expiresAt = :expires",
        ConditionExpression="attribute_not_exists(alerts) OR alerts <= :room",
        ExpressionAttributeValues=to_item(
            {":alerts": alerts, ":room": limit - alerts, ":expires": int((minute + KEPT_FOR).timestamp())}
        ),
    )
