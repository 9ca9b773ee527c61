"""Alert sources created with a key (SPEC §11): the source and its integration-key copy."""

from __future__ import annotations

from shared.adapters.store.client import storage_call
from shared.adapters.store.keyed import KeyedKind
from shared.domain import keys
from shared.domain.models.alert_sources import AlertSourceRecord

ALERT_SOURCES = KeyedKind(
    "alert source",
    AlertSourceRecord,
    keys.created_alert_source_key,
    keys.alert_source_key_key,
    keys.ALERT_SOURCES_PK,
    keys.ALERT_SOURCE_PREFIX,
)


@storage_call
def create_alert_source(record: AlertSourceRecord) -> None:
    ALERT_SOURCES.write(ALERT_SOURCES.creation(record))


@storage_call
def replace_alert_source(previous: AlertSourceRecord, record: AlertSourceRecord) -> None:
    ALERT_SOURCES.write(ALERT_SOURCES.replacement(previous, record))


@storage_call
def delete_alert_source(record: AlertSourceRecord) -> None:
    ALERT_SOURCES.write(ALERT_SOURCES.deletion(record))


@storage_call
def get_alert_source(alert_source_id: str) -> AlertSourceRecord | None:
    found: AlertSourceRecord | None = ALERT_SOURCES.get(alert_source_id)
    return found


@storage_call
def get_alert_source_by_key_hash(integration_key_hash: str) -> AlertSourceRecord | None:
    found: AlertSourceRecord | None = ALERT_SOURCES.get_by_key_hash(integration_key_hash)
    return found


@storage_call
def list_alert_sources(start_index: int, max_results: int) -> list[AlertSourceRecord]:
    return list(ALERT_SOURCES.page(start_index, max_results))
