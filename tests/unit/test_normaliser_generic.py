"""The generic API's normaliser (ilert-compatible body)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers import generic
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from tests.records import RECEIVED_AT, pipeline_record


def normalise(payload: dict[str, Any], headers: dict[str, str] | None = None) -> NormalisedEvent:
    result = generic.normalise(
        Delivery("deployment-event", payload, headers or {}, RECEIVED_AT), pipeline_record(IntegrationType.API)
    )
    assert isinstance(result, NormalisedEvent)
    return result


def test_minimal_ilert_body() -> None:
    event = normalise({"integrationKey": "k", "summary": "Campaign 'Black Friday' launched"})
    assert event.kind is EventKind.CUSTOM
    assert event.summary == "Campaign 'Black Friday' launched"
    assert event.timestamp == RECEIVED_AT
    assert event.natural_key is None
    assert event.custom_details == {}


def test_all_fields() -> None:
    event = normalise(
        {
            "apiKey": "k",
            "summary": "  Deployed shop v1.4.0  ",
            "timestamp": 1795953600,
            "userEmail": "alice@example.com",
            "userName": "alice",
            "customDetails": {"build": 42, "nested": {"ok": True}},
            "links": [{"href": "https://ci.example.com/42", "text": "Build 42"}],
            "repository": "acme/shop",
            "environment": "production",
            "version": "v1.4.0",
            "commitSha": "abc123",
            "branch": "main",
            "status": "success",
            "service": "shop",
        }
    )
    assert event.summary == "Deployed shop v1.4.0"
    assert event.timestamp == datetime(2026, 11, 29, 12, tzinfo=UTC)
    assert (event.repository, event.environment, event.version, event.service) == (
        "acme/shop",
        "production",
        "v1.4.0",
        "shop",
    )
    assert (event.commit_sha, event.branch, event.status) == ("abc123", "main", "success")
    assert event.custom_details == {"build": 42, "nested": {"ok": True}}
    assert [(link.href, link.text) for link in event.links] == [("https://ci.example.com/42", "Build 42")]


def test_summary_longer_than_1024_is_cut() -> None:
    assert len(normalise({"summary": "é" * 3000}).summary) == 1024


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": 5}, "summary"),
        ({"summary": "x", "timestamp": "next tuesday"}, "timestamp"),
        ({"summary": "x", "timestamp": True}, "timestamp"),
        ({"summary": "x", "userEmail": "not-an-email"}, "userEmail"),
        ({"summary": "x", "links": [{"href": "ftp://example.com"}]}, "links.0.href"),
        ({"summary": "x", "links": {"href": "https://example.com"}}, "links"),
        ({"summary": "x", "customDetails": ["a"]}, "customDetails"),
        ({"summary": "x", "environment": "e" * 600}, "environment"),
    ],
)
def test_field_errors_name_the_field(payload: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidField) as raised:
        normalise(payload)
    assert field in {problem.field for problem in raised.value.problems}
    assert field in raised.value.message


def test_idempotency_key_header_or_dedup_key_makes_a_natural_key() -> None:
    by_header = normalise({"summary": "x"}, {"idempotency-key": "deploy-42"})
    by_body = normalise({"summary": "x", "dedupKey": "deploy-42"})
    assert by_header.natural_key == by_body.natural_key == "generic:deploy-42"
    assert by_header.revision is not None


def test_same_body_has_same_revision_whatever_the_key_or_layout() -> None:
    first = normalise({"integrationKey": "old", "summary": "x", "timestamp": 1795953600}, {"idempotency-key": "k"})
    again = normalise({"timestamp": 1795953600, "summary": "x", "apiKey": "rotated"}, {"idempotency-key": "k"})
    changed = normalise({"summary": "y", "timestamp": 1795953600}, {"idempotency-key": "k"})
    assert first.revision is not None
    assert again.revision is not None
    assert changed.revision is not None
    assert first.revision.identity == again.revision.identity
    assert changed.revision.identity != first.revision.identity
