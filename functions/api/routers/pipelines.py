"""Deployment pipelines (§2)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.domain.models.deliveries import DeliveryPage
from shared.domain.models.pipelines import PipelineCreateRequest, PipelineResponse, PipelineUpdateRequest
from shared.domain.timestamps import utc_now
from shared.http.resolver import PathParameter, base_url
from shared.logic import pipelines

router = Router()
PipelineId = PathParameter


@router.post("/api/deployment-pipelines", status_code=201)
def create_pipeline(request: PipelineCreateRequest) -> Response[PipelineResponse]:
    created = pipelines.create_pipeline(request, base_url(router.current_event), utc_now())
    return Response(201, content_types.APPLICATION_JSON, created)


@router.get("/api/deployment-pipelines")
def list_pipelines(
    start_index: Annotated[int, Query(alias="start-index", ge=0, le=100_000)] = 0,
    max_results: Annotated[int, Query(alias="max-results", ge=1, le=100)] = 50,
) -> list[PipelineResponse]:
    return pipelines.list_pipelines(start_index, max_results, base_url(router.current_event))


@router.get("/api/deployment-pipelines/<pipelineId>")
def get_pipeline(pipelineId: PipelineId) -> PipelineResponse:  # noqa: N803 - the path's name
    return pipelines.get_pipeline(pipelineId, base_url(router.current_event))


@router.put("/api/deployment-pipelines/<pipelineId>")
def update_pipeline(pipelineId: PipelineId, request: PipelineUpdateRequest) -> PipelineResponse:  # noqa: N803
    return pipelines.update_pipeline(pipelineId, request, utc_now(), base_url(router.current_event))


@router.delete("/api/deployment-pipelines/<pipelineId>", status_code=204)
def delete_pipeline(pipelineId: PipelineId) -> Response[None]:  # noqa: N803
    pipelines.delete_pipeline(pipelineId)
    return Response(204)


@router.post("/api/deployment-pipelines/<pipelineId>/rotate-key")
def rotate_key(pipelineId: PipelineId) -> PipelineResponse:  # noqa: N803
    return pipelines.rotate_integration_key(pipelineId, utc_now(), base_url(router.current_event))


@router.get("/api/deployment-pipelines/<pipelineId>/deliveries")
def list_deliveries(
    pipelineId: PathParameter,  # noqa: N803 - the path's name
    max_results: Annotated[int, Query(alias="max-results", ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> DeliveryPage:
    """Recent deliveries, newest first (§16), for 7 days."""
    return pipelines.delivery_log_of(pipelineId, max_results, cursor or None)
