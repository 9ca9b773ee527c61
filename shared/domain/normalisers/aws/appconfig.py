"""AppConfig deployments (§20), as AppConfig's extension "AWS AppConfig deployment events to Amazon
EventBridge" puts them on the default bus."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from shared.domain.models.deployments import EventKind
from shared.domain.models.signals import explicit_signal
from shared.domain.normalisers.aws.envelope import (
    FAILURE,
    IN_PROGRESS,
    SUCCESS,
    AwsChange,
    AwsEvent,
    Name,
    State,
    partition_of,
    state_revision,
)
from shared.domain.normalisers.common import NormalisedEvent, custom_details_of, parse_time_field, summary_of
from shared.domain.payloads import Ignored, PayloadModel, parse_payload


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


def read_appconfig(event: AwsEvent) -> AwsChange | Ignored:
    detail = parse_payload(AppConfigDeployment, event.detail, "detail")
    state = APPCONFIG_STATES[event.detail_type]
    application, environment = detail.application, detail.environment
    application_arn = f"arn:{partition_of(event)}:appconfig:{event.region}:{event.account}:application/{application.id}"
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
        revision=state_revision(event.detail_type, state, event.time),
        service=application.name,
        version=detail.configuration_version,
        status=state.status,
        custom_details=custom_details_of(
            {"source": event.source, "event": event.detail_type, "deploymentNumber": detail.deployment_number},
            configurationProfile=profile,
            rolledBack=True if state.status == FAILURE else None,
        ),
        signals=explicit_signal(rolled_back=state.status == FAILURE),
    )
    tagged = (application_arn, f"{application_arn}/environment/{environment.id}")
    return AwsChange(event.account, change, tagged, environment=environment.name)
