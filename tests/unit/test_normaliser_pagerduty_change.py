"""The PagerDuty Change Events normaliser against PagerDuty's example and the bodies its GitHub Action
sends (tests/fixtures/pagerduty)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers import pagerduty_change
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from tests.fixture_files import fixture_json
from tests.records import RECEIVED_AT, pipeline_record


def normalise(payload: dict[str, Any]) -> NormalisedEvent:
    result = pagerduty_change.normalise(
        Delivery("change", payload, {}, RECEIVED_AT), pipeline_record(IntegrationType.API)
    )
    assert isinstance(result, NormalisedEvent)
    return result


def rejected(payload: dict[str, Any]) -> InvalidField:
    with pytest.raises(InvalidField) as raised:
        normalise(payload)
    return raised.value


def test_pagerdutys_published_example() -> None:
    event = normalise(fixture_json("pagerduty/change_event.request.json"))
    assert event.kind is EventKind.CUSTOM
    assert event.summary == "Build Success: Increase snapshot create timeout to 30 seconds"
    # "2020-07-17T08:42:58.315+0000": an offset without a colon
    assert event.timestamp == datetime(2020, 7, 17, 8, 42, 58, 315000, tzinfo=UTC)
    assert event.custom_details == {
        "build_state": "passed",
        "build_number": "2",
        "run_time": "1236s",
        "source": "acme-build-pipeline-tool-default-i-9999",
    }
    assert [(link.href, link.text) for link in event.links] == [
        ("https://acme.pagerduty.dev/build/2", "View more details in Acme!")
    ]
    # And change events are not deduplicated: each is new
    assert (event.natural_key, event.revision) == (None, None)
    # And the free-form source is not taken for a service
    assert event.service is None


def test_github_action_push() -> None:
    event = normalise(fixture_json("pagerduty/change_event.github-action.push.json"))
    assert event.summary == "Codertocat pushed branch master from Codertocat/Hello-World"
    assert event.timestamp == datetime(2026, 11, 29, 11, 59, 58, 123000, tzinfo=UTC)
    assert event.custom_details == {"source": "GitHub"}
    assert [link.text for link in event.links] == ["View on GitHub", "Repo", "Sender - Codertocat"]


def test_github_action_merged_pull_request() -> None:
    event = normalise(fixture_json("pagerduty/change_event.github-action.pull_request-merged.json"))
    assert event.summary == "[PR Merged - derekg1729/test-repo] Test PR Title"
    assert event.timestamp == datetime(2025, 10, 15, 7, 15, 39, tzinfo=UTC)
    # the Action's "repo" is where it puts the repository, so it fills the structured field
    assert event.repository == "derekg1729/test-repo"
    assert "repo" not in event.custom_details
    assert event.custom_details["commits"] == 4
    assert event.links[0].href == "https://github.com/derekg1729/test-repo/pull/315"


def test_agreed_custom_details_fill_the_structured_fields() -> None:
    event = normalise(
        {
            "routing_key": "k",
            "payload": {
                "summary": "Deployed shop",
                "source": "ci",
                "custom_details": {
                    "repository": "acme/shop",
                    "environment": "production",
                    "version": 2,
                    "commitSha": "abc123",
                    "commit_sha": "ignored-second",
                    "service": "shop",
                    "source": "the sender's own",
                    "build": {"number": 42},
                },
            },
        }
    )
    assert (event.repository, event.environment, event.version) == ("acme/shop", "production", "2")
    assert (event.commit_sha, event.service) == ("abc123", "shop")
    assert event.custom_details == {"source": "the sender's own", "build": {"number": 42}}


def test_a_detail_that_is_not_a_value_stays_a_detail() -> None:
    event = normalise({"payload": {"summary": "x", "custom_details": {"service": {"name": "shop"}, "version": True}}})
    assert event.service is None
    assert event.version is None
    assert event.custom_details == {"service": {"name": "shop"}, "version": True}


def test_dedup_key_makes_a_repeat_a_duplicate_whatever_the_routing_key() -> None:
    first = normalise({"routing_key": "a", "dedup_key": "deploy-42", "payload": {"summary": "x"}})
    again = normalise({"dedup_key": "deploy-42", "payload": {"summary": "x"}, "routing_key": "b"})
    changed = normalise({"dedup_key": "deploy-42", "payload": {"summary": "y"}})
    assert first.natural_key == again.natural_key == changed.natural_key == "pagerduty:deploy-42"
    assert first.revision is not None
    assert again.revision is not None
    assert changed.revision is not None
    assert first.revision.identity == again.revision.identity != changed.revision.identity


def test_defaults_and_tidying() -> None:
    event = normalise(
        {
            "payload": {"summary": "  " + "x" * 2000},
            "links": [{"href": "https://ci.example.com/1"}, {"text": "no address"}, {"href": "ftp://example.com"}],
        }
    )
    assert len(event.summary) == 1024
    assert event.timestamp == RECEIVED_AT
    assert [(link.href, link.text) for link in event.links] == [
        ("https://ci.example.com/1", "https://ci.example.com/1")
    ]


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({}, ["'payload.summary' is missing or blank"]),
        ({"payload": {"summary": "   "}}, ["'payload.summary' is missing or blank"]),
        ({"payload": {"summary": 5}}, ["'payload.summary' input should be a valid string"]),
        (
            {"payload": {"timestamp": "next tuesday", "custom_details": ["a"]}},
            [
                "'payload.summary' is missing or blank",
                "'payload.custom_details' input should be a valid dictionary",
            ],
        ),
        (
            {"payload": {"summary": "x"}, "links": {"href": "https://example.com"}},
            ["'links' input should be a valid list"],
        ),
    ],
)
def test_field_errors_read_like_pagerdutys(payload: dict[str, Any], errors: list[str]) -> None:
    assert pagerduty_change.pagerduty_errors(rejected(payload)) == errors


def test_a_timestamp_that_is_not_one_is_named() -> None:
    error = rejected({"payload": {"summary": "x", "timestamp": "next tuesday"}})
    assert [problem.field for problem in error.problems] == ["payload.timestamp"]
