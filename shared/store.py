"""The data-access layer: the only module that talks to DynamoDB.

Every write that touches more than one item is one ``TransactWriteItems``, so a reader never sees
half of a change: an event is in its account partition exactly when it is in its team partitions.
Request paths use GetItem, BatchGetItem and Query only, never Scan.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from shared import keys
from shared.errors import Busy, Conflict
from shared.models.events import DeploymentEvent, Revision
from shared.models.pipelines import PipelineRecord
from shared.settings import store_settings

if TYPE_CHECKING:
    from botocore.client import BaseClient

_RETRIES = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)
_UNAVAILABLE = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionInProgressException",
    }
)
"""Errors that mean "not now" rather than "never": the caller answers 503 and the sender retries."""
Params = ParamSpec("Params")
Returned = TypeVar("Returned")
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


@cache
def dynamodb() -> BaseClient:
    """One client per container; botocore's standard retry mode absorbs throttling."""
    return boto3.client("dynamodb", config=_RETRIES)


class WriteConflict(Exception):
    """Another transaction touched the same item at the same moment; reading again and retrying settles it."""


def storage_call(function: Callable[Params, Returned]) -> Callable[Params, Returned]:
    """DynamoDB being throttled or down, after botocore's retries, becomes a retryable ``Busy``."""

    @wraps(function)
    def call(*args: Params.args, **kwargs: Params.kwargs) -> Returned:
        try:
            return function(*args, **kwargs)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            reasons = set(_cancellation_codes(error)) if code == "TransactionCanceledException" else set()
            if code in _UNAVAILABLE or reasons & {"ThrottlingError", "ProvisionedThroughputExceeded"}:
                raise Busy("the store is busy or unavailable; nothing was stored, retry") from error
            raise
        except BotoCoreError as error:
            raise Busy("the store could not be reached; nothing was stored, retry") from error

    return call


def reset_client() -> None:
    """Tests and the local runner start a new emulated AWS; the next call makes a new client."""
    dynamodb.cache_clear()


def _table() -> str:
    return store_settings().table_name


def _expires_at(moment: datetime) -> int:
    return int((moment + timedelta(days=store_settings().retention_days)).timestamp())


def _to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def _from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _key(key: keys.ItemKey) -> dict[str, Any]:
    return key.as_dynamodb()


def _cancellation_codes(error: ClientError) -> list[str]:
    return [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]


def _is_transaction_cancelled(error: ClientError) -> bool:
    return bool(error.response.get("Error", {}).get("Code") == "TransactionCanceledException")


# --- pipelines -------------------------------------------------------------------------------


def _pipeline_values(record: PipelineRecord) -> dict[str, Any]:
    return record.model_dump(mode="json")


def _record_from(item: dict[str, Any]) -> PipelineRecord:
    return PipelineRecord.model_validate(_from_item(item))


def _put_pipeline(record: PipelineRecord, condition: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
    put: dict[str, Any] = {
        "TableName": _table(),
        "Item": {**_key(keys.pipeline_key(record.id)), **_to_item(_pipeline_values(record))},
        "ConditionExpression": condition,
    }
    if values:
        put["ExpressionAttributeValues"] = _to_item(values)
    return {"Put": put}


def _put_key_snapshot(record: PipelineRecord, *, new: bool) -> dict[str, Any]:
    """The integration-key item holds a copy of the pipeline, so ingest reads one item."""
    put: dict[str, Any] = {
        "TableName": _table(),
        "Item": {**_key(keys.integration_key_key(record.integration_key_hash)), **_to_item(_pipeline_values(record))},
    }
    if new:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    return {"Put": put}


def _delete_key_snapshot(integration_key_hash: str) -> dict[str, Any]:
    return {"Delete": {"TableName": _table(), "Key": _key(keys.integration_key_key(integration_key_hash))}}


def _team_ownership(team_id: str, pipeline_id: str, action: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": _table(),
            "Key": _key(keys.team_pipelines_key(team_id)),
            "UpdateExpression": f"{action} pipelineIds :pipeline",
            "ExpressionAttributeValues": {":pipeline": {"SS": [pipeline_id]}},
        }
    }


def _write_pipeline_transaction(operations: list[dict[str, Any]]) -> None:
    try:
        dynamodb().transact_write_items(TransactItems=operations)
    except ClientError as error:
        if _is_transaction_cancelled(error):
            raise Conflict("the pipeline was changed at the same time; read it again and retry") from error
        raise


