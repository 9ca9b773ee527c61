"""Teams registered for the alert sources and escalation policies alerts name by id (SPEC §4)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.domain.models.alerts import RegisteredResource, RegisteredResourceResponse
from shared.domain.timestamps import utc_now
from shared.http.resolver import PathParameter
from shared.logic import registry
from shared.logic.registry import ResourceKind

router = Router()
ResourceId = PathParameter


@router.put("/api/alert-sources/<alertSourceId>")
def put_alert_source(alertSourceId: ResourceId, resource: RegisteredResource) -> RegisteredResourceResponse:  # noqa: N803
    return registry.register_resource(ResourceKind.ALERT_SOURCE, alertSourceId, resource, utc_now())


@router.get("/api/alert-sources/<alertSourceId>")
def get_alert_source(alertSourceId: ResourceId) -> RegisteredResourceResponse:  # noqa: N803
    return registry.get_resource(ResourceKind.ALERT_SOURCE, alertSourceId)


@router.delete("/api/alert-sources/<alertSourceId>", status_code=204)
def delete_alert_source(alertSourceId: ResourceId) -> Response[None]:  # noqa: N803
    registry.unregister_resource(ResourceKind.ALERT_SOURCE, alertSourceId)
    return Response(204)


@router.put("/api/escalation-policies/<escalationPolicyId>")
def put_escalation_policy(escalationPolicyId: ResourceId, resource: RegisteredResource) -> RegisteredResourceResponse:  # noqa: N803
    return registry.register_resource(ResourceKind.ESCALATION_POLICY, escalationPolicyId, resource, utc_now())


@router.get("/api/escalation-policies/<escalationPolicyId>")
def get_escalation_policy(escalationPolicyId: ResourceId) -> RegisteredResourceResponse:  # noqa: N803
    return registry.get_resource(ResourceKind.ESCALATION_POLICY, escalationPolicyId)


@router.delete("/api/escalation-policies/<escalationPolicyId>", status_code=204)
def delete_escalation_policy(escalationPolicyId: ResourceId) -> Response[None]:  # noqa: N803
    registry.unregister_resource(ResourceKind.ESCALATION_POLICY, escalationPolicyId)
    return Response(204)
