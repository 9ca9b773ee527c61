"""Deployment pipelines as stored: the pipeline, its integration-key copy and team ownership,
always changed together in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from shared.adapters.store.client import batch_get, key, storage_call, table, to_item
from shared.adapters.store.keyed import KeyedKind
from shared.domain import keys
from shared.domain.models.pipelines import PipelineRecord


def _team_ownership(team_id: str, pipeline_id: str, action: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table(),
            "Key": key(keys.team_pipelines_key(team_id)),
            "UpdateExpression": f"{action} pipelineIds :pipeline",
            "ExpressionAttributeValues": to_item({":pipeline": {pipeline_id}}),
        }
    }


PIPELINES = KeyedKind(
    "pipeline",
    PipelineRecord,
    keys.pipeline_key,
    keys.integration_key_lookup,
    keys.PIPELINES_PK,
    keys.PIPELINE_PREFIX,
    team_index=_team_ownership,
)
get_pipeline_by_key_hash = PIPELINES.get_by_key_hash
"""How intake finds the pipeline of a key (§7)."""


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
