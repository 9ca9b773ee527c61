"""Alert sources created with a key (§11): the source and its integration-key copy."""

from __future__ import annotations

from shared.adapters.store.keyed import KeyedKind
from shared.domain import keys
from shared.domain.models.alert_sources import AlertSourceRecord

ALERT_SOURCES = KeyedKind(
    "alert source",
    AlertSourceRecord,
    keys.created_alert_source_key,
    keys.alert_source_key_lookup,
    keys.ALERT_SOURCES_PK,
    keys.ALERT_SOURCE_PREFIX,
)
get_alert_source_by_key_hash = ALERT_SOURCES.get_by_key_hash
"""How intake finds the alert source of a key (§7)."""
