"""Teams registered for the escalation policies alerts name by id (§4); alert sources' are
in ``alert_sources``, beside the sources created with a key."""

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
