"""Enrichments as stored: one item per alert, replaced only by a later correlation (§6)."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store.client import dynamodb, expires_at, get_item, key, storage_call, to_item, write_if
from shared.domain import keys


@storage_call
def put_enrichment(alert_id: str, enrichment_json: str, correlated_at: datetime) -> bool:
    """Replaces the alert's enrichment unless a later correlation is already stored."""
    stamp = correlated_at.isoformat()
    item = {
        **key(keys.enrichment_key(alert_id)),
        **to_item(
            {
                "recordType": "enrichment",
                "enrichment": enrichment_json,
                "correlatedAt": stamp,
                "expiresAt": expires_at(correlated_at),
            }
        ),
    }
    return write_if(
        dynamodb().put_item,
        Item=item,
        ConditionExpression="attribute_not_exists(PK) OR correlatedAt <= :stamp",
        ExpressionAttributeValues=to_item({":stamp": stamp}),
    )


@storage_call
def get_enrichment(alert_id: str) -> str | None:
    values = get_item(keys.enrichment_key(alert_id))
    return str(values["enrichment"]) if values else None
