"""The admin API (§2, §4, §6, §8, §17, §18, §21): every route needs the admin token, checked before
routing, except that a deployment's health also takes its pipeline's integration key (§21)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from routers import (
    alert_sources,
    alerts,
    deployment_events,
    health,
    insights,
    pipelines,
    registry,
    services,
    verdicts,
)
from shared.http.resolver import create_resolver, resolve_admin
from shared.observability import logger, metrics, tracer

app = create_resolver()
for area in (pipelines, deployment_events, health, alert_sources, registry, alerts, services, verdicts, insights):
    app.include_router(area.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve_admin(
        app, event, context, raw_body_routes={services.IMPORT_ROUTE_KEY}, key_routes={health.HEALTH_ROUTE_KEY}
    )
