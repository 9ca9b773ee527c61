"""Deployment pipelines (SPEC §2): request bodies, responses and the stored record."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from shared.domain.models.common import ApiModel, ResourceId, Team, UtcTime


class IntegrationType(StrEnum):
    API = "API"
    GITHUB = "GITHUB"
    GITLAB = "GITLAB"
    ARGOCD = "ARGOCD"
    PAGERDUTY_CHANGE = "PAGERDUTY_CHANGE"


GITHUB_EVENTS = ("push", "pull_request", "release", "deployment_status", "workflow_run")
GITLAB_EVENTS = ("Push Hook", "Merge Request Hook", "Release Hook", "Deployment Hook", "Pipeline Hook")
DEFAULT_EVENT_FILTERS: dict[IntegrationType, list[str]] = {
    IntegrationType.API: [],
    IntegrationType.GITHUB: ["push", "pull_request", "release", "deployment_status"],
    IntegrationType.GITLAB: ["Push Hook", "Merge Request Hook", "Release Hook", "Deployment Hook"],
    IntegrationType.ARGOCD: [],
    IntegrationType.PAGERDUTY_CHANGE: [],
}
ALLOWED_EVENT_FILTERS: dict[IntegrationType, tuple[str, ...]] = {
    IntegrationType.API: (),
    IntegrationType.GITHUB: GITHUB_EVENTS,
    IntegrationType.GITLAB: GITLAB_EVENTS,
    IntegrationType.ARGOCD: (),
    IntegrationType.PAGERDUTY_CHANGE: (),
}
DEFAULT_BRANCH_FILTERS = ["main", "master"]

MAX_PIPELINE_TEAMS = 10
PipelineTeams = Annotated[list[Team], Field(max_length=MAX_PIPELINE_TEAMS)]
"""An event is written once per team of its pipeline, plus twice, in one transaction; with the
body limit of 256 KiB, ten teams keep that transaction under DynamoDB's 4 MB."""
BranchPattern = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
EventName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
PipelineName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
WebhookSecret = Annotated[str, StringConstraints(max_length=1024)]


class PipelineParams(ApiModel):
    branch_filters: Annotated[list[BranchPattern], Field(max_length=100)] | None = None
    event_filters: Annotated[list[EventName], Field(max_length=20)] | None = None


class PipelineUpdateRequest(ApiModel):
    """The body of a full update (PUT): what is omitted is reset, except the webhook secret."""

    name: PipelineName
    integration_type: IntegrationType | None = None
    teams: PipelineTeams | None = None
    params: PipelineParams | None = None
    webhook_secret: WebhookSecret | None = Field(default=None, repr=False)

    @field_validator("teams")
    @classmethod
    def _unique_team_ids(cls, teams: list[Team] | None) -> list[Team] | None:
        if teams is None:
            return None
        return list({team.id: team for team in teams}.values())


class PipelineCreateRequest(PipelineUpdateRequest):
    integration_type: IntegrationType


class PipelineResponseParams(ApiModel):
    branch_filters: list[str]
    event_filters: list[str]


class PipelineResponse(ApiModel):
    id: str
    name: str
    integration_type: IntegrationType
    integration_key: str | None = None
    integration_key_hint: str
    integration_url: str | None = None
    teams: list[Team]
    params: PipelineResponseParams
    webhook_secret_set: bool
    created_at: UtcTime
    updated_at: UtcTime


class PipelineRecord(BaseModel):
    """A pipeline as stored; the integration key itself is never stored, only its SHA-256."""

    id: ResourceId
    name: str
    integration_type: IntegrationType
    integration_key_hash: str
    integration_key_hint: str
    teams: list[Team]
    branch_filters: list[str]
    event_filters: list[str]
    webhook_secret: str | None = Field(default=None, repr=False)
    created_at: datetime
    updated_at: datetime
    version: int = 0
    """Incremented by every write; concurrent writers are detected by a condition on it."""

    @property
    def team_ids(self) -> list[str]:
        return [team.id for team in self.teams]
