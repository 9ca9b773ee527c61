"""The service catalog (§17): services one by one, and the import of a Backstage catalog."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.domain.backstage import ImportResult
from shared.domain.catalog import Service, ServiceRequest
from shared.domain.timestamps import utc_now
from shared.http.raw_request import raw_request
from shared.http.resolver import PathParameter
from shared.logic import catalog_import, services

router = Router()
IMPORT_ROUTE_KEY = "POST /api/services/import"
"""The one admin route whose body is YAML rather than JSON; it reads its raw bytes itself."""


@router.get("/api/services")
def list_services(
    start_index: Annotated[int, Query(alias="start-index", ge=0, le=100_000)] = 0,
    max_results: Annotated[int, Query(alias="max-results", ge=1, le=100)] = 50,
) -> list[Service]:
    """Services in the order of their names, compared without regard to case."""
    return services.list_services(start_index, max_results)


@router.post("/api/services/import")
def import_services() -> ImportResult:
    """A Backstage catalog (YAML, one or more documents) replaces what the last import wrote."""
    return catalog_import.import_catalog(raw_request(router), utc_now())


@router.put("/api/services/<name>")
def put_service(name: PathParameter, request: ServiceRequest) -> Service:
    return services.put_service(name, request, utc_now())


@router.get("/api/services/<name>")
def get_service(name: PathParameter) -> Service:
    return services.get_service(name)


@router.delete("/api/services/<name>", status_code=204)
def delete_service(name: PathParameter) -> Response[None]:
    services.delete_service(name)
    return Response(204)
