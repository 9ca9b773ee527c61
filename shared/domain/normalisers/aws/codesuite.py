"""CodeDeploy deployments and CodePipeline executions (§20)."""

from __future__ import annotations

from pydantic import Field

from shared.domain.models.deployments import EventKind
from shared.domain.normalisers.aws.envelope import (
    CANCELLED,
    FAILURE,
    IN_PROGRESS,
    SUCCESS,
    AwsChange,
    AwsEvent,
    Name,
    State,
    arn_of,
    console_url,
    partition_of,
    state_revision,
)
from shared.domain.normalisers.common import NormalisedEvent, custom_details_of, link, parse_time_field, summary_of
from shared.domain.payloads import Ignored, PayloadModel, parse_payload


class CodeDeployDeployment(PayloadModel):
    application: Name
    deployment_group: Name | None = Field(default=None, alias="deploymentGroup")
    deployment_id: Name = Field(alias="deploymentId")
    state: Name


CODEDEPLOY_STATES = {
    "START": State(IN_PROGRESS, 1),
    "READY": State(IN_PROGRESS, 2),
    "SUCCESS": State(SUCCESS, 3),
    "FAILURE": State(FAILURE, 3),
    "STOP": State(FAILURE, 3),
}
CODEDEPLOY_WORDS = {
    "START": "started",
    "READY": "ready",
    "SUCCESS": "succeeded",
    "FAILURE": "failed",
    "STOP": "stopped",
}


def read_codedeploy(event: AwsEvent) -> AwsChange | Ignored:
    detail = parse_payload(CodeDeployDeployment, event.detail, "detail")
    state = CODEDEPLOY_STATES.get(detail.state)
    if state is None:
        return Ignored(f"CodeDeploy state {detail.state!r} is not a deployment state", "unsupported_event")
    prefix = f"arn:{partition_of(event)}:codedeploy:{event.region}:{event.account}"
    application_arn = arn_of(event, ":application:") or f"{prefix}:application:{detail.application}"
    group_arn = arn_of(event, ":deploymentgroup:")
    target = f"{detail.application}/{detail.deployment_group}" if detail.deployment_group else detail.application
    change = NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of(
            "CodeDeploy deployment", detail.deployment_id, "of", target, CODEDEPLOY_WORDS.get(detail.state)
        ),
        timestamp=parse_time_field(event.time, "time"),
        natural_key=f"aws:codedeploy:{event.region}:{event.account}:{detail.deployment_id}",
        revision=state_revision(detail.state, state, event.time),
        service=detail.application,
        status=state.status,
        links=link(console_url(event, f"codesuite/codedeploy/deployments/{detail.deployment_id}"), "CodeDeploy"),
        custom_details=custom_details_of(
            {"source": event.source, "event": event.detail_type, "deploymentId": detail.deployment_id},
            deploymentGroup=detail.deployment_group,
            state=detail.state,
        ),
    )
    return AwsChange(event.account, change, (application_arn, *((group_arn,) if group_arn else ())))


class PipelineExecution(PayloadModel):
    pipeline: Name
    execution_id: Name = Field(alias="execution-id")
    state: Name


CODEPIPELINE_STATES = {
    "STARTED": State(IN_PROGRESS, 1),
    "RESUMED": State(IN_PROGRESS, 2),
    "STOPPING": State(IN_PROGRESS, 2),
    "SUCCEEDED": State(SUCCESS, 3),
    "FAILED": State(FAILURE, 3),
    "STOPPED": State(FAILURE, 3),
    "CANCELED": State(CANCELLED, 3),
    "SUPERSEDED": State(CANCELLED, 3),
}
"""``CANCELED`` and ``SUPERSEDED`` executions ended before their changes were deployed (a newer
execution took over): cancelled, not failed. ``STOPPED`` was stopped part-way, so it may have
changed something: a failure."""


def read_codepipeline(event: AwsEvent) -> AwsChange | Ignored:
    detail = parse_payload(PipelineExecution, event.detail, "detail")
    state = CODEPIPELINE_STATES.get(detail.state)
    if state is None:
        return Ignored(f"CodePipeline state {detail.state!r} is not an execution state", "unsupported_event")
    prefix = f"arn:{partition_of(event)}:codepipeline:{event.region}:{event.account}"
    pipeline_arn = arn_of(event, ":codepipeline:") or f"{prefix}:{detail.pipeline}"
    path = f"codesuite/codepipeline/pipelines/{detail.pipeline}/executions/{detail.execution_id}/timeline"
    change = NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of("CodePipeline", detail.pipeline, "execution", detail.execution_id, detail.state.lower()),
        timestamp=parse_time_field(event.time, "time"),
        natural_key=f"aws:codepipeline:{event.region}:{event.account}:{detail.pipeline}:{detail.execution_id}",
        revision=state_revision(detail.state, state, event.time),
        service=detail.pipeline,
        status=state.status,
        links=link(console_url(event, path), "CodePipeline execution"),
        custom_details=custom_details_of(
            {"source": event.source, "event": event.detail_type, "executionId": detail.execution_id},
            state=detail.state,
        ),
    )
    return AwsChange(event.account, change, (pipeline_arn,))
