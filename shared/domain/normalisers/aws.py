"""AWS's own deployment services on the default bus (§20): CodeDeploy, ECS, CodePipeline and
AppConfig state changes read as changes of the account's ``AWS`` pipeline.

Each event names one deployment (or execution) and its state; its later states update the same
record, ordered by time and then by how far along the state is. Teams and the environment come
from the resource's tags, which the event rarely carries: the change names the ARNs whose tags
are looked up, least specific first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from shared.domain.models.deployments import EventKind, Revision
from shared.domain.normalisers.common import (
    NormalisedEvent,
    custom_details_of,
    link,
    parse_time_field,
    summary_of,
)
from shared.domain.payloads import Ignored, PayloadModel, parse_payload

IN_PROGRESS, SUCCESS, FAILURE = "in_progress", "success", "failure"
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
_ROLLING_BACK = re.compile(r"rolling back to deploymentId (?P<target>[^\s]+?)\.?$")


class AwsEvent(PayloadModel):
    """EventBridge's envelope, as every AWS service puts it on the default bus."""

    id: Name
    detail_type: Name = Field(alias="detail-type")
    source: Name
    account: Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
    time: Name
    region: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,32}$")]
    resources: list[Annotated[str, StringConstraints(max_length=2048)]] = Field(default_factory=list)
    detail: dict[str, Any]


@dataclass(frozen=True)
class AwsChange:
    """A change read from an event, before its tags are known."""

    account: str
    change: NormalisedEvent
    tagged: tuple[str, ...]
    """The ARNs whose ``team`` and ``environment`` tags apply, least specific first."""
    environment: str | None = None
    """The environment when no tag names one (AppConfig's own environment)."""


@dataclass(frozen=True)
class State:
    """One state of a deployment: the status it maps to, and its rank among states of the same second."""

    status: str
    rank: int


def _revision(event: AwsEvent, state_name: str, state: State, at: str) -> Revision:
    when = parse_time_field(at, "time")
    return Revision(at=when, tiebreak=str(state.rank), identity=f"{state_name}@{when.isoformat()}")


def _arn_of(event: AwsEvent, marker: str) -> str | None:
    return next((resource for resource in event.resources if marker in resource), None)


def _partition(event: AwsEvent) -> str:
    first = event.resources[0] if event.resources else ""
    return first.split(":")[1] if first.count(":") >= 5 and first.split(":")[1] else "aws"


def _console(event: AwsEvent, path: str) -> str:
    return f"https://{event.region}.console.aws.amazon.com/{path}?region={event.region}"


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


def _ecs(event: AwsEvent) -> AwsChange | Ignored:
    detail = parse_payload(EcsDeployment, event.detail, "detail")
    service_arn = _arn_of(event, ":service/")
    state = ECS_STATES.get(detail.event_name)
    if state is None or service_arn is None:
        return Ignored(f"ECS event {detail.event_name!r} is not a deployment state", "unsupported_event")
    rolling_back = _ROLLING_BACK.search(detail.reason or "")
    state_name = "SERVICE_DEPLOYMENT_ROLLBACK_IN_PROGRESS" if rolling_back else detail.event_name
    state = ECS_ROLLBACK if rolling_back else state
    service = service_arn.rsplit("/", 1)[-1]
    cluster = service_arn.split(":service/", 1)[1].rsplit("/", 1)[0] if service_arn.count("/") > 1 else "default"
    rolled_back = "rolled back" in (detail.reason or "").lower()
    word = "rolling back" if rolling_back else ECS_WORDS[state.status]
    change = NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of("ECS deployment", detail.deployment_id, "of", service, word),
        timestamp=parse_time_field(detail.updated_at or event.time, "detail.updatedAt"),
        natural_key=f"aws:ecs:{service_arn}:{detail.deployment_id}",
        revision=_revision(event, state_name, state, detail.updated_at or event.time),
        service=service,
        status=state.status,
        links=link(_console(event, f"ecs/v2/clusters/{cluster}/services/{service}/deployments"), "ECS deployments"),
        custom_details=custom_details_of(
            {"source": event.source, "event": event.detail_type, "deploymentId": detail.deployment_id},
            eventName=detail.event_name,
            reason=detail.reason,
            rollbackTo=rolling_back["target"] if rolling_back else None,
            rolledBack=True if rolled_back and state.status == FAILURE else None,
        ),
    )
    return AwsChange(event.account, change, (service_arn,))


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


def _codedeploy(event: AwsEvent) -> AwsChange | Ignored:
    detail = parse_payload(CodeDeployDeployment, event.detail, "detail")
    state = CODEDEPLOY_STATES.get(detail.state)
    if state is None:
        return Ignored(f"CodeDeploy state {detail.state!r} is not a deployment state", "unsupported_event")
    prefix = f"arn:{_partition(event)}:codedeploy:{event.region}:{event.account}"
    application_arn = _arn_of(event, ":application:") or f"{prefix}:application:{detail.application}"
    group_arn = _arn_of(event, ":deploymentgroup:")
    target = f"{detail.application}/{detail.deployment_group}" if detail.deployment_group else detail.application
    change = NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of(
            "CodeDeploy deployment", detail.deployment_id, "of", target, CODEDEPLOY_WORDS.get(detail.state)
        ),
        timestamp=parse_time_field(event.time, "time"),
        natural_key=f"aws:codedeploy:{event.region}:{event.account}:{detail.deployment_id}",
        revision=_revision(event, detail.state, state, event.time),
        service=detail.application,
        status=state.status,
        links=link(_console(event, f"codesuite/codedeploy/deployments/{detail.deployment_id}"), "CodeDeploy"),
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
    "CANCELED": State(FAILURE, 3),
    "SUPERSEDED": State(FAILURE, 3),
}


