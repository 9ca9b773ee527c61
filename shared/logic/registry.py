"""The registry (§4): teams of alert sources and escalation policies that alerting systems
name by id only (ilert's outbound webhook does), and how an alert gets them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from shared.adapters import envelope
from shared.adapters.store import registry as registry_store
from shared.domain.errors import NotFound
from shared.domain.ids import is_storable_id
from shared.domain.models.alerts import Alert, AlertResource, RegisteredResource, RegisteredResourceResponse
from shared.domain.models.common import Team
from shared.domain.models.notifications import (
    REGISTERED_SOURCE_KIND,
    NotificationTarget,
    StoredTarget,
    sealed_target,
    stored_targets_adapter,
    view_of,
)
from shared.domain.models.sealed import SecretPlace


class ResourceKind(StrEnum):
    ALERT_SOURCE = "alert-source"
    ESCALATION_POLICY = "escalation-policy"


def _checked_id(resource_id: str) -> str:
    if not is_storable_id(resource_id):
        raise NotFound(f"no resource with id {resource_id!r}")
    return resource_id


def register_resource(
    kind: ResourceKind,
    resource_id: str,
    resource: RegisteredResource,
    now: datetime,
    notifications: list[NotificationTarget] | None = None,
) -> RegisteredResourceResponse:
    """Registers teams; an alert source's notification targets too (§13), kept when omitted and
    stored sealed (§22)."""
    _checked_id(resource_id)
    targets: list[StoredTarget] = list(notifications or [])
    if notifications is None and kind is ResourceKind.ALERT_SOURCE:
        previous = registry_store.get_registered_many([(kind, resource_id)]).get((kind, resource_id)) or {}
        targets = list(stored_targets_adapter().validate_python(previous.get("notifications") or []))
    registered = RegisteredResourceResponse(id=resource_id, name=resource.name, teams=resource.teams, updated_at=now)
    values = registered.model_dump(mode="json")
    if targets:
        place = SecretPlace(REGISTERED_SOURCE_KIND, resource_id, "notifications")
        sealed: list[StoredTarget] = [sealed_target(target, place, envelope.seal) for target in targets]
        values["notifications"] = stored_targets_adapter().dump_python(sealed, mode="json", by_alias=True)
    registry_store.put_registered(kind, resource_id, values)
    return registered.model_copy(update={"notifications": [view_of(target) for target in targets] or None})


def _response(values: dict[str, object]) -> RegisteredResourceResponse:
    targets = stored_targets_adapter().validate_python(values.get("notifications") or [])
    shown = {name: value for name, value in values.items() if name != "notifications"}
    return RegisteredResourceResponse.model_validate(
        {**shown, "notifications": [view_of(target) for target in targets] or None}
    )


def get_resource(kind: ResourceKind, resource_id: str) -> RegisteredResourceResponse:
    found = registry_store.get_registered_many([(kind, _checked_id(resource_id))]).get((kind, resource_id))
    if found is None:
        raise NotFound(f"no {kind.value} {resource_id!r} is registered")
    return _response(found)


def unregister_resource(kind: ResourceKind, resource_id: str) -> None:
    if not registry_store.delete_registered(kind, _checked_id(resource_id)):
        raise NotFound(f"no {kind.value} {resource_id!r} is registered")


def with_registered_teams(alert: Alert) -> Alert:
    """Fills the teams of an alert source or escalation policy named by id only from the registry,
    in one BatchGetItem; teams in the alert itself win, resource by resource."""
    wanted: dict[ResourceKind, AlertResource] = {}
    for kind, resource in (
        (ResourceKind.ALERT_SOURCE, alert.alert_source),
        (ResourceKind.ESCALATION_POLICY, alert.escalation_policy),
    ):
        if resource is not None and not resource.teams and resource.id and is_storable_id(resource.id):
            wanted[kind] = resource
    if not wanted:
        return alert
    registered = registry_store.get_registered_many([(kind, str(resource.id)) for kind, resource in wanted.items()])
    updates = {}
    for kind, resource in wanted.items():
        found = registered.get((kind, str(resource.id)))
        if found:
            teams = [Team.model_validate(team) for team in found.get("teams", [])]
            field = "alert_source" if kind is ResourceKind.ALERT_SOURCE else "escalation_policy"
            updates[field] = resource.model_copy(update={"teams": teams})
    return alert.model_copy(update=updates)
