"""§21's forwards as stored: each change's claim on each forwarder, in the change's own partition.
They are claimed, renewed and settled by the notification claims' writes (``claim_at``,
``renew_at``, ``settle_at``): the same holder and lease, so the same fencing (§22)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.adapters.store.client import query_items, storage_call, to_item
from shared.domain import keys_forwards
from shared.domain.models.notifications import NotificationClaim

ANNOTATION_ID = "annotationId"
"""What a Grafana forward keeps of its answer: the annotation that the ``failed`` tag edits."""


@dataclass(frozen=True)
class StoredForward:
    claim: NotificationClaim
    annotation_id: str | None
    failed_tag: bool = False
    """The claim on the annotation's ``failed`` tag, not on the change's forward."""


def _forward(values: dict[str, object]) -> StoredForward:
    named = {name: value for name, value in values.items() if name not in ("PK", "SK", "expiresAt")}
    annotation = named.get(ANNOTATION_ID)
    failed_tag = str(values["SK"]).endswith(keys_forwards.FAILED_SUFFIX)
    return StoredForward(NotificationClaim.model_validate(named), str(annotation) if annotation else None, failed_tag)


@storage_call
def forwards_of(event_id: str) -> list[StoredForward]:
    """A change's forwards and their ``failed`` tags: one Query of its partition."""
    items = query_items(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=to_item(
            {":pk": keys_forwards.change_partition(event_id), ":prefix": keys_forwards.FORWARD_PREFIX}
        ),
    )
    return [_forward(item) for item in items]
