"""Alert sources (SPEC §11), managed like pipelines; an id no ``POST`` created keeps its §4
meaning: the registered teams of an alert source the alerting system names by id."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import alert_sources as source_store
from shared.domain.errors import InvalidField, NotFound
from shared.domain.ids import integration_key_hash, is_storable_id, new_integration_key, new_sortable_id
from shared.domain.models.alert_sources import (
    AlertSourceCreateRequest,
    AlertSourceParams,
    AlertSourceRecord,
    AlertSourceResponse,
    AlertSourceType,
    AlertSourceUpdateRequest,
)
from shared.domain.models.alerts import RegisteredResource, RegisteredResourceResponse
from shared.domain.models.notifications import view_of
from shared.domain.models.pipelines import MAX_PIPELINE_TEAMS
from shared.logic import registry
from shared.logic.registry import ResourceKind

INTEGRATION_KEY_PREFIX = "als_"
INTAKE_PATH = "/api/v1/alerts/"


def integration_url(integration_type: AlertSourceType, base_url: str, integration_key: str) -> str:
    return f"{base_url}{INTAKE_PATH}{integration_type.value.lower()}/{integration_key}"


def to_response(record: AlertSourceRecord, base_url: str, integration_key: str | None = None) -> AlertSourceResponse:
    return AlertSourceResponse(
        id=record.id,
        name=record.name,
        integration_type=record.integration_type,
        integration_key=integration_key,
        integration_key_hint=record.integration_key_hint,
        integration_url=integration_url(record.integration_type, base_url, integration_key)
        if integration_key
        else None,
        teams=record.teams,
        params=record.params,
        webhook_secret_set=bool(record.webhook_secret),
        notifications=[view_of(target) for target in record.notifications],
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def create_alert_source(request: AlertSourceCreateRequest, base_url: str, now: datetime) -> AlertSourceResponse:
    integration_key = new_integration_key(INTEGRATION_KEY_PREFIX)
    record = AlertSourceRecord(
        id=new_sortable_id(),
        name=request.name,
        integration_type=request.integration_type,
        integration_key_hash=integration_key_hash(integration_key),
        integration_key_hint=integration_key[-4:],
        teams=request.teams or [],
        params=request.params or AlertSourceParams(),
        webhook_secret=request.webhook_secret or None,
        notifications=request.notifications or [],
        created_at=now,
        updated_at=now,
    )
    source_store.create_alert_source(record)
    return to_response(record, base_url, integration_key)


def list_alert_sources(start_index: int, max_results: int, base_url: str) -> list[AlertSourceResponse]:
    return [to_response(record, base_url) for record in source_store.list_alert_sources(start_index, max_results)]


def _created(alert_source_id: str) -> AlertSourceRecord | None:
    return source_store.get_alert_source(alert_source_id) if is_storable_id(alert_source_id) else None


def get_alert_source(alert_source_id: str, base_url: str) -> AlertSourceResponse | RegisteredResourceResponse:
    """A created source, else the teams registered under the id (SPEC §4)."""
    record = _created(alert_source_id)
    if record is not None:
        return to_response(record, base_url)
    return registry.get_resource(ResourceKind.ALERT_SOURCE, alert_source_id)


def put_alert_source(
    alert_source_id: str, body: AlertSourceUpdateRequest, now: datetime, base_url: str
) -> AlertSourceResponse | RegisteredResourceResponse:
    """A full update of a created source; for any other id, the §4 registry's PUT."""
    previous = _created(alert_source_id)
    if previous is None:
        registered = RegisteredResource(name=body.name, teams=body.teams or [])
        return registry.register_resource(
            ResourceKind.ALERT_SOURCE, alert_source_id, registered, now, body.notifications
        )
    if body.integration_type is not None and body.integration_type is not previous.integration_type:
        raise InvalidField.of("integrationType", "cannot change after creation")
    if body.name is None:
        raise InvalidField.of("name", "Field required")
    if len(body.teams or []) > MAX_PIPELINE_TEAMS:
        raise InvalidField.of("teams", f"List should have at most {MAX_PIPELINE_TEAMS} items")
    webhook_secret = previous.webhook_secret
    if "webhook_secret" in body.model_fields_set:
        webhook_secret = body.webhook_secret or None
    record = previous.model_copy(
        update={
            "name": body.name,
            "teams": body.teams or [],
            "params": body.params or AlertSourceParams(),
            "webhook_secret": webhook_secret,
            "notifications": previous.notifications if body.notifications is None else body.notifications,
            "updated_at": max(now, previous.updated_at),
            "version": previous.version + 1,
        }
    )
    source_store.replace_alert_source(previous, record)
    return to_response(record, base_url)


def delete_alert_source(alert_source_id: str) -> None:
    """A created source's key stops working at once; for any other id, the registration goes."""
    record = _created(alert_source_id)
    if record is None:
        registry.unregister_resource(ResourceKind.ALERT_SOURCE, alert_source_id)
        return
    source_store.delete_alert_source(record)


def created_source(alert_source_id: str) -> AlertSourceRecord:
    """The created source of this id, or a 404: only created sources have keys and a log."""
    record = _created(alert_source_id)
    if record is None:
        raise NotFound(f"no alert source with id {alert_source_id!r} was created")
    return record


def rotate_integration_key(alert_source_id: str, now: datetime, base_url: str) -> AlertSourceResponse:
    previous = created_source(alert_source_id)
    integration_key = new_integration_key(INTEGRATION_KEY_PREFIX)
    record = previous.model_copy(
        update={
            "integration_key_hash": integration_key_hash(integration_key),
            "integration_key_hint": integration_key[-4:],
            "updated_at": max(now, previous.updated_at),
            "version": previous.version + 1,
        }
    )
    source_store.replace_alert_source(previous, record)
    return to_response(record, base_url, integration_key)


def resolve_alert_source(integration_key: str, integration_type: AlertSourceType) -> AlertSourceRecord:
    """The same 404 whether the key is unknown, rotated or of another type (SPEC §7)."""
    record = (
        source_store.get_alert_source_by_key_hash(integration_key_hash(integration_key)) if integration_key else None
    )
    if record is None or record.integration_type is not integration_type:
        raise NotFound("unknown integration key")
    return record