def _codepipeline(event: AwsEvent) -> AwsChange | Ignored:
    detail = parse_payload(PipelineExecution, event.detail, "detail")
    state = CODEPIPELINE_STATES.get(detail.state)
    if state is None:
        return Ignored(f"CodePipeline state {detail.state!r} is not an execution state", "unsupported_event")
    prefix = f"arn:{_partition(event)}:codepipeline:{event.region}:{event.account}"
    pipeline_arn = _arn_of(event, ":codepipeline:") or f"{prefix}:{detail.pipeline}"
    path = f"codesuite/codepipeline/pipelines/{detail.pipeline}/executions/{detail.execution_id}/timeline"
    change = NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of("CodePipeline", detail.pipeline, "execution", detail.execution_id, detail.state.lower()),
        timestamp=parse_time_field(event.time, "time"),
        natural_key=f"aws:codepipeline:{event.region}:{event.account}:{detail.pipeline}:{detail.execution_id}",
        revision=_revision(event, detail.state, state, event.time),
        service=detail.pipeline,
        status=state.status,
        links=link(_console(event, path), "CodePipeline execution"),
        custom_details=custom_details_of(
            {"source": event.source, "event": event.detail_type, "executionId": detail.execution_id},
            state=detail.state,
        ),
    )
    return AwsChange(event.account, change, (pipeline_arn,))


class AppConfigNamed(PayloadModel):
    id: Name = Field(alias="Id")
    name: Name = Field(alias="Name")


class AppConfigDeployment(PayloadModel):
    application: AppConfigNamed = Field(alias="Application")
    environment: AppConfigNamed = Field(alias="Environment")
    configuration_profile: AppConfigNamed | None = Field(default=None, alias="ConfigurationProfile")
    deployment_number: Annotated[int, Field(ge=0)] = Field(alias="DeploymentNumber")
    configuration_version: Name | None = Field(default=None, alias="ConfigurationVersion")


APPCONFIG_STATES = {
    "On Deployment Start": State(IN_PROGRESS, 1),
    "On Deployment Complete": State(SUCCESS, 2),
    "On Deployment Rolled Back": State(FAILURE, 3),
}


def _appconfig(event: AwsEvent) -> AwsChange | Ignored:
    detail = parse_payload(AppConfigDeployment, event.detail, "detail")
    state = APPCONFIG_STATES[event.detail_type]
    application, environment = detail.application, detail.environment
    application_arn = f"arn:{_partition(event)}:appconfig:{event.region}:{event.account}:application/{application.id}"
    profile = detail.configuration_profile.name if detail.configuration_profile else None
    words = {IN_PROGRESS: "started", SUCCESS: "completed", FAILURE: "rolled back"}
    change = NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of(
            "AppConfig deployment",
            str(detail.deployment_number),
            "of",
            profile,
            f"v{detail.configuration_version}" if detail.configuration_version else None,
            "to",
            f"{application.name}/{environment.name}",
            words[state.status],
        ),
        timestamp=parse_time_field(event.time, "time"),
        natural_key=f"aws:appconfig:{event.region}:{event.account}:{application.id}:{environment.id}:"
        f"{detail.deployment_number}",
        revision=_revision(event, event.detail_type, state, event.time),
        service=application.name,
        version=detail.configuration_version,
        status=state.status,
        custom_details=custom_details_of(
            {"source": event.source, "event": event.detail_type, "deploymentNumber": detail.deployment_number},
            configurationProfile=profile,
            rolledBack=True if state.status == FAILURE else None,
        ),
    )
    tagged = (application_arn, f"{application_arn}/environment/{environment.id}")
    return AwsChange(event.account, change, tagged, environment=environment.name)


Reader = Callable[[AwsEvent], "AwsChange | Ignored"]
READERS: dict[tuple[str, str], Reader] = {
    ("aws.ecs", "ECS Deployment State Change"): _ecs,
    ("aws.codedeploy", "CodeDeploy Deployment State-change Notification"): _codedeploy,
    ("aws.codepipeline", "CodePipeline Pipeline Execution State Change"): _codepipeline,
    **{("aws.appconfig", detail_type): _appconfig for detail_type in APPCONFIG_STATES},
}
"""One row per event the template's rules deliver; any other event is ignored."""


def read_change(event: Mapping[str, Any]) -> AwsChange | Ignored:
    """The change an event reports; ``InvalidField`` naming the field when it cannot be read."""
    envelope = parse_payload(AwsEvent, event)
    reader = READERS.get((envelope.source, envelope.detail_type))
    if reader is None:
        what = f"event {envelope.detail_type!r} of {envelope.source!r}"
        return Ignored(f"{what} is not a deployment", "unsupported_event")
    return reader(envelope)
