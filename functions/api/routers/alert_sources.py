"""Alert sources (§11); for ids no POST created, the §4 registry of alert-source teams."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.domain.models.alert_sources import AlertSourceCreateRequest, AlertSourceResponse, AlertSourceUpdateRequest
from shared.domain.models.alerts import RegisteredResourceResponse
from shared.domain.models.deliveries import DeliveryPage
from shared.domain.timestamps import utc_now
from shared.http.resolver import PathParameter, base_url
from shared.logic import alert_sources

router = Router()
AlertSourceId = PathParameter


@router.post("/api/alert-sources", status_code=201)
def create_alert_source(request: AlertSourceCreateRequest) -> Response[AlertSourceResponse]:
    created = alert_sources.create_alert_source(request, base_url(router.current_event), utc_now())
    return Response(201, content_types.APPLICATION_JSON, created)


@router.get("/api/alert-sources")
def list_alert_sources(
    start_index: Annotated[int, Query(alias="start-index", ge=0, le=100_000)] = 0,
    max_results: Annotated[int, Query(alias="max-results", ge=1, le=100)] = 50,
) -> list[AlertSourceResponse]:
    return alert_sources.list_alert_sources(start_index, max_results, base_url(router.current_event))


@router.get("/api/alert-sources/<alertSourceId>")
def get_alert_source(alertSourceId: AlertSourceId) -> AlertSourceResponse | RegisteredResourceResponse:  # noqa: N803
    return alert_sources.get_alert_source(alertSourceId, base_url(router.current_event))


@router.put("/api/alert-sources/<alertSourceId>")
def put_alert_source(
    alertSourceId: AlertSourceId,  # noqa: N803 - the path's name
    request: AlertSourceUpdateRequest,
) -> AlertSourceResponse | RegisteredResourceResponse:
    return alert_sources.put_alert_source(alertSourceId, request, utc_now(), base_url(router.current_event))


@router.delete("/api/alert-sources/<alertSourceId>", status_code=204)
def delete_alert_source(alertSourceId: AlertSourceId) -> Response[None]:  # noqa: N803
    alert_sources.delete_alert_source(alertSourceId)
    return Response(204)


@router.post("/api/alert-sources/<alertSourceId>/rotate-key")
def rotate_key(alertSourceId: AlertSourceId) -> AlertSourceResponse:  # noqa: N803
    return alert_sources.rotate_integration_key(alertSourceId, utc_now(), base_url(router.current_event))


@router.get("/api/alert-sources/<alertSourceId>/deliveries")
def list_deliveries(
    alertSourceId: PathParameter,  # noqa: N803 - the path's name
    max_results: Annotated[int, Query(alias="max-results", ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> DeliveryPage:
    """Recent deliveries, newest first (§16), for 7 days."""
    return alert_sources.delivery_log_of(alertSourceId, max_results, cursor or None)
