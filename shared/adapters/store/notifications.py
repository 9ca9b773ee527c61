"""Notification claims as stored (§13, §22): one item per (source, alert, target), beside the
alert's enrichment in the partition of the source it came through. A claim is taken with a
conditional write before sending and names its holder; only that holder renews or settles it, so
a sender whose lease was taken over cannot overwrite the outcome its successor recorded."""

from __future__ import annotations

from dataclasses import dataclass
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
    write_if,
)
from shared.domain import keys
from shared.domain.models.notifications import ClaimStatus, NotificationClaim

TAKEABLE = (
    "attribute_not_exists(PK)"
    " OR (#status = :pending AND leaseUntil < :now)"
    " OR (#status = :failed AND (attribute_not_exists(invocation) OR invocation <> :invocation))"
)
"""New; pending with its lease run out (its holder crashed or gave it back); or failed, when this
is not the invocation that failed it (Lambda's retries of one invocation keep its request id)."""
HELD = "holder = :holder AND #status = :pending"
NAMES = {"#status": "status"}


@dataclass(frozen=True)
class Taker:
    """Who takes a claim: a random id of its own, and the Lambda invocation it runs in."""

    holder: str
    invocation: str


def _claim_from(values: dict[str, Any]) -> NotificationClaim:
    return NotificationClaim.model_validate(values)


@storage_call
def claim_at(
    claim_key: keys.ItemKey,
    target_id: str,
    target_type: str,
    target: str,
    taker: Taker,
    now: datetime,
    lease: timedelta,
) -> tuple[bool, NotificationClaim | None]:
    """Takes the claim at ``claim_key`` (a notification's, or a forward's, §21) for ``taker`` when
    it is takeable, and counts the request about to be made. Returns (taken, the claim as it is now)."""
    try:
        response = dynamodb().update_item(
            TableName=table(),
            Key=key(claim_key),
            UpdateExpression=(
                "SET #status = :pending, leaseUntil = :lease, #type = :type, target = :target, "
                "targetId = :targetId, holder = :holder, invocation = :invocation, expiresAt = :expires, "
                "invocations = if_not_exists(invocations, :zero) + :one ADD attempts :one"
            ),
            ConditionExpression=TAKEABLE,
            ExpressionAttributeNames={**NAMES, "#type": "type"},
            ExpressionAttributeValues=to_item(
                {
                    ":pending": "pending",
                    ":failed": "failed",
                    ":lease": (now + lease).isoformat(),
                    ":now": now.isoformat(),
                    ":type": target_type,
                    ":target": target,
                    ":targetId": target_id,
                    ":holder": taker.holder,
                    ":invocation": taker.invocation,
                    ":expires": expires_at(now),
                    ":zero": 0,
                    ":one": 1,
                }
            ),
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        current = get_item(claim_key)
        return False, _claim_from(_named(current)) if current else None
    return True, _claim_from(_named(from_item(response["Attributes"])))


def _named(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name not in ("PK", "SK", "expiresAt")}


@storage_call
def renew_at(claim_key: keys.ItemKey, holder: str, now: datetime, lease: timedelta) -> bool:
    """Extends the holder's lease before its next request, and counts that request; False when
    the claim is no longer the holder's (its lease ran out and another invocation took it)."""
    return write_if(
        dynamodb().update_item,
        Key=key(claim_key),
        UpdateExpression="SET leaseUntil = :lease ADD attempts :one",
        ConditionExpression=HELD,
        ExpressionAttributeNames=NAMES,
        ExpressionAttributeValues=to_item(
            {":lease": (now + lease).isoformat(), ":one": 1, ":holder": holder, ":pending": "pending"}
        ),
    )


@storage_call
def settle_at(
    claim_key: keys.ItemKey,
    holder: str,
    status: ClaimStatus,
    last_error: str | None,
    now: datetime,
    kept: dict[str, str] | None = None,
) -> bool:
    """Records what became of the holder's claim: delivered, failed (open again for a redrive),
    or pending with its lease given back, so the retried invocation takes it over at once.
    ``kept``: what the target answered that a later request needs (a Grafana annotation's id,
    §21). False, and nothing written, when the claim is no longer the holder's."""
    assignments = ["#status = :status", "leaseUntil = :now", "expiresAt = :expires"]
    values: dict[str, Any] = {":status": status, ":now": now.isoformat(), ":expires": expires_at(now)}
    if status == "delivered":
        assignments.append("deliveredAt = :now")
    if status == "failed":
        assignments.append("invocations = :zero")
        values[":zero"] = 0
    if last_error is not None:
        assignments.append("lastError = :error")
        values[":error"] = last_error
    for position, (name, value) in enumerate((kept or {}).items()):
        assignments.append(f"{name} = :kept{position}")
        values[f":kept{position}"] = value
    expression = "SET " + ", ".join(assignments) + ("" if last_error is not None else " REMOVE lastError")
    return write_if(
        dynamodb().update_item,
        Key=key(claim_key),
        UpdateExpression=expression,
        ConditionExpression=HELD,
        ExpressionAttributeNames=NAMES,
        ExpressionAttributeValues=to_item({**values, ":holder": holder, ":pending": "pending"}),
    )


@storage_call
def reopen(alert_source_id: str | None, alert_id: str, target_id: str, now: datetime) -> NotificationClaim | None:
    """A failed claim pending again, with no holder and its lease run out, so the next
    invocation takes it at once; None when it is not failed (any more)."""
    try:
        response = dynamodb().update_item(
            TableName=table(),
            Key=key(keys.notification_key(alert_source_id, alert_id, target_id)),
            UpdateExpression="SET #status = :pending, leaseUntil = :now, invocations = :zero REMOVE holder, invocation",
            ConditionExpression="#status = :failed",
            ExpressionAttributeNames=NAMES,
            ExpressionAttributeValues=to_item(
                {":pending": "pending", ":failed": "failed", ":now": now.isoformat(), ":zero": 0}
            ),
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        return None
    return _claim_from(_named(from_item(response["Attributes"])))


@storage_call
def alert_items(alert_source_id: str | None, alert_id: str) -> tuple[bool, list[NotificationClaim]]:
    """Whether the alert was ever seen (enrichment or claims), and its claims: one Query."""
    items = list(
        query_items(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=to_item({":pk": keys.alert_partition(alert_source_id, alert_id)}),
        )
    )
    claims = [_claim_from(_named(item)) for item in items if str(item["SK"]).startswith(keys.NOTIFICATION_PREFIX)]
    return bool(items), claims
