"""Alert sources (§11): where alerts enter, as a pipeline is where deployments enter."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StringConstraints

from shared.domain.errors import InvalidField
from shared.domain.models.common import ApiModel, DistinctTeams, OwnerTeams, UtcTime
from shared.domain.models.keyed import KeyedRecord, KeyedResponse, ResourceName, WebhookSecret
from shared.domain.models.notifications import (
    NotificationTargets,
    StoredTarget,
    TargetView,
    sealed_target,
)
from shared.domain.models.sealed import Seal


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
    it is §4's registration, ``{name?, teams}``, so ``name`` and up to 50 teams are allowed
    here and checked for created sources by the logic."""

    name: ResourceName | None = None
    integration_type: AlertSourceType | None = None
    teams: DistinctTeams | None = None
    params: AlertSourceParams | None = None
    webhook_secret: WebhookSecret | None = Field(default=None, repr=False)
    notifications: NotificationTargets | None = None
    """Write-only (they hold secrets): omitted keeps them, ``[]`` removes them."""


class AlertSourceCreateRequest(AlertSourceUpdateRequest):
    name: ResourceName
    integration_type: AlertSourceType
    teams: OwnerTeams | None = None


class AlertSourceResponse(KeyedResponse):
    integration_type: AlertSourceType
    params: AlertSourceParams
    notifications: list[TargetView] = Field(default_factory=list)
    created_at: UtcTime
    updated_at: UtcTime


class AlertSourceRecord(KeyedRecord):
    """An alert source as stored; its notification targets, which notify reads by the source's
    id, only in the listed record (§22)."""

    record_kind = "alert-source"
    listed_only = frozenset({"notifications"})

    integration_type: AlertSourceType
    params: AlertSourceParams
    notifications: list[StoredTarget] = Field(default_factory=list)

    def sealed_with(self, seal: Seal) -> Self:
        place = self.secret_place("notifications")
        targets = [sealed_target(target, place, seal) for target in self.notifications]
        return super().sealed_with(seal).model_copy(update={"notifications": targets})


ANNOTATED_SOURCES = frozenset({AlertSourceType.PAGERDUTY, AlertSourceType.ILERT})
"""Sources whose alerts name an incident or alert of the sender, which note and comment targets annotate."""
ANNOTATING_TARGETS = frozenset({"PAGERDUTY", "ILERT"})


def check_proof_of_origin(
    integration_type: AlertSourceType, has_webhook_secret: bool, notifications: Sequence[StoredTarget]
) -> None:
    """§22: a source that annotates its sender's incidents needs its ``webhookSecret``, or the
    holder of its intake URL alone could have notes written, with the stored token, on any incident."""
    annotates = any(target.type in ANNOTATING_TARGETS for target in notifications)
    if integration_type in ANNOTATED_SOURCES and annotates and not has_webhook_secret:
        raise InvalidField.of(
            "webhookSecret", f"required for a {integration_type.value} source with note or comment notifications"
        )
