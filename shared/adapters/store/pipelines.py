"""Deployment pipelines as stored: the pipeline, its integration-key copy and team ownership,
always changed together in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from shared.adapters.store.client import batch_get, key, storage_call, table
from shared.adapters.store.keyed import KeyedKind
from shared.domain import keys
from shared.domain.models.pipelines import PipelineRecord

PIPELINES = KeyedKind(
    "pipeline", PipelineRecord, keys.pipeline_key, keys.integration_key_key, keys.PIPELINES_PK, keys.PIPELINE_PREFIX
)


def _team_ownership(team_id: str, pipeline_id: str, action: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table(),
            "Key": key(keys.team_pipelines_key(team_id)),
            "UpdateExpression": f"{action} pipelineIds :pipeline",
            "ExpressionAttributeValues": {":pipeline": {"SS": [pipeline_id]}},
        }
    }


@storage_call
def create_pipeline(record: PipelineRecord) -> None:
    owned = [_team_ownership(team_id, record.id, "ADD") for team_id in record.team_ids]
    PIPELINES.write([*PIPELINES.creation(record), *owned])


@storage_call
def replace_pipeline(previous: PipelineRecord, record: PipelineRecord) -> None:
    """Writes a full update or a key rotation; fails with Conflict if someone wrote in between."""
    removed = [team for team in previous.team_ids if team not in record.team_ids]
    added = [team for team in record.team_ids if team not in previous.team_ids]
    PIPELINES.write(
        [
            *PIPELINES.replacement(previous, record),
            *(_team_ownership(team_id, record.id, "DELETE") for team_id in removed),
            *(_team_ownership(team_id, record.id, "ADD") for team_id in added),
        ]
    )


@storage_call
def delete_pipeline(record: PipelineRecord) -> None:
    disowned = [_team_ownership(team_id, record.id, "DELETE") for team_id in record.team_ids]
    PIPELINES.write([*PIPELINES.deletion(record), *disowned])


@storage_call
def get_pipeline(pipeline_id: str) -> PipelineRecord | None:
    found: PipelineRecord | None = PIPELINES.get(pipeline_id)
    return found


@storage_call
def get_pipeline_by_key_hash(integration_key_hash: str) -> PipelineRecord | None:
    """Strongly consistent, so a rotated or deleted key stops working at once."""
    found: PipelineRecord | None = PIPELINES.get_by_key_hash(integration_key_hash)
    return found


@storage_call
def list_pipelines(start_index: int, max_results: int) -> list[PipelineRecord]:
    return list(PIPELINES.page(start_index, max_results))


@storage_call
def owning_teams(team_ids: Sequence[str]) -> set[str]:
    """Which of these teams own at least one pipeline: one BatchGetItem, not a query per team."""
    found = batch_get([keys.team_pipelines_key(team_id) for team_id in team_ids], projection="PK, pipelineIds")
    return {keys.team_of_pipelines_pk(values["PK"]) for values in found if values.get("pipelineIds")}


@storage_call
def pipelines_owned_by(team_ids: Sequence[str]) -> list[PipelineRecord]:
    """Every pipeline these teams own, oldest first (ids sort by creation time): two BatchGetItems,
    the teams' pipeline lists and then those pipelines."""
    owned = batch_get([keys.team_pipelines_key(team_id) for team_id in team_ids], projection="pipelineIds")
    pipeline_ids = {pipeline_id for values in owned for pipeline_id in values.get("pipelineIds", ())}
    found = batch_get([keys.pipeline_key(pipeline_id) for pipeline_id in pipeline_ids])
    return sorted((PipelineRecord.model_validate(values) for values in found), key=attrgetter("id"))
