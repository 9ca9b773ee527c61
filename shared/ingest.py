"""Ingest (SPEC §3): from a raw request to a stored, deduplicated deployment event.

The checks run in the order SPEC §3 fixes, so that each failure gets its status code:
413 size, 415 content type, 404 key, 401 signature, 400 JSON, 422 fields. The generic API carries
its key in the body, so there the JSON is read before the key is looked up.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qs

from pydantic import Field

from shared import store
from shared.errors import BadRequest, Busy, InvalidField, PayloadTooLarge, Unauthorized, UnsupportedMediaType
from shared.ids import event_id_for
from shared.models.common import ApiModel
from shared.models.events import DeploymentEvent, Revision
from shared.models.pipelines import IntegrationType, PipelineRecord
from shared.normalisers.common import Delivery, Ignored, NormalisedEvent, Normaliser
from shared.pipelines import resolve_pipeline
from shared.settings import store_settings
from shared.strict_json import parse_json
from shared.timestamps import FUTURE_TOLERANCE

MAX_BODY_BYTES = 256 * 1024
MAX_WRITE_ATTEMPTS = 5

JSON_CONTENT = "json"
FORM_CONTENT = "form"


@dataclass(frozen=True)
class RawRequest:
    body: bytes
    headers: Mapping[str, str]
    """Lower-case names, as API Gateway's HTTP API passes them."""


class IngestOutcome(ApiModel):
    """The body of every 2xx ingest response: accepted or duplicate with an id, or ignored."""

    status: Literal["accepted", "duplicate", "ignored"]
    id: str | None = None
    reason: str | None = None
    reason_code: str | None = Field(default=None, exclude=True)

    @property
    def metric_outcome(self) -> str:
        return f"ignored:{self.reason_code}" if self.status == "ignored" else self.status

    @property
    def http_status(self) -> int:
        return 200 if self.status == "ignored" else 202


def ingest_github(integration_key: str, request: RawRequest, received_at: datetime) -> IngestOutcome:
    _check_size(request)
    content = _content_kind(request, allow_form=True)
    pipeline = resolve_pipeline(integration_key, IntegrationType.GITHUB)
    if pipeline.webhook_secret:
        verify_github_signature(pipeline.webhook_secret, request.body, request.headers.get("x-hub-signature-256", ""))
    payload = _form_payload(request.body) if content == FORM_CONTENT else parse_json_object(request.body)
    event_name = _required_header(request, "x-github-event", "X-GitHub-Event")
    from shared.normalisers import github  # noqa: PLC0415 - load only this source's models

    return _normalise_and_record(
        github.normalise, Delivery(event_name, payload, request.headers, received_at), pipeline
    )


def ingest_gitlab(integration_key: str, request: RawRequest, received_at: datetime) -> IngestOutcome:
    _check_size(request)
    _content_kind(request, allow_form=False)
    pipeline = resolve_pipeline(integration_key, IntegrationType.GITLAB)
    if pipeline.webhook_secret:
        verify_gitlab_token(pipeline.webhook_secret, request.headers.get("x-gitlab-token"))
    payload = parse_json_object(request.body)
    event_name = _required_header(request, "x-gitlab-event", "X-Gitlab-Event")
    from shared.normalisers import gitlab  # noqa: PLC0415 - load only this source's models

    return _normalise_and_record(
        gitlab.normalise, Delivery(event_name, payload, request.headers, received_at), pipeline
    )


def ingest_generic(request: RawRequest, received_at: datetime) -> IngestOutcome:
    _check_size(request)
    _content_kind(request, allow_form=False)
    payload = parse_json_object(request.body)
    integration_key = payload.get("integrationKey") or payload.get("apiKey")
    if not isinstance(integration_key, str) or not integration_key:
        raise InvalidField.of("integrationKey", "is required (apiKey is accepted too)")
    pipeline = resolve_pipeline(integration_key, IntegrationType.API)
    delivery = Delivery("deployment-event", payload, request.headers, received_at)
    from shared.normalisers import generic  # noqa: PLC0415 - load only this source's models

    return _normalise_and_record(generic.normalise, delivery, pipeline)


def _check_size(request: RawRequest) -> None:
    if len(request.body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is larger than {MAX_BODY_BYTES // 1024} KiB")


def _content_kind(request: RawRequest, *, allow_form: bool) -> str:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json")):
        return JSON_CONTENT
    if allow_form and media_type == "application/x-www-form-urlencoded":
        return FORM_CONTENT
    accepted = "application/json or application/x-www-form-urlencoded" if allow_form else "application/json"
    raise UnsupportedMediaType(f"Content-Type must be {accepted}, not {media_type or 'missing'!r}")


def verify_github_signature(secret: str, body: bytes, signature: str) -> None:
    """HMAC-SHA256 over the raw body bytes as received, compared in constant time."""
    if not signature.startswith("sha256="):
        raise Unauthorized("X-Hub-Signature-256 is missing; this pipeline has a webhook secret")
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "surrogateescape")):
        raise Unauthorized("X-Hub-Signature-256 does not match the body and the pipeline's webhook secret")


