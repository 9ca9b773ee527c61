"""The health of a fresh deployment (§21), for CI waiting before it promotes, and for the page."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.domain.timestamps import utc_now
from shared.domain.watch import DeploymentHealth
from shared.http.resolver import PathParameter
from shared.logic.watch import deployment_health

HEALTH_ROUTE_KEY = "GET /api/deployment-events/{eventId}/health"
"""Opened by the admin token or by the integration key of the event's own pipeline."""

router = Router()


@router.get("/api/deployment-events/<eventId>/health")
def get_deployment_health(
    eventId: PathParameter,  # noqa: N803 - the path's name
    integration_key: Annotated[str | None, Query(alias="integrationKey", max_length=256)] = None,
) -> DeploymentHealth:
    """``watching`` until ``WatchMinutes`` after a successful production deployment, ``suspect``
    once an alert names it as likely cause, else ``clean``."""
    admin = bool(router.context.get("admin"))
    return deployment_health(eventId, utc_now(), admin=admin, integration_key=integration_key)