@storage_call
def create_pipeline(record: PipelineRecord) -> None:
    operations = [
        _put_pipeline(record, "attribute_not_exists(PK)"),
        _put_key_snapshot(record, new=True),
        *(_team_ownership(team_id, record.id, "ADD") for team_id in record.team_ids),
    ]
    _write_pipeline_transaction(operations)


@storage_call
def replace_pipeline(previous: PipelineRecord, record: PipelineRecord) -> None:
    """Writes a full update or a key rotation; fails with Conflict if someone wrote in between."""
    operations = [
        _put_pipeline(record, "version = :previous", {":previous": previous.version}),
    ]
    if previous.integration_key_hash != record.integration_key_hash:
        operations.append(_delete_key_snapshot(previous.integration_key_hash))
        operations.append(_put_key_snapshot(record, new=True))
    else:
        operations.append(_put_key_snapshot(record, new=False))
    removed = [team for team in previous.team_ids if team not in record.team_ids]
    added = [team for team in record.team_ids if team not in previous.team_ids]
    operations.extend(_team_ownership(team_id, record.id, "DELETE") for team_id in removed)
    operations.extend(_team_ownership(team_id, record.id, "ADD") for team_id in added)
    _write_pipeline_transaction(operations)


@storage_call
def delete_pipeline(record: PipelineRecord) -> None:
    operations = [
        {
            "Delete": {
                "TableName": _table(),
                "Key": _key(keys.pipeline_key(record.id)),
                "ConditionExpression": "attribute_exists(PK)",
            }
        },
        _delete_key_snapshot(record.integration_key_hash),
        *(_team_ownership(team_id, record.id, "DELETE") for team_id in record.team_ids),
    ]
    _write_pipeline_transaction(operations)


@storage_call
def get_pipeline(pipeline_id: str) -> PipelineRecord | None:
    response = dynamodb().get_item(TableName=_table(), Key=_key(keys.pipeline_key(pipeline_id)), ConsistentRead=True)
    item = response.get("Item")
    return _record_from(item) if item else None


@storage_call
def get_pipeline_by_key_hash(integration_key_hash: str) -> PipelineRecord | None:
    """Strongly consistent, so a rotated or deleted key stops working at once."""
    response = dynamodb().get_item(
        TableName=_table(), Key=_key(keys.integration_key_key(integration_key_hash)), ConsistentRead=True
    )
    item = response.get("Item")
    return _record_from(item) if item else None


