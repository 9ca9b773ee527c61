"""Alert sources (SPEC §11): where alerts enter, as a pipeline is where deployments enter."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from shared.domain.models.common import ApiModel, ResourceId, Team, TeamList, UtcTime
from shared.domain.models.notifications import NotificationTarget, NotificationTargets, TargetView
from shared.domain.models.pipelines import MAX_PIPELINE_TEAMS, PipelineName, WebhookSecret


class AlertSourceType(StrEnum):
    ALERTMANAGER = "ALERTMANAGER"
    GRAFANA = "GRAFANA"
    PAGERDUTY = "PAGERDUTY"
    ILERT = "ILERT"
    GENERIC = "GENERIC"


LabelName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
DEFAULT_TEAM_LABEL = "team"
DEFAULT_SERVICE_LABELS = ["service", "app", "job"]
DEFAULT_ENVIRONMENT_LABELS = ["environment", "env"]
SourceTeams = Annotated[list[Team], Field(max_length=MAX_PIPELINE_TEAMS)]


class AlertSourceParams(ApiModel):
    """Which labels name an alert's teams, service and environment; the defaults fit Prometheus."""

    team_label: LabelName = DEFAULT_TEAM_LABEL
    service_labels: Annotated[list[LabelName], Field(max_length=20)] = Field(
        default_factory=lambda: list(DEFAULT_SERVICE_LABELS)
    )
    environment_labels: Annotated[list[LabelName], Field(max_length=20)] = Field(
        default_factory=lambda: list(DEFAULT_ENVIRONMENT_LABELS)
    )


class AlertSourceUpdateRequest(ApiModel):
    """A full update (PUT): omitted teams are cleared and omitted params reset, as for pipelines;
    an omitted ``webhookSecret`` is kept, ``null`` or ``""`` removes it. For an id no POST created
    it is SPEC §4's registration, ``{name?, teams}``, so ``name`` and up to 50 teams are allowed
    here and checked for created sources by the logic."""

    name: PipelineName | None = None
    integration_type: AlertSourceType | None = None
    teams: TeamList | None = None
    params: AlertSourceParams | None = None
    webhook_secret: WebhookSecret | None = Field(default=None, repr=False)
    notifications: NotificationTargets | None = None
    """Write-only (they hold secrets): omitted keeps them, ``[]`` removes them."""

    @field_validator("teams")
    @classmethod
    def _unique_team_ids(cls, teams: list[Team] | None) -> list[Team] | None:
        return None if teams is None else list({team.id: team for team in teams}.values())


class AlertSourceCreateRequest(AlertSourceUpdateRequest):
    name: PipelineName
    integration_type: AlertSourceType
    teams: SourceTeams | None = None


class AlertSourceResponse(ApiModel):
    id: str
    name: str
    integration_type: AlertSourceType
    integration_key: str | None = None
    integration_key_hint: str
    integration_url: str | None = None
    """Only with the key (create, rotate-key): the URL contains it."""
    teams: list[Team]
    params: AlertSourceParams
    webhook_secret_set: bool
    notifications: list[TargetView] = Field(default_factory=list)
    created_at: UtcTime
    updated_at: UtcTime


class AlertSourceRecord(BaseModel):
    """An alert source as stored; its integration key only as a SHA-256."""

    id: ResourceId
    name: str
    integration_type: AlertSourceType
    integration_key_hash: str
    integration_key_hint: str
    teams: list[Team]
    params: AlertSourceParams
    webhook_secret: str | None = Field(default=None, repr=False)
    notifications: list[NotificationTarget] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    version: int = 0

    @property
    def team_ids(self) -> list[str]:
        return [team.id for team in self.teams]
