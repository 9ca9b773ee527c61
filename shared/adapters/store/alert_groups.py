"""Alert groups as stored (§18): one item per group of a source, replaced only by a writer that
read its current version, so two enrichments of one group arriving together cannot both believe
they changed it (each re-reads and merges again)."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store.client import dynamodb, expires_at, get_item, storage_call, to_item, write_if
from shared.domain import keys
from shared.domain.storm import GroupState


@storage_call
def load(alert_source_id: str | None, group_key: str) -> GroupState:
    """The group as it stands (one consistent GetItem); a group never seen is empty, version 0."""
    stored = get_item(keys.alert_group_key(alert_source_id, group_key))
    return GroupState.from_stored(stored) if stored else GroupState()


@storage_call
def replace_if_current(alert_source_id: str | None, group_key: str, state: GroupState, now: datetime) -> bool:
    """Writes ``state`` as the next version; False, writing nothing, when the group changed since
    ``state.version`` was read."""
    item_key = keys.alert_group_key(alert_source_id, group_key)
    values = {**state.to_stored(), "version": state.version + 1}
    return write_if(
        dynamodb().put_item,
        Item=to_item({"PK": item_key.pk, "SK": item_key.sk, **values, "expiresAt": expires_at(now)}),
        ConditionExpression="attribute_not_exists(PK) OR version = :read",
        ExpressionAttributeValues=to_item({":read": state.version}),
    )