@storage_call
def list_pipelines(start_index: int, max_results: int) -> list[PipelineRecord]:
    """Pipelines in creation order (their ids sort by time), as ilert's offset paging expects."""
    wanted = start_index + max_results
    records: list[PipelineRecord] = []
    request: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": keys.PIPELINES_PK}, ":prefix": {"S": keys.PIPELINE_PREFIX}},
    }
    while len(records) < wanted:
        response = dynamodb().query(**request, Limit=wanted - len(records))
        records.extend(_record_from(item) for item in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            break
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return records[start_index:wanted]


@storage_call
def owning_teams(team_ids: Sequence[str]) -> set[str]:
    """Which of these teams own at least one pipeline: one BatchGetItem, not a query per team."""
    unique_ids = list(dict.fromkeys(team_ids))
    owners: set[str] = set()
    for start in range(0, len(unique_ids), 100):
        pending: dict[str, Any] = {
            _table(): {
                "Keys": [_key(keys.team_pipelines_key(team_id)) for team_id in unique_ids[start : start + 100]],
                "ProjectionExpression": "PK, pipelineIds",
                "ConsistentRead": True,
            }
        }
        while pending:
            response = dynamodb().batch_get_item(RequestItems=pending)
            for item in response.get("Responses", {}).get(_table(), []):
                if item.get("pipelineIds", {}).get("SS"):
                    owners.add(item["PK"]["S"].removeprefix("TEAM_PIPELINES#"))
            pending = response.get("UnprocessedKeys") or {}
    return owners


# --- deployment events -----------------------------------------------------------------------


@dataclass(frozen=True)
class StoredEvent:
    event: DeploymentEvent
    revision: Revision | None


def _event_json(event: DeploymentEvent) -> str:
    """Compact UTF-8; escaped ASCII only when a sender smuggled in a lone surrogate."""
    values = event.to_json_dict()
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(values, separators=(",", ":"))
    return text


def _event_values(event: DeploymentEvent) -> dict[str, Any]:
    return {
        "event": _event_json(event),
        "pipelineId": event.pipeline_id,
        "expiresAt": _expires_at(event.timestamp),
    }


def event_items(event: DeploymentEvent, revision: Revision | None) -> list[dict[str, Any]]:
    """The items one event is stored as: its own, then its account and team bucket copies."""
    shared_values = _event_values(event)
    canonical: dict[str, Any] = {"recordType": "event", **shared_values}
    if revision is not None:
        canonical.update(
            revisionAt=revision.at.isoformat(),
            revisionTiebreak=revision.tiebreak,
            revisionIdentity=revision.identity,
        )
    copy = _to_item({"recordType": "timeline", **shared_values})
    return [
        {**_key(keys.event_key(event.id)), **_to_item(canonical)},
        *({**_key(key), **copy} for key in keys.timeline_keys(event.timestamp, event.id, event.teams)),
    ]


@storage_call
def insert_event(event: DeploymentEvent, revision: Revision | None) -> bool:
    """Writes a new event and all its timeline copies at once; False if its id is already stored."""
    canonical, *copies = event_items(event, revision)
    operations = [
        {"Put": {"TableName": _table(), "Item": canonical, "ConditionExpression": "attribute_not_exists(PK)"}},
        *({"Put": {"TableName": _table(), "Item": item}} for item in copies),
    ]
    return _transact_event(operations)


@storage_call
def replace_event(previous: StoredEvent, event: DeploymentEvent, revision: Revision) -> bool:
    """Moves an event to its newer state; False if another writer changed it since it was read."""
    previous_keys = set(keys.timeline_keys(previous.event.timestamp, previous.event.id, previous.event.teams))
    current_keys = set(keys.timeline_keys(event.timestamp, event.id, event.teams))
    expected = previous.revision.identity if previous.revision else ""
    canonical, *copies = event_items(event, revision)
    operations: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": _table(),
                "Item": canonical,
                "ConditionExpression": "revisionIdentity = :expected",
                "ExpressionAttributeValues": {":expected": {"S": expected}},
            }
        },
        *({"Delete": {"TableName": _table(), "Key": _key(key)}} for key in previous_keys - current_keys),
        *({"Put": {"TableName": _table(), "Item": item}} for item in copies),
    ]
    return _transact_event(operations)


def _transact_event(operations: list[dict[str, Any]]) -> bool:
    """True when written, False when the condition on the canonical item failed."""
    try:
        dynamodb().transact_write_items(TransactItems=operations)
    except ClientError as error:
        if not _is_transaction_cancelled(error):
            raise
        codes = _cancellation_codes(error)
        if codes[:1] == ["ConditionalCheckFailed"]:
            return False
        if "TransactionConflict" in codes:
            raise WriteConflict from error
        raise
    return True


@storage_call
def get_event(event_id: str) -> StoredEvent | None:
    response = dynamodb().get_item(TableName=_table(), Key=_key(keys.event_key(event_id)), ConsistentRead=True)
    item = response.get("Item")
    if not item:
        return None
    values = _from_item(item)
    event = DeploymentEvent.model_validate(json.loads(values["event"]))
    revision = None
    if "revisionIdentity" in values:
        revision = Revision(
            at=datetime.fromisoformat(values["revisionAt"]),
            tiebreak=values["revisionTiebreak"],
            identity=values["revisionIdentity"],
        )
    return StoredEvent(event, revision)


@dataclass(frozen=True)
class TimelinePage:
    events: list[DeploymentEvent]
    last_sort_key: str | None
    """Where to resume within the same partition, or None when the partition is exhausted."""


