"""The flow pipelines (§2) and alert sources (§11) share: a key issued at creation and
on rotation, full updates that keep an omitted webhook secret and refuse a new type, and the
delivery log of each (§16)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from shared.adapters.store.keyed import KeyedKind
from shared.domain.errors import InvalidField, NotFound
from shared.domain.ids import is_storable_id, new_sortable_id
from shared.domain.models.common import Team
from shared.domain.models.deliveries import DeliveryPage, LogOwner
from shared.domain.models.keyed import IssuedKey, KeyedRecord
from shared.domain.models.sealed import StoredSecret
from shared.logic import delivery_log

RecordT = TypeVar("RecordT", bound="KeyedRecord")


class NewResource(Protocol):
    """What a creation request (POST) of either kind says that both kinds store alike."""

    @property
    def name(self) -> str: ...

    @property
    def integration_type(self) -> StrEnum: ...

    @property
    def teams(self) -> list[Team] | None: ...

    @property
    def webhook_secret(self) -> str | None: ...


class FullUpdate(Protocol):
    """What a full update (PUT) of either kind says about the type and the webhook secret."""

    @property
    def integration_type(self) -> StrEnum | None: ...

    @property
    def webhook_secret(self) -> str | None: ...

    @property
    def model_fields_set(self) -> set[str]: ...


def checked_webhook_secret(previous: KeyedRecord, request: FullUpdate) -> StoredSecret | None:
    """Refuses a change of type; an omitted ``webhookSecret`` is kept, ``null`` or ``""`` removes it."""
    if request.integration_type is not None and request.integration_type is not previous.integration_type:
        raise InvalidField.of("integrationType", "cannot change after creation")
    if "webhook_secret" in request.model_fields_set:
        return request.webhook_secret or None
    return previous.webhook_secret


class KeyedResources(Generic[RecordT]):
    """One kind of keyed resource: where it is stored, the prefix of its keys, whose log it keeps."""

    def __init__(self, store: KeyedKind[RecordT], key_prefix: str, log_owner: LogOwner, missing: str) -> None:
        self.store = store
        self.key_prefix = key_prefix
        self.log_owner = log_owner
        self.missing = missing
        """The 404's message, with ``{id}`` for the id asked for."""

    def issue_key(self) -> IssuedKey:
        return IssuedKey.new(self.key_prefix)

    def find(self, record_id: str) -> RecordT | None:
        """Ids from URLs go into keys: one that cannot be stored cannot exist either."""
        return self.store.get(record_id) if is_storable_id(record_id) else None

    def existing(self, record_id: str) -> RecordT:
        record = self.find(record_id)
        if record is None:
            raise NotFound(self.missing.format(id=repr(record_id)))
        return record

    def find_to_write(self, record_id: str) -> RecordT | None:
        """The record with its webhook secret (sealed, held by its key copy alone), so a write keeps it."""
        record = self.find(record_id)
        return None if record is None else self.store.with_webhook_secret(record)

    def existing_to_write(self, record_id: str) -> RecordT:
        return self.store.with_webhook_secret(self.existing(record_id))

    def create(self, request: NewResource, now: datetime, **specific: Any) -> tuple[RecordT, IssuedKey]:
        """A new record and its key; ``specific`` holds the fields only its kind has."""
        issued = self.issue_key()
        record = self.store.model(
            id=new_sortable_id(),
            name=request.name,
            integration_type=request.integration_type,
            integration_key_hash=issued.key_hash,
            integration_key_hint=issued.key_hint,
            teams=request.teams or [],
            webhook_secret=request.webhook_secret or None,
            created_at=now,
            updated_at=now,
            **specific,
        )
        self.store.create(record)
        return record, issued

    def revise(self, previous: RecordT, changes: dict[str, Any], now: datetime) -> RecordT:
        """Writes the next version; Conflict if someone wrote in between."""
        record = previous.revised(changes, now)
        self.store.replace(previous, record)
        return record

    def rotate_key(self, record_id: str, now: datetime) -> tuple[RecordT, IssuedKey]:
        """The old key stops working in the same transaction that creates the new one."""
        previous = self.existing_to_write(record_id)
        issued = self.issue_key()
        record = previous.with_key(issued, now)
        self.store.replace(previous, record)
        return record, issued

    def page(self, start_index: int, max_results: int) -> list[RecordT]:
        return self.store.page(start_index, max_results)

    def delete(self, record: RecordT) -> None:
        """The key stops working at once; what was received through it stays."""
        self.store.delete(record)

    def deliveries(self, record_id: str, max_results: int, cursor: str | None) -> DeliveryPage:
        """Recent deliveries, newest first (§16); a 404 for an id that was never created."""
        return delivery_log.list_entries(self.log_owner, self.existing(record_id).id, max_results, cursor)
