"""Messages per target and minute, and the alerts folded past the limit (§18): one item per
target and minute. Taking counts with one conditional UpdateItem, so concurrent invocations
cannot together pass the limit; folding adds to a string set, so a retried fold adds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from shared.adapters.store.client import dynamodb, from_item, get_item, key, storage_call, table, to_item, write_if
from shared.domain import keys

KEPT_FOR = timedelta(days=1)
"""The folded alerts outlive their minute long enough for a delayed or redriven flush."""
MAX_FOLDED = 1000
"""Entries kept per target and minute (about 200 bytes each); past it, folded alerts are counted."""


@dataclass(frozen=True)
class FoldedMinute:
    """A target's folded alerts of one minute, as the flush reads them."""

    alert_source_id: str | None
    entries: list[str]
    uncounted: int
    """Alerts folded past ``MAX_FOLDED``: counted, not listed."""


def _expires(moment: datetime) -> int:
    return int((keys.minute_of(moment) + KEPT_FOR).timestamp())


@storage_call
def take(target_id: str, moment: datetime, limit: int) -> bool:
    """Counts one message against the target's minute; False, counting nothing, past ``limit``."""
    return write_if(
        dynamodb().update_item,
        Key=key(keys.notify_rate_key(target_id, moment)),
        UpdateExpression="ADD sent :one SET expiresAt = :expires",
        ConditionExpression="attribute_not_exists(sent) OR sent < :limit",
        ExpressionAttributeValues=to_item({":one": 1, ":limit": limit, ":expires": _expires(moment)}),
    )


@storage_call
def fold(target_id: str, moment: datetime, alert_source_id: str | None, entry: str) -> datetime | None:
    """Adds ``entry`` to the target's folded alerts of the minute (of the next one when that
    minute was flushed already); that minute while no flush of it is known to be scheduled (the
    caller schedules one, then marks it), else None."""
    item_key = key(keys.notify_rate_key(target_id, moment))
    try:
        response = dynamodb().update_item(
            TableName=table(),
            Key=item_key,
            UpdateExpression="ADD folded :entry SET sourceId = if_not_exists(sourceId, :source), expiresAt = :expires",
            ConditionExpression=(
                "attribute_not_exists(flushed) AND "
                "(attribute_not_exists(folded) OR size(folded) < :max OR contains(folded, :one))"
            ),
            ExpressionAttributeValues=to_item(
                {
                    ":entry": {entry},
                    ":one": entry,
                    ":source": alert_source_id or "",
                    ":expires": _expires(moment),
                    ":max": MAX_FOLDED,
                }
            ),
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        current = get_item(keys.notify_rate_key(target_id, moment)) or {}
        if current.get("flushed"):
            return fold(target_id, moment + timedelta(minutes=1), alert_source_id, entry)
        response = dynamodb().update_item(
            TableName=table(),
            Key=item_key,
            UpdateExpression="ADD uncounted :one",
            ExpressionAttributeValues=to_item({":one": 1}),
            ReturnValues="ALL_NEW",
        )
    return None if from_item(response["Attributes"]).get("flushScheduled") else keys.minute_of(moment)


@storage_call
def mark_scheduled(target_id: str, moment: datetime) -> None:
    dynamodb().update_item(
        TableName=table(),
        Key=key(keys.notify_rate_key(target_id, moment)),
        UpdateExpression="SET flushScheduled = :yes",
        ExpressionAttributeValues=to_item({":yes": True}),
    )


@storage_call
def flushing(target_id: str, minute: datetime) -> FoldedMinute | None:
    """The target's folded alerts of ``minute``, closed to further folds (they go to the next
    minute); the same entries on every call, so a flush that runs twice sends the same message.
    None when nothing was folded then."""
    if not get_item(keys.notify_rate_key(target_id, minute)):
        return None
    response = dynamodb().update_item(
        TableName=table(),
        Key=key(keys.notify_rate_key(target_id, minute)),
        UpdateExpression="SET flushed = :yes",
        ExpressionAttributeValues=to_item({":yes": True}),
        ReturnValues="ALL_NEW",
    )
    stored = from_item(response["Attributes"])
    if not stored.get("folded"):
        return None
    return FoldedMinute(
        alert_source_id=stored.get("sourceId") or None,
        entries=sorted(stored["folded"]),
        uncounted=int(stored.get("uncounted", 0)),
    )
