"""Deployment pipelines (SPEC §2): where events enter, who owns them, and how they are filtered."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import pipelines as pipeline_store
from shared.domain.errors import InvalidField, NotFound
from shared.domain.ids import integration_key_hash, is_storable_id, new_integration_key, new_sortable_id
from shared.domain.models.pipelines import (
    ALLOWED_EVENT_FILTERS,
    DEFAULT_BRANCH_FILTERS,
    DEFAULT_EVENT_FILTERS,
    IntegrationType,
    PipelineCreateRequest,
    PipelineParams,
    PipelineRecord,
    PipelineResponse,
    PipelineResponseParams,
    PipelineUpdateRequest,
)

INTEGRATION_KEY_PREFIX = "dpl_"
GENERIC_PATH = "/api/deployment-events"
WEBHOOK_PATHS = {
    IntegrationType.GITHUB: "/api/v1/deployment-events/github/",
    IntegrationType.GITLAB: "/api/v1/deployment-events/gitlab/",
    IntegrationType.ARGOCD: "/api/v1/deployment-events/argocd/",
    IntegrationType.PAGERDUTY_CHANGE: "/api/v1/deployment-events/pagerduty/",
}


def generate_integration_key() -> str:
    return new_integration_key(INTEGRATION_KEY_PREFIX)


def integration_url(integration_type: IntegrationType, base_url: str, integration_key: str | None) -> str | None:
    """The URL to paste into GitHub/GitLab; without the key it is only known for API pipelines."""
    if integration_type is IntegrationType.API:
        return base_url + GENERIC_PATH
    if integration_key is None:
        return None
    return base_url + WEBHOOK_PATHS[integration_type] + integration_key


def _resolve_params(integration_type: IntegrationType, params: PipelineParams | None) -> tuple[list[str], list[str]]:
    branch_filters = DEFAULT_BRANCH_FILTERS
    if params is not None and params.branch_filters is not None:
        branch_filters = list(dict.fromkeys(params.branch_filters))
    if not ALLOWED_EVENT_FILTERS[integration_type] or params is None or not params.event_filters:
        return branch_filters, list(DEFAULT_EVENT_FILTERS[integration_type])
    allowed = {name.lower(): name for name in ALLOWED_EVENT_FILTERS[integration_type]}
    unknown = [name for name in params.event_filters if name.lower() not in allowed]
    if unknown:
        raise InvalidField.of(
            "params.eventFilters",
            f"unknown {integration_type.value} event {unknown[0]!r}; allowed: {', '.join(allowed.values())}",
        )
    return branch_filters, list(dict.fromkeys(allowed[name.lower()] for name in params.event_filters))


def to_response(record: PipelineRecord, base_url: str, integration_key: str | None = None) -> PipelineResponse:
    return PipelineResponse(
        id=record.id,
        name=record.name,
        integration_type=record.integration_type,
        integration_key=integration_key,
        integration_key_hint=record.integration_key_hint,
        integration_url=integration_url(record.integration_type, base_url, integration_key),
        teams=record.teams,
        params=PipelineResponseParams(branch_filters=record.branch_filters, event_filters=record.event_filters),
        webhook_secret_set=bool(record.webhook_secret),
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def create_pipeline(request: PipelineCreateRequest, base_url: str, now: datetime) -> PipelineResponse:
    branch_filters, event_filters = _resolve_params(request.integration_type, request.params)
    integration_key = generate_integration_key()
    record = PipelineRecord(
        id=new_sortable_id(),
        name=request.name,
        integration_type=request.integration_type,
        integration_key_hash=integration_key_hash(integration_key),
        integration_key_hint=integration_key[-4:],
        teams=request.teams or [],
        branch_filters=branch_filters,
        event_filters=event_filters,
        webhook_secret=request.webhook_secret or None,
        created_at=now,
        updated_at=now,
    )
    pipeline_store.create_pipeline(record)
    return to_response(record, base_url, integration_key)


def _existing(pipeline_id: str) -> PipelineRecord:
    record = pipeline_store.get_pipeline(pipeline_id) if is_storable_id(pipeline_id) else None
    if record is None:
        raise NotFound(f"no deployment pipeline with id {pipeline_id!r}")
    return record


def get_pipeline(pipeline_id: str, base_url: str) -> PipelineResponse:
    return to_response(_existing(pipeline_id), base_url)


def list_pipelines(start_index: int, max_results: int, base_url: str) -> list[PipelineResponse]:
    return [to_response(record, base_url) for record in pipeline_store.list_pipelines(start_index, max_results)]


def update_pipeline(pipeline_id: str, request: PipelineUpdateRequest, now: datetime, base_url: str) -> PipelineResponse:
    """A full update as in ilert: omitted teams are cleared and omitted params reset to defaults."""
    previous = _existing(pipeline_id)
    if request.integration_type is not None and request.integration_type is not previous.integration_type:
        raise InvalidField.of("integrationType", "cannot change after creation")
    branch_filters, event_filters = _resolve_params(previous.integration_type, request.params)
    webhook_secret = previous.webhook_secret
    if "webhook_secret" in request.model_fields_set:
        webhook_secret = request.webhook_secret or None
    record = previous.model_copy(
        update={
            "name": request.name,
            "teams": request.teams or [],
            "branch_filters": branch_filters,
            "event_filters": event_filters,
            "webhook_secret": webhook_secret,
            "updated_at": max(now, previous.updated_at),
            "version": previous.version + 1,
        }
    )
    pipeline_store.replace_pipeline(previous, record)
    return to_response(record, base_url)


def rotate_integration_key(pipeline_id: str, now: datetime, base_url: str) -> PipelineResponse:
    """The old key stops working in the same transaction that creates the new one."""
    previous = _existing(pipeline_id)
    integration_key = generate_integration_key()
    record = previous.model_copy(
        update={
            "integration_key_hash": integration_key_hash(integration_key),
            "integration_key_hint": integration_key[-4:],
            "updated_at": max(now, previous.updated_at),
            "version": previous.version + 1,
        }
    )
    pipeline_store.replace_pipeline(previous, record)
    return to_response(record, base_url, integration_key)


def delete_pipeline(pipeline_id: str) -> None:
    """Stored events stay; the key stops working at once."""
    pipeline_store.delete_pipeline(_existing(pipeline_id))


def resolve_pipeline(integration_key: str, integration_type: IntegrationType | None) -> PipelineRecord:
    """The same 404 whether the key is unknown, rotated or of another type (SPEC §7); a type of
    None takes a pipeline of any type (the generic API)."""
    record = pipeline_store.get_pipeline_by_key_hash(integration_key_hash(integration_key)) if integration_key else None
    if record is None or integration_type not in (None, record.integration_type):
        raise NotFound("unknown integration key")
    return record
