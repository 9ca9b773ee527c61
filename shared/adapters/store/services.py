"""The service catalog (§17): every service in one partition, so that correlation reads the
whole catalog with one Query (more only past 1 MB), never a Scan."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shared.adapters.store.client import (
    TRANSACTION_LIMIT,
    check_fits,
    dynamodb,
    get_item,
    item_size,
    key,
    query_items,
    storage_call,
    table,
    to_item,
    write_if,
    write_transaction,
)
from shared.domain import keys
from shared.domain.batching import batched
from shared.domain.catalog import Service
from shared.domain.names import service_key

TRANSACTION_ITEMS = 100
"""DynamoDB's most items in one ``TransactWriteItems``."""
IMPORTED_ONLY = "imported = :imported"
"""An import replaces or removes only what an import wrote; a service made by PUT is kept."""


def _key_of(name: str) -> keys.ItemKey:
    return keys.catalog_service_key(service_key(name))


def _item(service: Service) -> dict[str, Any]:
    return {**key(_key_of(service.name)), **to_item(service.model_dump(mode="json"))}


def _query(**pagination: Any) -> Iterator[dict[str, Any]]:
    return query_items(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=to_item({":pk": keys.SERVICES_PK, ":prefix": keys.SERVICE_PREFIX}),
        ConsistentRead=True,
        **pagination,
    )


@storage_call
def put(service: Service) -> None:
    """Writes the service whatever it was before; refused (413) where it would not fit an item."""
    item = _item(service)
    check_fits([item])
    dynamodb().put_item(TableName=table(), Item=item)


@storage_call
def get(name: str) -> Service | None:
    values = get_item(_key_of(name))
    return Service.model_validate(values) if values else None


@storage_call
def delete(name: str) -> bool:
    """False when there was no such service."""
    return write_if(dynamodb().delete_item, Key=key(_key_of(name)), ConditionExpression="attribute_exists(PK)")


@storage_call
def page(start_index: int, max_results: int) -> list[Service]:
    """Services in the order of their names as compared, as ilert's offset paging expects."""
    wanted = start_index + max_results
    items = _query(PaginationConfig={"MaxItems": wanted, "PageSize": wanted})
    return [Service.model_validate(values) for values in items][start_index:]


@storage_call
def all_services() -> list[Service]:
    """The whole catalog: one Query of its partition, page after page past 1 MB."""
    return [Service.model_validate(values) for values in _query()]


@storage_call
def replace_imported(services: list[Service], removed: list[str]) -> None:
    """Writes an import's services and deletes the imported ones it no longer names, in
    transactions of at most 100 items and 4 MB. Each write holds only while the stored service
    is still an imported one (or absent): a PUT in between is never overwritten (409)."""
    operations = [_put_imported(service) for service in services]
    operations.extend(_delete_imported(name) for name in removed)
    sizes = [size for _, size in operations]
    for positions in batched(sizes, TRANSACTION_ITEMS, TRANSACTION_LIMIT):
        write_transaction(
            [operations[position][0] for position in positions],
            busy="the store is busy; part of the import may be written: import again",
            conflict="a service was changed during the import; import again",
        )


def _put_imported(service: Service) -> tuple[dict[str, Any], int]:
    item = _item(service)
    check_fits([item])
    put = {
        "TableName": table(),
        "Item": item,
        "ConditionExpression": f"attribute_not_exists(PK) OR {IMPORTED_ONLY}",
        "ExpressionAttributeValues": to_item({":imported": True}),
    }
    return {"Put": put}, item_size(item)


def _delete_imported(name: str) -> tuple[dict[str, Any], int]:
    item_key = key(_key_of(name))
    delete = {
        "TableName": table(),
        "Key": item_key,
        "ConditionExpression": IMPORTED_ONLY,
        "ExpressionAttributeValues": to_item({":imported": True}),
    }
    return {"Delete": delete}, item_size(item_key)
