"""Alerts, listed (§18): an enrichment and its alert's listing entries, written in one transaction
(re-correlation replaces the entries, never adds to them), and the listings read a page per Query."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.store.client import (
    cancellation_codes,
    check_fits,
    dynamodb,
    from_item,
    is_transaction_cancelled,
    key,
    query_items,
    query_pages,
    storage_call,
    table,
    to_item,
)
from shared.domain import keys
from shared.domain.models.alert_list import AlertListing

VERDICTS = "verdicts"
"""The count of an alert's verdicts, on each of its listing entries (§18)."""
INDEX_KEY = ("PK", "SK", "listPK", "listSK")


@dataclass(frozen=True)
class _Previous:
    correlated_at: str | None
    revision: int
    listed: list[str]


def _previous(partition: str) -> _Previous:
    """The stored enrichment's time and revision, and the alert's listing entries."""
    items = list(
        query_items(
            KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
            ExpressionAttributeValues=to_item({":pk": partition, ":first": "ENRICHMENT", ":last": "LISTED$"}),
            ProjectionExpression="SK, correlatedAt, revision",
            ConsistentRead=True,
        )
    )
    enrichment = next((item for item in items if item["SK"] == "ENRICHMENT"), None)
    listed = [item for item in items if str(item["SK"]).startswith(keys.LISTED_PREFIX)]
    return _Previous(
        correlated_at=str(enrichment["correlatedAt"]) if enrichment else None,
        revision=int(enrichment.get("revision") or 0) if enrichment else 0,
        listed=[str(item["SK"]) for item in listed],
    )


def _entries(
    alert_source_id: str | None, alert_id: str, listing: AlertListing, shared: dict[str, Any]
) -> list[dict[str, Any]]:
    filters = {
        "alertSourceId": listing.alert_source_id,
        "service": listing.service,
        "teamIds": set(listing.team_ids) or None,
    }
    return [
        {
            **key(keys.listed_alert_key(alert_source_id, alert_id, entry.partition)),
            **to_item(
                {
                    "recordType": "listedAlert",
                    "listPK": entry.partition,
                    "listSK": listing.sort_key,
                    "alert": entry.shown,
                    VERDICTS: listing.verdicts,
                    **filters,
                    **shared,
                }
            ),
        }
        for entry in listing.entries
    ]


@storage_call
def put_listed(
    alert_source_id: str | None, alert_id: str, enrichment: dict[str, Any], listing: AlertListing, revision: int
) -> bool:
    """Writes the enrichment item with its alert's listing entries, deleting entries the alert no
    longer has, on condition that the stored enrichment is still the one of ``revision`` (written
    that often) and no later correlation; False otherwise, for the caller to read again. The
    entries show the verdicts the enrichment shows, so a verdict costs no write of its own."""
    partition = keys.alert_partition(alert_source_id, alert_id)
    stamp = str(from_item(enrichment)["correlatedAt"])
    previous = _previous(partition)
    if previous.revision != revision or (previous.correlated_at is not None and previous.correlated_at > stamp):
        return False
    shared = {"expiresAt": from_item(enrichment)["expiresAt"]}
    entries = _entries(alert_source_id, alert_id, listing, shared)
    check_fits([enrichment, *entries])
    kept = {from_item(entry)["SK"] for entry in entries}
    return _transact(enrichment, entries, [sk for sk in previous.listed if sk not in kept], partition, previous)


def _transact(
    enrichment: dict[str, Any], entries: list[dict[str, Any]], stale: list[str], partition: str, previous: _Previous
) -> bool:
    """One transaction, on condition that the enrichment is still the one read; False if it is not."""
    if previous.correlated_at is None:
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
    elif previous.revision:
        condition = {
            "ConditionExpression": "correlatedAt = :read AND revision = :revision",
            "ExpressionAttributeValues": to_item({":read": previous.correlated_at, ":revision": previous.revision}),
        }
    else:
        condition = {
            "ConditionExpression": "correlatedAt = :read AND attribute_not_exists(revision)",
            "ExpressionAttributeValues": to_item({":read": previous.correlated_at}),
        }
    operations = [
        {"Put": {"TableName": table(), "Item": enrichment, **condition}},
        *({"Put": {"TableName": table(), "Item": entry}} for entry in entries),
        *({"Delete": {"TableName": table(), "Key": key(keys.ItemKey(partition, sk))}} for sk in stale),
    ]
    try:
        dynamodb().transact_write_items(TransactItems=operations)
    except ClientError as error:
        if is_transaction_cancelled(error) and cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
            return False
        raise
    return True


@dataclass(frozen=True)
class ListedPage:
    items: list[dict[str, Any]]
    """Each entry's ``alert`` (what it shows, JSON) and ``verdicts``."""
    resume_after: dict[str, str] | None


@storage_call
def query_listed(
    partition: str,
    lower: str,
    upper: str,
    *,
    limit: int,
    resume_after: dict[str, str] | None = None,
    matching: dict[str, str] | None = None,
) -> ListedPage:
    """Up to ``limit`` entries of one listing within [lower, upper], newest first: one Query, more
    only when DynamoDB's 1 MB page or a filter of ``matching`` (attribute: value) leaves it short."""
    values = {":pk": partition, ":lower": lower, ":upper": upper}
    request: dict[str, Any] = {
        "IndexName": keys.LISTING_INDEX,
        "KeyConditionExpression": "listPK = :pk AND listSK BETWEEN :lower AND :upper",
        "ProjectionExpression": f"alert, {VERDICTS}, {', '.join(INDEX_KEY)}",
        "ScanIndexForward": False,
        "PaginationConfig": {"PageSize": limit},
    }
    conditions = []
    for index, (name, wanted) in enumerate((matching or {}).items()):
        values[f":match{index}"] = wanted
        test = "contains({name}, {value})" if name == "teamIds" else "{name} = {value}"
        conditions.append(test.format(name=name, value=f":match{index}"))
    if conditions:
        request["FilterExpression"] = " AND ".join(conditions)
    if resume_after is not None:
        request["ExclusiveStartKey"] = to_item(resume_after)
    return _first(query_pages(ExpressionAttributeValues=to_item(values), **request), limit)


def _first(pages: Iterator[dict[str, Any]], limit: int) -> ListedPage:
    """The first ``limit`` entries; a page cut short resumes after its last entry taken, a page
    taken whole where DynamoDB stopped."""
    found: list[dict[str, Any]] = []
    for page in pages:
        items = [from_item(item) for item in page["Items"]]
        taken = items[: limit - len(found)]
        found.extend(taken)
        if len(found) == limit:
            if len(taken) < len(items):
                return ListedPage(found, {name: str(taken[-1][name]) for name in INDEX_KEY})
            last = page.get("LastEvaluatedKey")
            return ListedPage(found, from_item(last) if last else None)
    return ListedPage(found, None)
