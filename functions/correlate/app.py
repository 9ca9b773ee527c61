"""Alerts in: ``Alert Created`` from the bus is correlated and handed to enrich; over HTTP,
``POST /api/alerts`` puts alerts on the bus and the registry gives alert resources their teams."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import alerts
from shared.alerts import ResourceKind
from shared.api import PathParameter, create_resolver, is_http_event, resolve
from shared.bus import parse_detail
from shared.models.alerts import Alert, AlertAccepted, RegisteredResource, RegisteredResourceResponse
from shared.observability import CORRELATION_ID_PATH, count
from shared.timestamps import utc_now

logger = Logger()
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
app = create_resolver()

ResourceId = PathParameter


@app.post("/api/alerts", status_code=202)
def post_alert(alert: Alert) -> Response[AlertAccepted]:
    event_id = alerts.submit_alert(alert)
    return Response(202, content_types.APPLICATION_JSON, AlertAccepted(alert_id=alert.id, event_id=event_id))


@app.put("/api/alert-sources/<alertSourceId>")
def put_alert_source(alertSourceId: ResourceId, resource: RegisteredResource) -> RegisteredResourceResponse:  # noqa: N803
    return alerts.register_resource(ResourceKind.ALERT_SOURCE, alertSourceId, resource, utc_now())


@app.get("/api/alert-sources/<alertSourceId>")
def get_alert_source(alertSourceId: ResourceId) -> RegisteredResourceResponse:  # noqa: N803
    return alerts.get_resource(ResourceKind.ALERT_SOURCE, alertSourceId)


@app.delete("/api/alert-sources/<alertSourceId>", status_code=204)
def delete_alert_source(alertSourceId: ResourceId) -> Response[None]:  # noqa: N803
    alerts.unregister_resource(ResourceKind.ALERT_SOURCE, alertSourceId)
    return Response(204)


@app.put("/api/escalation-policies/<escalationPolicyId>")
def put_escalation_policy(escalationPolicyId: ResourceId, resource: RegisteredResource) -> RegisteredResourceResponse:  # noqa: N803
    return alerts.register_resource(ResourceKind.ESCALATION_POLICY, escalationPolicyId, resource, utc_now())


@app.get("/api/escalation-policies/<escalationPolicyId>")
def get_escalation_policy(escalationPolicyId: ResourceId) -> RegisteredResourceResponse:  # noqa: N803
    return alerts.get_resource(ResourceKind.ESCALATION_POLICY, escalationPolicyId)


@app.delete("/api/escalation-policies/<escalationPolicyId>", status_code=204)
def delete_escalation_policy(escalationPolicyId: ResourceId) -> Response[None]:  # noqa: N803
    alerts.unregister_resource(ResourceKind.ESCALATION_POLICY, escalationPolicyId)
    return Response(204)


def on_alert_created(event: dict[str, Any]) -> dict[str, Any]:
    alert = parse_detail(event, Alert)
    enrichment = alerts.correlate(alert, utc_now())
    alerts.hand_over(enrichment)
    count("Correlations", scope=enrichment.scope.value)
    logger.info(
        "alert correlated",
        extra={"alert_id": alert.id, "scope": enrichment.scope.value, "related": len(enrichment.deployments)},
    )
    return {"alertId": alert.id, "scope": enrichment.scope.value, "related": len(enrichment.deployments)}


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_http_event(event):
        return resolve(app, event, context)
    return on_alert_created(event)
