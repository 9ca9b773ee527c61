"""The largest event the API accepts, on a pipeline with the most teams, fits one transaction."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.store import events as store
from shared.domain.models.common import MAX_OWNER_TEAMS, Link
from shared.domain.models.deployments import SUMMARY_MAX_LENGTH, DeploymentEvent, EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.requests import MAX_BODY_BYTES
from shared.settings import reset_settings_cache
from tests.records import RECEIVED_AT

DYNAMODB_TRANSACTION_LIMIT = 4 * 1024 * 1024
DYNAMODB_ITEM_LIMIT = 400 * 1024


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's size of an item: attribute names plus values (strings and numbers as text)."""
    size = 0
    for name, value in item.items():
        ((kind, content),) = value.items()
        size += len(name.encode()) + (len(str(content).encode()) if kind in ("S", "N") else len(repr(content)))
    return size


def test_the_largest_event_fits_one_transaction_and_each_item_fits_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TABLE_NAME", "events")
    reset_settings_cache()
    # Given an event carrying a whole body's worth of custom details, of a pipeline with the most teams
    padding = "é" * (MAX_BODY_BYTES // 2)
    event = DeploymentEvent(
        id="00000000-0000-5000-8000-000000000000",
        pipeline_id="01PIPELINE",
        pipeline_name="p" * 255,
        integration_type=IntegrationType.API,
        kind=EventKind.CUSTOM,
        summary="s" * SUMMARY_MAX_LENGTH,
        timestamp=RECEIVED_AT,
        received_at=RECEIVED_AT,
        teams=[f"team-{index:03d}-{'t' * 110}" for index in range(MAX_OWNER_TEAMS)],
        links=[Link(href="https://example.com/" + "x" * 2000, text="t" * 255)],
        custom_details={"padding": padding},
    )
    # When it is turned into the items written together
    items = store.event_items(event, None)
    # Then each is under DynamoDB's item limit and all of them under its transaction limit
    assert len(items) == 2 + MAX_OWNER_TEAMS
    assert max(item_size(item) for item in items) < DYNAMODB_ITEM_LIMIT
    assert sum(item_size(item) for item in items) < DYNAMODB_TRANSACTION_LIMIT
    reset_settings_cache()
