"""Deployment pipelines (§2): request bodies, responses and the stored record."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StringConstraints

from shared.domain.models.common import ApiModel, OwnerTeams, UtcTime
from shared.domain.models.forwarders import Forwarders, ForwarderView, StoredForwarder, sealed_forwarder
from shared.domain.models.keyed import KeyedRecord, KeyedResponse, ResourceName, WebhookSecret
from shared.domain.models.sealed import Seal


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
    forwarders: Forwarders | None = Field(default=None, repr=False)
    """Write-only (they hold secrets): omitted keeps them, ``[]`` removes them (§21)."""


class PipelineCreateRequest(PipelineUpdateRequest):
    integration_type: IntegrationType


class PipelineResponseParams(ApiModel):
    branch_filters: list[str]
    event_filters: list[str]


class PipelineResponse(KeyedResponse):
    integration_type: IntegrationType
    params: PipelineResponseParams
    forwarders: list[ForwarderView] = Field(default_factory=list)
    created_at: UtcTime
    updated_at: UtcTime


class PipelineRecord(KeyedRecord):
    """A pipeline as stored."""

    record_kind = "pipeline"
    listed_only = frozenset({"forwarders"})

    integration_type: IntegrationType
    branch_filters: list[str]
    event_filters: list[str]
    forwarders: list[StoredForwarder] = Field(default_factory=list, repr=False)
    """In the listed record alone, which the forward function reads by the pipeline's id (§21)."""
    forwards: bool = False
    """Whether it has forwarders, in both copies: ingest puts ``Change Accepted`` on the bus only then."""

    def sealed_with(self, seal: Seal) -> Self:
        place = self.secret_place("forwarders")
        forwarders = [sealed_forwarder(forwarder, place, seal) for forwarder in self.forwarders]
        return super().sealed_with(seal).model_copy(update={"forwarders": forwarders})
