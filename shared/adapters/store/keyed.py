"""What pipelines and alert sources share as stored: a listed record, a copy of it under the
SHA-256 of its integration key (so intake reads one item), and transactions that keep the two
in step, so a rotated or deleted key stops working in the same write.

Secrets are sealed as they are written and stored once (§22): the webhook secret in the key
copy alone (intake's one read), secrets that only notify uses in the listed record alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from shared.adapters import envelope
from shared.adapters.store.client import (
    get_item,
    key,
    query_items,
    storage_call,
    table,
    to_item,
    write_transaction,
)
from shared.domain import keys
from shared.domain.models.keyed import KeyedRecord

RecordT = TypeVar("RecordT", bound="KeyedRecord")
TeamIndexUpdate = Callable[[str, str, str], dict[str, Any]]
"""One transaction item of an index of the teams' records: (team id, record id, ``ADD`` or ``DELETE``)."""


class KeyedKind(Generic[RecordT]):
    """Where one kind of keyed record lives: its listed item, its integration-key copy and, for a
    kind whose teams are looked up the other way round, an index of them written in the same
    transaction."""

    def __init__(
        self,
        noun: str,
        model: type[RecordT],
        record_key: Callable[[str], keys.ItemKey],
        key_lookup: Callable[[str], keys.ItemKey],
        list_partition: str,
        list_prefix: str,
        team_index: TeamIndexUpdate | None = None,
    ) -> None:
        self.noun = noun
        self.model = model
        self.record_key = record_key
        self.key_lookup = key_lookup
        self.list_partition = list_partition
        self.list_prefix = list_prefix
        self.team_index = team_index

    @storage_call
    def create(self, record: RecordT) -> None:
        record = record.sealed_with(envelope.seal)
        self._write(
            [
                self._put_record(record, "attribute_not_exists(PK)"),
                self._put_key_copy(record, new=True),
                *self._team_changes(record.id, [], record.team_ids),
            ]
        )

    @storage_call
    def replace(self, previous: RecordT, record: RecordT) -> None:
        """A full update or a key rotation; the condition on the version catches a writer in between."""
        record = record.sealed_with(envelope.seal)
        operations = [self._put_record(record, "version = :previous", {":previous": previous.version})]
        if previous.integration_key_hash != record.integration_key_hash:
            operations.append(self._delete_key_copy(previous.integration_key_hash))
            operations.append(self._put_key_copy(record, new=True))
        else:
            operations.append(self._put_key_copy(record, new=False))
        self._write([*operations, *self._team_changes(record.id, previous.team_ids, record.team_ids)])

    @storage_call
    def delete(self, record: RecordT) -> None:
        delete = {
            "TableName": table(),
            "Key": key(self.record_key(record.id)),
            "ConditionExpression": "attribute_exists(PK)",
        }
        self._write(
            [
                {"Delete": delete},
                self._delete_key_copy(record.integration_key_hash),
                *self._team_changes(record.id, record.team_ids, []),
            ]
        )

    @storage_call
    def get(self, record_id: str) -> RecordT | None:
        values = get_item(self.record_key(record_id))
        return self.model.model_validate(values) if values else None

    @storage_call
    def with_webhook_secret(self, record: RecordT) -> RecordT:
        """A listed record with the webhook secret its key copy holds, for a write that keeps it:
        one more read, only when a secret is set."""
        if record.webhook_secret is not None or not record.webhook_secret_set:
            return record
        key_copy = get_item(self.key_lookup(record.integration_key_hash))
        held = self.model.model_validate(key_copy).webhook_secret if key_copy else None
        return record.model_copy(update={"webhook_secret": held})

    @storage_call
    def get_by_key_hash(self, integration_key_hash: str) -> RecordT | None:
        """Strongly consistent, so a rotated or deleted key stops working at once."""
        values = get_item(self.key_lookup(integration_key_hash))
        return self.model.model_validate(values) if values else None

    @storage_call
    def page(self, start_index: int, max_results: int) -> list[RecordT]:
        """Records in creation order (their ids sort by time), as ilert's offset paging expects."""
        wanted = start_index + max_results
        items = query_items(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues=to_item({":pk": self.list_partition, ":prefix": self.list_prefix}),
            PaginationConfig={"MaxItems": wanted, "PageSize": wanted},
        )
        return [self.model.model_validate(values) for values in items][start_index:]

    def _put_record(self, record: RecordT, condition: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        put: dict[str, Any] = {
            "TableName": table(),
            "Item": {
                **key(self.record_key(record.id)),
                **to_item(record.model_dump(mode="json", exclude={"webhook_secret"})),
            },
            "ConditionExpression": condition,
        }
        if values:
            put["ExpressionAttributeValues"] = to_item(values)
        return {"Put": put}

    def _put_key_copy(self, record: RecordT, *, new: bool) -> dict[str, Any]:
        put: dict[str, Any] = {
            "TableName": table(),
            "Item": {
                **key(self.key_lookup(record.integration_key_hash)),
                **to_item(record.model_dump(mode="json", exclude=set(record.listed_only))),
            },
        }
        if new:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        return {"Put": put}

    def _delete_key_copy(self, integration_key_hash: str) -> dict[str, Any]:
        return {"Delete": {"TableName": table(), "Key": key(self.key_lookup(integration_key_hash))}}

    def _team_changes(self, record_id: str, before: list[str], after: list[str]) -> list[dict[str, Any]]:
        if self.team_index is None:
            return []
        removed = [self.team_index(team, record_id, "DELETE") for team in before if team not in after]
        return removed + [self.team_index(team, record_id, "ADD") for team in after if team not in before]

    def _write(self, operations: list[dict[str, Any]]) -> None:
        write_transaction(
            operations,
            busy="the store is busy; nothing was changed, retry",
            conflict=f"the {self.noun} was changed at the same time; read it again and retry",
        )