def verify_gitlab_token(secret: str, token: str | None) -> None:
    if token is None:
        raise Unauthorized("X-Gitlab-Token is missing; this pipeline has a webhook secret")
    if not hmac.compare_digest(secret.encode("utf-8"), token.encode("utf-8", "surrogateescape")):
        raise Unauthorized("X-Gitlab-Token does not match the pipeline's webhook secret")


def _required_header(request: RawRequest, name: str, display_name: str) -> str:
    value = request.headers.get(name, "").strip()
    if not value:
        raise BadRequest(f"the {display_name} header is missing")
    return value


def parse_json_object(body: bytes) -> dict[str, Any]:
    """Strict JSON (see ``parse_json``) in valid UTF-8, with an object at the top."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None
    value = parse_json(text)
    if not isinstance(value, dict):
        raise BadRequest("the body must be a JSON object")
    return value


def _form_payload(body: bytes) -> dict[str, Any]:
    """GitHub's form encoding carries the JSON in the ``payload`` field."""
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("the form body is not valid URL-encoded UTF-8") from None
    payload = fields.get("payload")
    if not payload:
        raise BadRequest("the form body has no 'payload' field")
    return parse_json_object(payload[0].encode("utf-8", "surrogateescape"))


def _normalise_and_record(normaliser: Normaliser, delivery: Delivery, pipeline: PipelineRecord) -> IngestOutcome:
    result = normaliser(delivery, pipeline)
    if isinstance(result, Ignored):
        return IngestOutcome(status="ignored", reason=result.reason, reason_code=result.code)
    return record_event(pipeline, result, delivery.received_at)


def _deployment_event(pipeline: PipelineRecord, normalised: NormalisedEvent, received_at: datetime) -> DeploymentEvent:
    return DeploymentEvent(
        id=event_id_for(pipeline.id, normalised.natural_key),
        pipeline_id=pipeline.id,
        pipeline_name=pipeline.name,
        integration_type=pipeline.integration_type,
        kind=normalised.kind,
        summary=normalised.summary,
        timestamp=normalised.timestamp,
        received_at=received_at,
        teams=pipeline.team_ids,
        repository=normalised.repository,
        service=normalised.service,
        environment=normalised.environment,
        version=normalised.version,
        commit_sha=normalised.commit_sha,
        branch=normalised.branch,
        status=normalised.status,
        user_name=normalised.user_name,
        user_email=normalised.user_email,
        links=normalised.links,
        custom_details=normalised.custom_details,
    )


def record_event(pipeline: PipelineRecord, normalised: NormalisedEvent, received_at: datetime) -> IngestOutcome:
    """Stores a new event, or moves an existing one to a newer state; never two records.

    Every decision is backed by a conditional write, so concurrent deliveries of the same change
    settle on one record whatever their interleaving. Only events within the retention period
    are kept: anything older would expire at once and could never be correlated.
    """
    retention = timedelta(days=store_settings().retention_days)
    if normalised.timestamp < received_at - retention:
        reason = f"the event happened before the retention period of {retention.days} days"
        return IngestOutcome(status="ignored", reason=reason, reason_code="too_old")
    if normalised.timestamp > received_at + FUTURE_TOLERANCE:
        raise InvalidField.of("timestamp", "is more than a day in the future")
    event = _deployment_event(pipeline, normalised, received_at)
    for attempt in range(MAX_WRITE_ATTEMPTS):
        try:
            outcome = _write_once(event, normalised.revision)
        except store.WriteConflict:
            time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter, not security
            continue
        if outcome is not None:
            return outcome
    raise Busy("the event is being updated by concurrent deliveries; retry")


def _write_once(event: DeploymentEvent, revision: Revision | None) -> IngestOutcome | None:
    """One conditional attempt; None when another writer got in between and it is worth retrying."""
    if store.insert_event(event, revision):
        return IngestOutcome(status="accepted", id=event.id)
    if revision is None:
        return IngestOutcome(status="duplicate", id=event.id)
    current = store.get_event(event.id)
    if current is None:
        return None
    if current.revision is None or current.revision.identity == revision.identity:
        return IngestOutcome(status="duplicate", id=event.id)
    if not revision.is_newer_than(current.revision):
        return IngestOutcome(status="ignored", reason="stale status", reason_code="stale_status")
    return IngestOutcome(status="accepted", id=event.id) if store.replace_event(current, event, revision) else None
