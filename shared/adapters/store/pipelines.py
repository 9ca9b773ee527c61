"""Deployment pipelines as stored: the pipeline, its integration-key snapshot and team ownership,
always changed together in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.store.client import (
    batch_get,
    cancelled_for_the_moment,
    dynamodb,
    from_item,
    get_item,
    is_transaction_cancelled,
    key,
    storage_call,
    table,
    to_item,
)
from shared.domain import keys
from shared.domain.errors import Busy, Conflict
from shared.domain.models.pipelines import PipelineRecord


def _record_from(values: dict[str, Any]) -> PipelineRecord:
    return PipelineRecord.model_validate(values)


def _put_pipeline(record: PipelineRecord, condition: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
    put: dict[str, Any] = {
        "TableName": table(),
        "Item": {**key(keys.pipeline_key(record.id)), **to_item(record.model_dump(mode="json"))},
        "ConditionExpression": condition,
    }
    if values:
        put["ExpressionAttributeValues"] = to_item(values)
    return {"Put": put}


def _put_key_snapshot(record: PipelineRecord, *, new: bool) -> dict[str, Any]:
    """The integration-key item holds a copy of the pipeline, so ingest reads one item."""
    put: dict[str, Any] = {
        "TableName": table(),
        "Item": {
            **key(keys.integration_key_key(record.integration_key_hash)),
            **to_item(record.model_dump(mode="json")),
        },
    }
    if new:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    return {"Put": put}


def _delete_key_snapshot(integration_key_hash: str) -> dict[str, Any]:
    return {"Delete": {"TableName": table(), "Key": key(keys.integration_key_key(integration_key_hash))}}


def _team_ownership(team_id: str, pipeline_id: str, action: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table(),
            "Key": key(keys.team_pipelines_key(team_id)),
            "UpdateExpression": f"{action} pipelineIds :pipeline",
            "ExpressionAttributeValues": {":pipeline": {"SS": [pipeline_id]}},
        }
    }


def _write_transaction(operations: list[dict[str, Any]]) -> None:
    """409 only when one of our conditions failed (someone wrote in between); a throttled or
    conflicting transaction changed nothing and is worth retrying as it is (503)."""
    try:
        dynamodb().transact_write_items(TransactItems=operations)
    except ClientError as error:
        if not is_transaction_cancelled(error):
            raise
        if cancelled_for_the_moment(error):
            raise Busy("the store is busy; nothing was changed, retry") from error
        raise Conflict("the pipeline was changed at the same time; read it again and retry") from error


@storage_call
def create_pipeline(record: PipelineRecord) -> None:
    operations = [
        _put_pipeline(record, "attribute_not_exists(PK)"),
        _put_key_snapshot(record, new=True),
        *(_team_ownership(team_id, record.id, "ADD") for team_id in record.team_ids),
    ]
    _write_transaction(operations)


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
    _write_transaction(operations)


@storage_call
def delete_pipeline(record: PipelineRecord) -> None:
    operations = [
        {
            "Delete": {
                "TableName": table(),
                "Key": key(keys.pipeline_key(record.id)),
                "ConditionExpression": "attribute_exists(PK)",
            }
        },
        _delete_key_snapshot(record.integration_key_hash),
        *(_team_ownership(team_id, record.id, "DELETE") for team_id in record.team_ids),
    ]
    _write_transaction(operations)


@storage_call
def get_pipeline(pipeline_id: str) -> PipelineRecord | None:
    values = get_item(keys.pipeline_key(pipeline_id))
    return _record_from(values) if values else None


@storage_call
def get_pipeline_by_key_hash(integration_key_hash: str) -> PipelineRecord | None:
    """Strongly consistent, so a rotated or deleted key stops working at once."""
    values = get_item(keys.integration_key_key(integration_key_hash))
    return _record_from(values) if values else None


@storage_call
def list_pipelines(start_index: int, max_results: int) -> list[PipelineRecord]:
    """Pipelines in creation order (their ids sort by time), as ilert's offset paging expects."""
    wanted = start_index + max_results
    records: list[PipelineRecord] = []
    request: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": keys.PIPELINES_PK}, ":prefix": {"S": keys.PIPELINE_PREFIX}},
    }
    while len(records) < wanted:
        response = dynamodb().query(**request, Limit=wanted - len(records))
        records.extend(_record_from(from_item(item)) for item in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            break
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return records[start_index:wanted]


@storage_call
def owning_teams(team_ids: Sequence[str]) -> set[str]:
    """Which of these teams own at least one pipeline: one BatchGetItem, not a query per team."""
    found = batch_get([keys.team_pipelines_key(team_id) for team_id in team_ids], projection="PK, pipelineIds")
    return {keys.team_of_pipelines_pk(values["PK"]) for values in found if values.get("pipelineIds")}
