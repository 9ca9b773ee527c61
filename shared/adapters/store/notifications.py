"""Notification claims as stored (§13): one item per (alert, target), beside the alert's
enrichment. A claim is taken with a conditional write before sending, so a target is notified
once however often the alert is re-sent, re-correlated or its invocation retried."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.store.client import (
    dynamodb,
    expires_at,
    from_item,
    get_item,
    key,
    query_items,
    storage_call,
    table,
    to_item,
)
from shared.domain import keys
from shared.domain.models.notifications import NotificationClaim


def _claim_from(values: dict[str, Any]) -> NotificationClaim:
    return NotificationClaim.model_validate(values)


@storage_call
def claim(
    alert_id: str, target_id: str, target_type: str, target: str, now: datetime, lease: timedelta
) -> tuple[bool, NotificationClaim | None]:
    """Takes the claim when it is new, or pending with its lease run out (its holder crashed).
    Returns (taken, the claim as it is now)."""
    lease_until = now + lease
    try:
        response = dynamodb().update_item(
            TableName=table(),
            Key=key(keys.notification_key(alert_id, target_id)),
            UpdateExpression=(
                "SET #status = :pending, leaseUntil = :lease, #type = :type, target = :target, "
                "targetId = :targetId, expiresAt = :expires ADD attempts :one"
            ),
            ConditionExpression="attribute_not_exists(PK) OR (#status = :pending AND leaseUntil < :now)",
            ExpressionAttributeNames={"#status": "status", "#type": "type"},
            ExpressionAttributeValues=to_item(
                {
                    ":pending": "pending",
                    ":lease": lease_until.isoformat(),
                    ":now": now.isoformat(),
                    ":type": target_type,
                    ":target": target,
                    ":targetId": target_id,
                    ":expires": expires_at(now),
                    ":one": 1,
                }
            ),
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        current = get_item(keys.notification_key(alert_id, target_id))
        return False, _claim_from(_named(current)) if current else None
    return True, _claim_from(_named(from_item(response["Attributes"])))


def _named(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name not in ("PK", "SK", "expiresAt")}


@storage_call
def settle(alert_id: str, claimed: NotificationClaim, now: datetime) -> None:
    """Records what became of a claimed notification: delivered, failed, or pending again with
    its lease given back, so the retried invocation takes it over at once."""
    values = claimed.model_dump(mode="json", by_alias=True, exclude_none=True)
    values["expiresAt"] = expires_at(datetime.fromisoformat(values.get("deliveredAt") or values["leaseUntil"]))
    item = {**key(keys.notification_key(alert_id, claimed.target_id)), **to_item(values)}
    dynamodb().put_item(TableName=table(), Item=item)


@storage_call
def alert_items(alert_id: str) -> tuple[bool, list[NotificationClaim]]:
    """Whether the alert was ever seen (enrichment or claims), and its claims: one Query."""
    items = list(
        query_items(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=to_item({":pk": keys.alert_partition(alert_id)}),
        )
    )
    claims = [_claim_from(_named(item)) for item in items if str(item["SK"]).startswith(keys.NOTIFICATION_PREFIX)]
    return bool(items), claims
