"""The registry: teams of alert sources and escalation policies that alerts name by id (§4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.adapters.store.client import batch_get, dynamodb, key, storage_call, table, to_item, write_if
from shared.domain import keys


def _registered_key(kind: str, resource_id: str) -> keys.ItemKey:
    return keys.alert_source_key(resource_id) if kind == "alert-source" else keys.escalation_policy_key(resource_id)


@storage_call
def put_registered(kind: str, resource_id: str, values: dict[str, Any]) -> None:
    item = {**key(_registered_key(kind, resource_id)), **to_item({"recordType": kind, **values})}
    dynamodb().put_item(TableName=table(), Item=item)


@storage_call
def get_registered_many(wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Registered resources by (kind, id), in one BatchGetItem."""
    by_key = {_registered_key(kind, resource_id): (kind, resource_id) for kind, resource_id in wanted}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for values in batch_get(list(by_key)) if by_key else []:
        found[by_key[keys.ItemKey(values.pop("PK"), values.pop("SK"))]] = values
    return found


@storage_call
def delete_registered(kind: str, resource_id: str) -> bool:
    return write_if(
        dynamodb().delete_item, Key=key(_registered_key(kind, resource_id)), ConditionExpression="attribute_exists(PK)"
    )
