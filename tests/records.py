"""Builders of domain records for unit tests (no AWS)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.domain.models.common import Team
from shared.domain.models.pipelines import (
    DEFAULT_BRANCH_FILTERS,
    DEFAULT_EVENT_FILTERS,
    IntegrationType,
    PipelineRecord,
)
from shared.domain.normalisers.common import Delivery
from tests.fixture_files import fixture_headers, fixture_json

RECEIVED_AT = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def pipeline_record(
    integration_type: IntegrationType = IntegrationType.GITHUB,
    *,
    event_filters: list[str] | None = None,
    branch_filters: list[str] | None = None,
    teams: list[Team] | None = None,
) -> PipelineRecord:
    return PipelineRecord(
        id="01PIPELINE",
        name=f"{integration_type.value.lower()}-pipeline",
        integration_type=integration_type,
        integration_key_hash="0" * 64,
        integration_key_hint="abcd",
        teams=teams or [Team(id="payments", name="Payments")],
        branch_filters=DEFAULT_BRANCH_FILTERS if branch_filters is None else branch_filters,
        event_filters=DEFAULT_EVENT_FILTERS[integration_type] if event_filters is None else event_filters,
        created_at=RECEIVED_AT,
        updated_at=RECEIVED_AT,
    )


def fixture_delivery(name: str, event_header: str, **payload_changes: Any) -> Delivery:
    """A real fixture payload as delivered, with its headers; changes apply to a copy."""
    headers = fixture_headers(name)
    payload = fixture_json(name)
    payload.update(payload_changes)
    return Delivery(headers[event_header], payload, headers, RECEIVED_AT)
