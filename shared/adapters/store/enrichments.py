"""Enrichments as stored: one item per alert of a source, replaced only by a later correlation
(§6), and for each alert id a pointer to the source whose alert of that id was correlated last (§22)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from shared.adapters.store.alert_list import put_listed
from shared.adapters.store.client import (
    dynamodb,
    expires_at,
    from_item,
    get_item,
    key,
    storage_call,
    table,
    to_item,
    write_if,
)
from shared.domain import keys
from shared.domain.models.alert_list import AlertListing

LATER_OR_NEW = "attribute_not_exists(PK) OR correlatedAt <= :stamp"


@storage_call
def put_enrichment(
    alert_source_id: str | None,
    alert_id: str,
    enrichment_json: str,
    correlated_at: datetime,
    listing: AlertListing,
    revision: int = 0,
    judged: bool = False,
) -> bool:
    """Replaces the alert's enrichment and its listing entries (§18) unless a later correlation is
    already stored or it was written since ``revision`` was read (a verdict applied meanwhile,
    §18: the caller reads the verdicts again), then points the alert id at this source unless another source's alert of
    that id was correlated later. The pointer follows the enrichment, so it never names one that
    is not there; a crash between the two writes is mended by the retried invocation, whose
    enrichment write succeeds again."""
    stamp = correlated_at.isoformat()
    expires = expires_at(correlated_at)
    item = {
        **key(keys.enrichment_key(alert_source_id, alert_id)),
        **to_item(
            {
                "recordType": "enrichment",
                "enrichment": enrichment_json,
                "correlatedAt": stamp,
                "expiresAt": expires,
                "revision": revision + 1,
                "judged": True if judged else None,
            }
        ),
    }
    stored = put_listed(alert_source_id, alert_id, item, listing, revision)
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


class StoredState(NamedTuple):
    """What a write that must not lose a concurrent one conditions on."""

    correlated_at: datetime | None
    """When the stored enrichment was correlated; None when none is stored."""
    revision: int
    """How often the item was written (0 before the first write)."""
    judged: bool
    """Whether a verdict was ever given on the alert (§18): only then are its verdicts read."""


@storage_call
def stored_state(alert_source_id: str | None, alert_id: str) -> StoredState:
    """One GetItem of three attributes."""
    response = dynamodb().get_item(
        TableName=table(),
        Key=key(keys.enrichment_key(alert_source_id, alert_id)),
        ConsistentRead=True,
        ProjectionExpression="correlatedAt, revision, judged",
    )
    values = from_item(response.get("Item") or {})
    stamp = values.get("correlatedAt")
    return StoredState(
        datetime.fromisoformat(str(stamp)) if stamp else None,
        int(values.get("revision") or 0),
        bool(values.get("judged")),
    )


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


def mark_judged(alert_source_id: str | None, alert_id: str) -> dict[str, object]:
    """The transaction item that marks the alert's enrichment as judged and counts a write, so
    that an enrichment stored concurrently, which read no verdict, is written again (§18)."""
    return {
        "Update": {
            "TableName": table(),
            "Key": key(keys.enrichment_key(alert_source_id, alert_id)),
            "UpdateExpression": "SET judged = :judged, revision = if_not_exists(revision, :zero) + :one",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": to_item({":judged": True, ":zero": 0, ":one": 1}),
        }
    }
