"""Alert sources (§11), managed like pipelines; an id no ``POST`` created keeps its §4
meaning: the registered teams of an alert source the alerting system names by id."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import alert_sources as source_store
from shared.domain.errors import InvalidField, NotFound
from shared.domain.ids import integration_key_hash
from shared.domain.models.alert_sources import (
    AlertSourceCreateRequest,
    AlertSourceParams,
    AlertSourceRecord,
    AlertSourceResponse,
    AlertSourceType,
    AlertSourceUpdateRequest,
    check_proof_of_origin,
)
from shared.domain.models.alerts import RegisteredResource, RegisteredResourceResponse
from shared.domain.models.common import MAX_OWNER_TEAMS
from shared.domain.models.deliveries import DeliveryPage, LogOwner
from shared.domain.models.notifications import view_of
from shared.logic import registry
from shared.logic.keyed import KeyedResources, checked_webhook_secret
from shared.logic.registry import ResourceKind

NOT_CREATED = "no alert source with id {id} was created"
"""Only created sources have keys and a log; other ids may still be registered (§4)."""
ALERT_SOURCES = KeyedResources(source_store.ALERT_SOURCES, "als_", LogOwner.ALERT_SOURCE, NOT_CREATED)
INTAKE_PATH = "/api/v1/alerts/"


def integration_url(integration_type: AlertSourceType, base_url: str, integration_key: str) -> str:
    return f"{base_url}{INTAKE_PATH}{integration_type.value.lower()}/{integration_key}"


def to_response(record: AlertSourceRecord, base_url: str, integration_key: str | None = None) -> AlertSourceResponse:
    return AlertSourceResponse.of(
        record,
        integration_key,
        integration_url(record.integration_type, base_url, integration_key) if integration_key else None,
        params=record.params,
        notifications=[view_of(target) for target in record.notifications],
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def create_alert_source(request: AlertSourceCreateRequest, base_url: str, now: datetime) -> AlertSourceResponse:
    params = request.params or AlertSourceParams()
    check_proof_of_origin(request.integration_type, bool(request.webhook_secret), request.notifications or [])
    record, issued = ALERT_SOURCES.create(request, now, params=params, notifications=request.notifications or [])
    return to_response(record, base_url, issued.key)


def list_alert_sources(start_index: int, max_results: int, base_url: str) -> list[AlertSourceResponse]:
    return [to_response(record, base_url) for record in ALERT_SOURCES.page(start_index, max_results)]


def get_alert_source(alert_source_id: str, base_url: str) -> AlertSourceResponse | RegisteredResourceResponse:
    """A created source, else the teams registered under the id (§4)."""
    record = ALERT_SOURCES.find(alert_source_id)
    if record is not None:
        return to_response(record, base_url)
    return registry.get_resource(ResourceKind.ALERT_SOURCE, alert_source_id)


def put_alert_source(
    alert_source_id: str, body: AlertSourceUpdateRequest, now: datetime, base_url: str
) -> AlertSourceResponse | RegisteredResourceResponse:
    """A full update of a created source; for any other id, the §4 registry's PUT."""
    previous = ALERT_SOURCES.find_to_write(alert_source_id)
    if previous is None:
        registered = RegisteredResource(name=body.name, teams=body.teams or [])
        return registry.register_resource(
            ResourceKind.ALERT_SOURCE, alert_source_id, registered, now, body.notifications
        )
    webhook_secret = checked_webhook_secret(previous, body)
    if body.name is None:
        raise InvalidField.of("name", "Field required")
    if len(body.teams or []) > MAX_OWNER_TEAMS:
        raise InvalidField.of("teams", f"List should have at most {MAX_OWNER_TEAMS} items")
    notifications = previous.notifications if body.notifications is None else body.notifications
    check_proof_of_origin(previous.integration_type, bool(webhook_secret), notifications)
    changes = {
        "name": body.name,
        "teams": body.teams or [],
        "webhook_secret": webhook_secret,
        "params": body.params or AlertSourceParams(),
        "notifications": notifications,
    }
    return to_response(ALERT_SOURCES.revise(previous, changes, now), base_url)


def delete_alert_source(alert_source_id: str) -> None:
    """A created source's key stops working at once; for any other id, the registration goes."""
    record = ALERT_SOURCES.find(alert_source_id)
    if record is None:
        registry.unregister_resource(ResourceKind.ALERT_SOURCE, alert_source_id)
        return
    ALERT_SOURCES.delete(record)


def rotate_integration_key(alert_source_id: str, now: datetime, base_url: str) -> AlertSourceResponse:
    record, issued = ALERT_SOURCES.rotate_key(alert_source_id, now)
    return to_response(record, base_url, issued.key)


def delivery_log_of(alert_source_id: str, max_results: int, cursor: str | None) -> DeliveryPage:
    """Only created sources have keys and a log."""
    return ALERT_SOURCES.deliveries(alert_source_id, max_results, cursor)


def resolve_alert_source(integration_key: str, integration_type: AlertSourceType) -> AlertSourceRecord:
    """The same 404 whether the key is unknown, rotated or of another type (§7)."""
    record = (
        source_store.get_alert_source_by_key_hash(integration_key_hash(integration_key)) if integration_key else None
    )
    if record is None or record.integration_type is not integration_type:
        raise NotFound("unknown integration key")
    return record
