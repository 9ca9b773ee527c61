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
ANNOTATION_TIME = "annotationTime"
"""When the annotation starts (epoch ms): a later state's time makes it a region from there."""


@dataclass(frozen=True)
class StoredForward:
    claim: NotificationClaim
    annotation_id: str | None
    annotation_time: int | None = None
    edit: bool = False
    """A claim on an edit of the annotation (``failed_tag``, or its end), not on the change's forward."""
    failed_tag: bool = False


def _forward(values: dict[str, object]) -> StoredForward:
    named = {name: value for name, value in values.items() if name not in ("PK", "SK", "expiresAt")}
    annotation = named.get(ANNOTATION_ID)
    sort_key = str(values["SK"])
    failed_tag = sort_key.endswith(keys_forwards.FAILED_SUFFIX)
    edit = failed_tag or keys_forwards.END_MARK in sort_key
    started = named.get(ANNOTATION_TIME)
    return StoredForward(
        NotificationClaim.model_validate(named),
        str(annotation) if annotation else None,
        int(str(started)) if started else None,
        edit,
        failed_tag,
    )


@storage_call
def forwards_of(event_id: str) -> list[StoredForward]:
    """A change's forwards and the edits of its annotations: one Query of its partition."""
    items = query_items(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=to_item(
            {":pk": keys_forwards.change_partition(event_id), ":prefix": keys_forwards.FORWARD_PREFIX}
        ),
    )
    return [_forward(item) for item in items]