@storage_call
def query_timeline(
    partition_key: str,
    start: datetime,
    end: datetime,
    *,
    limit: int | None = None,
    after_sort_key: str | None = None,
    pipeline_ids: Iterable[str] = (),
) -> TimelinePage:
    """Events of one bucket partition timed within [start, end], newest first."""
    lower, upper = keys.sort_key_range(start, end)
    request: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "PK = :pk AND SK BETWEEN :lower AND :upper",
        "ExpressionAttributeValues": {":pk": {"S": partition_key}, ":lower": {"S": lower}, ":upper": {"S": upper}},
        "ProjectionExpression": "SK, #event",
        "ExpressionAttributeNames": {"#event": "event"},
        "ScanIndexForward": False,
    }
    wanted_pipelines = list(pipeline_ids)
    if wanted_pipelines:
        placeholders = {f":pipeline{index}": {"S": value} for index, value in enumerate(wanted_pipelines)}
        request["FilterExpression"] = f"pipelineId IN ({', '.join(placeholders)})"
        request["ExpressionAttributeValues"].update(placeholders)
    if limit is not None:
        request["Limit"] = limit
    if after_sort_key is not None:
        request["ExclusiveStartKey"] = {"PK": {"S": partition_key}, "SK": {"S": after_sort_key}}
    response = dynamodb().query(**request)
    events = [DeploymentEvent.model_validate(json.loads(item["event"]["S"])) for item in response.get("Items", [])]
    last_key = response.get("LastEvaluatedKey")
    return TimelinePage(events=events, last_sort_key=last_key["SK"]["S"] if last_key else None)


@storage_call
def query_window(partition_key: str, start: datetime, end: datetime) -> list[DeploymentEvent]:
    """Every event of one bucket partition within [start, end], following DynamoDB's pages."""
    events: list[DeploymentEvent] = []
    after: str | None = None
    while True:
        page = query_timeline(partition_key, start, end, after_sort_key=after)
        events.extend(page.events)
        after = page.last_sort_key
        if after is None:
            return events


# --- alert resources registry ------------------------------------------------------------------


def _registered_key(kind: str, resource_id: str) -> keys.ItemKey:
    return keys.alert_source_key(resource_id) if kind == "alert-source" else keys.escalation_policy_key(resource_id)


@storage_call
def put_registered(kind: str, resource_id: str, values: dict[str, Any]) -> None:
    item = {**_key(_registered_key(kind, resource_id)), **_to_item({"recordType": kind, **values})}
    dynamodb().put_item(TableName=_table(), Item=item)


@storage_call
def get_registered_many(wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Registered resources by (kind, id), in one BatchGetItem."""
    if not wanted:
        return {}
    by_key = {_registered_key(kind, resource_id): (kind, resource_id) for kind, resource_id in wanted}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    pending: dict[str, Any] = {_table(): {"Keys": [_key(key) for key in by_key], "ConsistentRead": True}}
    while pending:
        response = dynamodb().batch_get_item(RequestItems=pending)
        for item in response.get("Responses", {}).get(_table(), []):
            values = _from_item(item)
            found[by_key[keys.ItemKey(values.pop("PK"), values.pop("SK"))]] = values
        pending = response.get("UnprocessedKeys") or {}
    return found


def _conditionally(operation: Callable[..., Any], **request: Any) -> bool:
    """Runs a conditional single-item write; False when its condition did not hold."""
    try:
        operation(TableName=_table(), **request)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


@storage_call
def delete_registered(kind: str, resource_id: str) -> bool:
    return _conditionally(
        dynamodb().delete_item, Key=_key(_registered_key(kind, resource_id)), ConditionExpression="attribute_exists(PK)"
    )


# --- enrichments -------------------------------------------------------------------------------


@storage_call
def put_enrichment(alert_id: str, enrichment_json: str, correlated_at: datetime) -> bool:
    """Replaces the alert's enrichment unless a later correlation is already stored."""
    stamp = correlated_at.isoformat()
    item = {
        **_key(keys.enrichment_key(alert_id)),
        **_to_item(
            {
                "recordType": "enrichment",
                "enrichment": enrichment_json,
                "correlatedAt": stamp,
                "expiresAt": _expires_at(correlated_at),
            }
        ),
    }
    return _conditionally(
        dynamodb().put_item,
        Item=item,
        ConditionExpression="attribute_not_exists(PK) OR correlatedAt <= :stamp",
        ExpressionAttributeValues={":stamp": {"S": stamp}},
    )


@storage_call
def get_enrichment(alert_id: str) -> str | None:
    response = dynamodb().get_item(TableName=_table(), Key=_key(keys.enrichment_key(alert_id)), ConsistentRead=True)
    item = response.get("Item")
    return str(item["enrichment"]["S"]) if item else None
