"""What pipelines and alert sources share as stored: a listed record, a copy of it under the
SHA-256 of its integration key (so intake reads one item), and transactions that keep the two
in step, so a rotated or deleted key stops working in the same write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from botocore.exceptions import ClientError
from pydantic import BaseModel

from shared.adapters.store.client import (
    cancelled_for_the_moment,
    dynamodb,
    from_item,
    get_item,
    is_transaction_cancelled,
    key,
    table,
    to_item,
)
from shared.domain import keys
from shared.domain.errors import Busy, Conflict


class KeyedRecord(Protocol):
    id: str
    integration_key_hash: str
    version: int

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


class KeyedKind:
    """Where one kind of keyed record lives: its listed item and its integration-key copy."""

    def __init__(
        self,
        noun: str,
        model: type[BaseModel],
        record_key: Callable[[str], keys.ItemKey],
        key_copy_key: Callable[[str], keys.ItemKey],
        list_partition: str,
        list_prefix: str,
    ) -> None:
        self.noun = noun
        self.model = model
        self.record_key = record_key
        self.key_copy_key = key_copy_key
        self.list_partition = list_partition
        self.list_prefix = list_prefix

    def put_record(self, record: KeyedRecord, condition: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        put: dict[str, Any] = {
            "TableName": table(),
            "Item": {**key(self.record_key(record.id)), **to_item(record.model_dump(mode="json"))},
            "ConditionExpression": condition,
        }
        if values:
            put["ExpressionAttributeValues"] = to_item(values)
        return {"Put": put}

    def put_key_copy(self, record: KeyedRecord, *, new: bool) -> dict[str, Any]:
        put: dict[str, Any] = {
            "TableName": table(),
            "Item": {**key(self.key_copy_key(record.integration_key_hash)), **to_item(record.model_dump(mode="json"))},
        }
        if new:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        return {"Put": put}

    def delete_key_copy(self, integration_key_hash: str) -> dict[str, Any]:
        return {"Delete": {"TableName": table(), "Key": key(self.key_copy_key(integration_key_hash))}}

    def creation(self, record: KeyedRecord) -> list[dict[str, Any]]:
        return [self.put_record(record, "attribute_not_exists(PK)"), self.put_key_copy(record, new=True)]

    def replacement(self, previous: KeyedRecord, record: KeyedRecord) -> list[dict[str, Any]]:
        """A full update or a key rotation; the condition on the version catches a writer in between."""
        operations = [self.put_record(record, "version = :previous", {":previous": previous.version})]
        if previous.integration_key_hash != record.integration_key_hash:
            operations.append(self.delete_key_copy(previous.integration_key_hash))
            operations.append(self.put_key_copy(record, new=True))
        else:
            operations.append(self.put_key_copy(record, new=False))
        return operations

    def deletion(self, record: KeyedRecord) -> list[dict[str, Any]]:
        delete = {
            "TableName": table(),
            "Key": key(self.record_key(record.id)),
            "ConditionExpression": "attribute_exists(PK)",
        }
        return [{"Delete": delete}, self.delete_key_copy(record.integration_key_hash)]

    def write(self, operations: list[dict[str, Any]]) -> None:
        """409 only when one of our conditions failed (someone wrote in between); a throttled or
        conflicting transaction changed nothing and is worth retrying as it is (503)."""
        try:
            dynamodb().transact_write_items(TransactItems=operations)
        except ClientError as error:
            if not is_transaction_cancelled(error):
                raise
            if cancelled_for_the_moment(error):
                raise Busy("the store is busy; nothing was changed, retry") from error
            raise Conflict(f"the {self.noun} was changed at the same time; read it again and retry") from error

    def get(self, record_id: str) -> Any:
        values = get_item(self.record_key(record_id))
        return self.model.model_validate(values) if values else None

    def get_by_key_hash(self, integration_key_hash: str) -> Any:
        """Strongly consistent, so a rotated or deleted key stops working at once."""
        values = get_item(self.key_copy_key(integration_key_hash))
        return self.model.model_validate(values) if values else None

    def page(self, start_index: int, max_results: int) -> list[Any]:
        """Records in creation order (their ids sort by time), as ilert's offset paging expects."""
        wanted = start_index + max_results
        records: list[Any] = []
        request: dict[str, Any] = {
            "TableName": table(),
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": self.list_partition}, ":prefix": {"S": self.list_prefix}},
        }
        while len(records) < wanted:
            response = dynamodb().query(**request, Limit=wanted - len(records))
            records.extend(self.model.model_validate(from_item(item)) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return records[start_index:wanted]
