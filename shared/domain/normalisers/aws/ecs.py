"""ECS service deployments (§20): ``ECS Deployment State Change``; a circuit breaker's rollback
names the deployment it returns to."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from shared.domain.models.common import Link
from shared.domain.models.deployments import EventKind
from shared.domain.normalisers.aws.envelope import (
    FAILURE,
    IN_PROGRESS,
    ROLLING_BACK,
    SUCCESS,
    AwsChange,
    AwsEvent,
    Name,
    State,
    arn_of,
    console_url,
    state_revision,
)
from shared.domain.normalisers.common import NormalisedEvent, custom_details_of, link, parse_time_field, summary_of
from shared.domain.payloads import Ignored, PayloadModel, parse_payload


class EcsDeployment(PayloadModel):
    event_name: Name = Field(alias="eventName")
    deployment_id: Name = Field(alias="deploymentId")
    updated_at: Name | None = Field(default=None, alias="updatedAt")
    reason: Annotated[str, StringConstraints(max_length=1024)] | None = None


ECS_STATES = {
    "SERVICE_DEPLOYMENT_IN_PROGRESS": State(IN_PROGRESS, 1),
    "SERVICE_DEPLOYMENT_COMPLETED": State(SUCCESS, 2),
    "SERVICE_DEPLOYMENT_FAILED": State(FAILURE, 2),
}
ECS_WORDS = {IN_PROGRESS: "started", SUCCESS: "completed", FAILURE: "failed"}
ECS_ROLLBACK = State(IN_PROGRESS, 3)
"""The circuit breaker's rollback starting: after the failure it follows in the same second."""


def _ecs_state(detail: EcsDeployment) -> tuple[str, State, str | None] | None:
    """The state's name, the state, and the deployment a circuit breaker's rollback returns to."""
    state = ECS_STATES.get(detail.event_name)
    rolling_back = ROLLING_BACK.search(detail.reason or "") if state is not None else None
    if rolling_back is not None:
        return "SERVICE_DEPLOYMENT_ROLLBACK_IN_PROGRESS", ECS_ROLLBACK, rolling_back["target"]
    return (detail.event_name, state, None) if state is not None else None


def _ecs_link(event: AwsEvent, service_arn: str) -> list[Link]:
    cluster, _, service = service_arn.split(":service/", 1)[1].rpartition("/")
    return link(console_url(event, f"ecs/v2/clusters/{cluster or 'default'}/services/{service}/deployments"), "ECS")


def _word(state: State, rollback_to: str | None) -> str:
    return "rolling back" if rollback_to else ECS_WORDS[state.status]


def read_ecs(event: AwsEvent) -> AwsChange | Ignored:
    detail = parse_payload(EcsDeployment, event.detail, "detail")
    service_arn = arn_of(event, ":service/")
    known = _ecs_state(detail)
    if known is None or service_arn is None:
        return Ignored(f"ECS event {detail.event_name!r} is not a deployment state", "unsupported_event")
    state_name, state, rollback_to = known
    service = service_arn.rsplit("/", 1)[-1]
    at = detail.updated_at or event.time
    change = NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of(
            "ECS deployment",
            detail.deployment_id,
            "of",
            service,
            "rolling back" if rollback_to else ECS_WORDS[state.status],
        ),
        timestamp=parse_time_field(at, "detail.updatedAt"),
        natural_key=f"aws:ecs:{service_arn}:{detail.deployment_id}",
        revision=state_revision(state_name, state, at),
        service=service,
        status=state.status,
        links=_ecs_link(event, service_arn),
        custom_details=custom_details_of(
            {"source": event.source, "event": event.detail_type, "deploymentId": detail.deployment_id},
            eventName=detail.event_name,
            reason=detail.reason,
            rollbackTo=rollback_to,
        ),
    )
    return AwsChange(event.account, change, (service_arn,))
