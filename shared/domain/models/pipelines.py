"""Deployment pipelines (§2): request bodies, responses and the stored record."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.domain.models.common import ApiModel, OwnerTeams, UtcTime
from shared.domain.models.keyed import KeyedRecord, KeyedResponse, ResourceName, WebhookSecret


class IntegrationType(StrEnum):
    API = "API"
    GITHUB = "GITHUB"
    GITLAB = "GITLAB"
    ARGOCD = "ARGOCD"
    PAGERDUTY_CHANGE = "PAGERDUTY_CHANGE"
    LAUNCHDARKLY = "LAUNCHDARKLY"
    UNLEASH = "UNLEASH"
    TERRAFORM = "TERRAFORM"
    AWS = "AWS"
    """The account's own deployment services (§20): created on its first change, never by a request."""
    CDEVENTS = "CDEVENTS"
    FLUX = "FLUX"


GITHUB_EVENTS = ("push", "pull_request", "release", "deployment_status", "workflow_run")
GITLAB_EVENTS = ("Push Hook", "Merge Request Hook", "Release Hook", "Deployment Hook", "Pipeline Hook")
DEFAULT_EVENT_FILTERS: dict[IntegrationType, list[str]] = {
    IntegrationType.API: [],
    IntegrationType.GITHUB: ["push", "pull_request", "release", "deployment_status"],
    IntegrationType.GITLAB: ["Push Hook", "Merge Request Hook", "Release Hook", "Deployment Hook"],
    IntegrationType.ARGOCD: [],
    IntegrationType.PAGERDUTY_CHANGE: [],
    IntegrationType.LAUNCHDARKLY: [],
    IntegrationType.UNLEASH: [],
    IntegrationType.TERRAFORM: [],
    IntegrationType.AWS: [],
    IntegrationType.CDEVENTS: [],
    IntegrationType.FLUX: [],
}
ALLOWED_EVENT_FILTERS: dict[IntegrationType, tuple[str, ...]] = {
    IntegrationType.API: (),
    IntegrationType.GITHUB: GITHUB_EVENTS,
    IntegrationType.GITLAB: GITLAB_EVENTS,
    IntegrationType.ARGOCD: (),
    IntegrationType.PAGERDUTY_CHANGE: (),
    IntegrationType.LAUNCHDARKLY: (),
    IntegrationType.UNLEASH: (),
    IntegrationType.TERRAFORM: (),
    IntegrationType.AWS: (),
    IntegrationType.CDEVENTS: (),
    IntegrationType.FLUX: (),
}
DEFAULT_BRANCH_FILTERS = ["main", "master"]

BranchPattern = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
EventName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class PipelineParams(ApiModel):
    branch_filters: Annotated[list[BranchPattern], Field(max_length=100)] | None = None
    event_filters: Annotated[list[EventName], Field(max_length=20)] | None = None


class PipelineUpdateRequest(ApiModel):
    """The body of a full update (PUT): what is omitted is reset, except the webhook secret."""

    name: ResourceName
    integration_type: IntegrationType | None = None
    teams: OwnerTeams | None = None
    params: PipelineParams | None = None
    webhook_secret: WebhookSecret | None = Field(default=None, repr=False)


class PipelineCreateRequest(PipelineUpdateRequest):
    integration_type: IntegrationType


class PipelineResponseParams(ApiModel):
    branch_filters: list[str]
    event_filters: list[str]


class PipelineResponse(KeyedResponse[IntegrationType, PipelineResponseParams]):
    created_at: UtcTime
    updated_at: UtcTime


class PipelineRecord(KeyedRecord[IntegrationType]):
    """A pipeline as stored."""

    record_kind = "pipeline"

    branch_filters: list[str]
    event_filters: list[str]
