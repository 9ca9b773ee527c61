"""Deployment pipelines (§2): where events enter, who owns them, and how they are filtered."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import pipelines as pipeline_store
from shared.domain.errors import Conflict, InvalidField, NotFound
from shared.domain.ids import integration_key_hash
from shared.domain.models.deliveries import DeliveryPage, LogOwner
from shared.domain.models.forwarders import forwarder_view
from shared.domain.models.keyed import IssuedKey
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
from shared.logic.keyed import KeyedResources, checked_webhook_secret

PIPELINES = KeyedResources(pipeline_store.PIPELINES, "dpl_", LogOwner.PIPELINE, "no deployment pipeline with id {id}")
GENERIC_PATH = "/api/deployment-events"
WEBHOOK_PATHS = {
    IntegrationType.GITHUB: "/api/v1/deployment-events/github/",
    IntegrationType.GITLAB: "/api/v1/deployment-events/gitlab/",
    IntegrationType.ARGOCD: "/api/v1/deployment-events/argocd/",
    IntegrationType.PAGERDUTY_CHANGE: "/api/v1/deployment-events/pagerduty/",
    IntegrationType.LAUNCHDARKLY: "/api/v1/deployment-events/launchdarkly/",
    IntegrationType.UNLEASH: "/api/v1/deployment-events/unleash/",
    IntegrationType.TERRAFORM: "/api/v1/deployment-events/terraform/",
    IntegrationType.CDEVENTS: "/api/v1/deployment-events/cdevents/",
    IntegrationType.FLUX: "/api/v1/deployment-events/flux/",
}


def integration_url(integration_type: IntegrationType, base_url: str, integration_key: str | None) -> str | None:
    """The URL to paste into GitHub/GitLab; without the key it is only known for API pipelines."""
    if integration_type is IntegrationType.API:
        return base_url + GENERIC_PATH
    if integration_key is None or integration_type not in WEBHOOK_PATHS:
        return None
    return base_url + WEBHOOK_PATHS[integration_type] + integration_key


def _resolve_params(integration_type: IntegrationType, params: PipelineParams | None) -> tuple[list[str], list[str]]:
    branch_filters = DEFAULT_BRANCH_FILTERS
    if params is not None and params.branch_filters is not None:
        branch_filters = list(dict.fromkeys(params.branch_filters))
    return branch_filters, _event_filters(integration_type, params.event_filters if params else None)


def _event_filters(integration_type: IntegrationType, requested: list[str] | None) -> list[str]:
    """The events named as the sender names them, whatever their case; the defaults when none are."""
    if not ALLOWED_EVENT_FILTERS[integration_type] or not requested:
        return list(DEFAULT_EVENT_FILTERS[integration_type])
    allowed = {name.lower(): name for name in ALLOWED_EVENT_FILTERS[integration_type]}
    unknown = [name for name in requested if name.lower() not in allowed]
    if unknown:
        raise InvalidField.of(
            "params.eventFilters",
            f"unknown {integration_type.value} event {unknown[0]!r}; allowed: {', '.join(allowed.values())}",
        )
    return list(dict.fromkeys(allowed[name.lower()] for name in requested))


def to_response(record: PipelineRecord, base_url: str, integration_key: str | None = None) -> PipelineResponse:
    return PipelineResponse.of(
        record,
        integration_key,
        integration_url(record.integration_type, base_url, integration_key),
        params=PipelineResponseParams(branch_filters=record.branch_filters, event_filters=record.event_filters),
        created_at=record.created_at,
        updated_at=record.updated_at,
        forwarders=[forwarder_view(forwarder) for forwarder in record.forwarders],
    )


def create_pipeline(request: PipelineCreateRequest, base_url: str, now: datetime) -> PipelineResponse:
    if request.integration_type is IntegrationType.AWS:
        raise InvalidField.of("integrationType", "an AWS pipeline is created by the account's first AWS change")
    branch_filters, event_filters = _resolve_params(request.integration_type, request.params)
    forwarders = request.forwarders or []
    record, issued = PIPELINES.create(
        request,
        now,
        branch_filters=branch_filters,
        event_filters=event_filters,
        forwarders=forwarders,
        forwards=bool(forwarders),
    )
    return to_response(record, base_url, issued.key)


def get_pipeline(pipeline_id: str, base_url: str) -> PipelineResponse:
    return to_response(PIPELINES.existing(pipeline_id), base_url)


def list_pipelines(start_index: int, max_results: int, base_url: str) -> list[PipelineResponse]:
    return [to_response(record, base_url) for record in PIPELINES.page(start_index, max_results)]


def update_pipeline(pipeline_id: str, request: PipelineUpdateRequest, now: datetime, base_url: str) -> PipelineResponse:
    """A full update as in ilert: omitted teams are cleared and omitted params reset to defaults."""
    previous = PIPELINES.existing_to_write(pipeline_id)
    webhook_secret = checked_webhook_secret(previous, request)
    branch_filters, event_filters = _resolve_params(previous.integration_type, request.params)
    forwarders = previous.forwarders if request.forwarders is None else request.forwarders
    changes = {
        "forwarders": forwarders,
        "forwards": bool(forwarders),
        "name": request.name,
        "teams": request.teams or [],
        "webhook_secret": webhook_secret,
        "branch_filters": branch_filters,
        "event_filters": event_filters,
    }
    return to_response(PIPELINES.revise(previous, changes, now), base_url)


def rotate_integration_key(pipeline_id: str, now: datetime, base_url: str) -> PipelineResponse:
    record, issued = PIPELINES.rotate_key(pipeline_id, now)
    return to_response(record, base_url, issued.key)


def delete_pipeline(pipeline_id: str) -> None:
    PIPELINES.delete(PIPELINES.existing(pipeline_id))


def delivery_log_of(pipeline_id: str, max_results: int, cursor: str | None) -> DeliveryPage:
    return PIPELINES.deliveries(pipeline_id, max_results, cursor)


def resolve_pipeline(integration_key: str, integration_type: IntegrationType | None) -> PipelineRecord:
    """The same 404 whether the key is unknown, rotated or of another type (§7); a type of
    None takes a pipeline of any type (the generic API)."""
    record = pipeline_store.get_pipeline_by_key_hash(integration_key_hash(integration_key)) if integration_key else None
    if record is None or integration_type not in (None, record.integration_type):
        raise NotFound("unknown integration key")
    return record


def aws_pipeline(account: str, now: datetime) -> PipelineRecord:
    """The account's ``AWS`` pipeline (§20), created by its first change: its id is the account's
    and its creation conditional, so concurrent first changes settle on one pipeline."""
    pipeline_id = f"aws-{account}"
    existing = PIPELINES.find(pipeline_id)
    if existing is not None:
        return existing
    issued = IssuedKey.new(PIPELINES.key_prefix)
    record = PipelineRecord(
        id=pipeline_id,
        name=f"AWS {account}",
        integration_type=IntegrationType.AWS,
        integration_key_hash=issued.key_hash,
        integration_key_hint=issued.key_hint,
        teams=[],
        created_at=now,
        updated_at=now,
        branch_filters=[],
        event_filters=[],
    )
    try:
        pipeline_store.PIPELINES.create(record)
    except Conflict:
        return PIPELINES.existing(pipeline_id)
    return record
