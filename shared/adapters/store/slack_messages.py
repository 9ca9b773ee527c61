"""Where a Slack app's message of an alert is (§18): its ``channel`` and ``ts``, kept on the claim
item of its first post, so that later enrichments of the alert edit it and reply in its thread;
and the digest of what it shows now, so that an update changing nothing is not sent."""

from __future__ import annotations

from dataclasses import dataclass

from shared.adapters.store.client import dynamodb, key, query_items, storage_call, to_item, write_if
from shared.domain import keys
from shared.domain.models.alerts import AlertAddress
from shared.domain.models.notifications import NotificationClaim


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    ts: str
    digest: str | None
    """What the message shows now (``SlackAppMessage.digest``)."""
    claim_id: str
    """The claim the post was made under, which keeps where it went and what it shows."""


@storage_call
def record_message(alert: AlertAddress, target_id: str, holder: str, channel: str, ts: str, digest: str) -> bool:
    """Keeps where the holder's post went, while its claim is still the holder's; False otherwise."""
    return write_if(
        dynamodb().update_item,
        Key=key(keys.notification_key(*alert, target_id)),
        UpdateExpression="SET slackChannel = :channel, slackTs = :ts, slackDigest = :digest",
        ConditionExpression="holder = :holder AND #status = :pending",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues=to_item(
            {":channel": channel, ":ts": ts, ":digest": digest, ":holder": holder, ":pending": "pending"}
        ),
    )


@storage_call
def record_digest(alert: AlertAddress, target_id: str, digest: str) -> bool:
    """What the message shows after an update."""
    return write_if(
        dynamodb().update_item,
        Key=key(keys.notification_key(*alert, target_id)),
        UpdateExpression="SET slackDigest = :digest",
        ConditionExpression="attribute_exists(slackTs)",
        ExpressionAttributeValues=to_item({":digest": digest}),
    )


@storage_call
def posted_message(alert: AlertAddress, target_id: str) -> PostedMessage | None:
    """The target's newest delivered post of the alert, or None while there is none. One Query of
    the target's claims in the alert's partition: a group's message is claimed per signature
    (``<targetId>@<signature>``, §18), an alert's own under the target's id."""
    claim_key = keys.notification_key(*alert, target_id)
    items = query_items(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=to_item({":pk": claim_key.pk, ":prefix": claim_key.sk}),
    )
    posts = [
        values
        for values in items
        if values.get("slackTs") and NotificationClaim.model_validate(values).status == "delivered"
    ]
    if not posts:
        return None
    newest = max(posts, key=lambda values: float(str(values["slackTs"])))
    digest = newest.get("slackDigest")
    claim_id = str(newest["SK"]).removeprefix(keys.NOTIFICATION_PREFIX)
    return PostedMessage(str(newest["slackChannel"]), str(newest["slackTs"]), str(digest) if digest else None, claim_id)
