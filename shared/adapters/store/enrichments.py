"""Enrichments as stored: one item per alert of a source, replaced only by a later correlation
(§6) together with the alert's listing entries (§18), and for each alert id a pointer to the
source whose alert of that id was correlated last (§22)."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store.alert_list import put_listed
from shared.adapters.store.client import dynamodb, expires_at, get_item, key, storage_call, to_item, write_if
from shared.domain import keys
from shared.domain.models.alert_list import AlertListing

LATER_OR_NEW = "attribute_not_exists(PK) OR correlatedAt <= :stamp"


@storage_call
def put_enrichment(
    alert_source_id: str | None, alert_id: str, enrichment_json: str, correlated_at: datetime, listing: AlertListing
) -> bool:
    """Replaces the alert's enrichment and listing entries unless a later correlation is already
    stored, then points
    the alert id at this source unless another source's alert of that id was correlated later.
    The pointer follows the enrichment, so it never names one that is not there; a crash between
    the two writes is mended by the retried invocation, whose enrichment write succeeds again."""
    stamp = correlated_at.isoformat()
    expires = expires_at(correlated_at)
    item = {
        **key(keys.enrichment_key(alert_source_id, alert_id)),
        **to_item(
            {"recordType": "enrichment", "enrichment": enrichment_json, "correlatedAt": stamp, "expiresAt": expires}
        ),
    }
    stored = put_listed(alert_source_id, alert_id, item, listing)
    if stored:
        pointer = {
            **key(keys.latest_alert_key(alert_id)),
            **to_item(
                {
                    "recordType": "latestAlert",
                    "alertSourceId": alert_source_id,
                    "correlatedAt": stamp,
                    "expiresAt": expires,
                }
            ),
        }
        write_if(
            dynamodb().put_item,
            Item=pointer,
            ConditionExpression=LATER_OR_NEW,
            ExpressionAttributeValues=to_item({":stamp": stamp}),
        )
    return stored


@storage_call
def get_enrichment(alert_source_id: str | None, alert_id: str) -> str | None:
    values = get_item(keys.enrichment_key(alert_source_id, alert_id))
    return str(values["enrichment"]) if values else None


@storage_call
def latest_source(alert_id: str) -> tuple[bool, str | None]:
    """Whether an alert of this id was correlated, and the source of the one correlated last
    (None: it named no source). One GetItem."""
    values = get_item(keys.latest_alert_key(alert_id))
    if values is None:
        return False, None
    source = values.get("alertSourceId")
    return True, str(source) if source else None
