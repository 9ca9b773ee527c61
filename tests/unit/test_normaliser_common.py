"""What every normaliser shares: the dispatch of a webhook's events, the revision of a body sent
again, and the coercion of numbers senders write where text is kept."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers.common import Delivery, EventDispatch, EventReader, NormalisedEvent, content_revision
from shared.domain.payloads import Ignored, PayloadModel, number_as_text
from tests.records import RECEIVED_AT, pipeline_record


class Change(PayloadModel):
    branch: str
    done: bool = True


def change_event(change: Change, delivery: Delivery) -> NormalisedEvent:
    return NormalisedEvent(kind=EventKind.CUSTOM, summary="changed", timestamp=delivery.received_at)


def unfinished(change: Change) -> Ignored | None:
    return None if change.done else Ignored("not done", "not_final")


DISPATCH = EventDispatch(
    readers={"change": EventReader(Change, change_event, skip=unfinished, branch=lambda change: change.branch)},
    answered={"hello": Ignored("hello", "ping")},
)


def outcome(event_name: str, payload: dict[str, Any], event_filters: list[str] | None = None) -> str:
    pipeline = pipeline_record(
        IntegrationType.GITHUB, event_filters=["change"] if event_filters is None else event_filters
    )
    result = DISPATCH(Delivery(event_name, payload, {}, RECEIVED_AT), pipeline)
    return result.code if isinstance(result, Ignored) else "normalised"


@pytest.mark.parametrize(
    ("event_name", "payload", "event_filters", "expected"),
    [
        ("hello", {}, [], "ping"),
        ("other", {"branch": "main"}, ["other"], "unsupported_event"),
        ("change", {"branch": "main"}, [], "event_filtered"),
        ("change", {"branch": "main", "done": False}, None, "not_final"),
        ("change", {"branch": "feature/x"}, None, "branch_filtered"),
        ("change", {"branch": "main"}, None, "normalised"),
    ],
)
def test_dispatch_checks_in_order(
    event_name: str, payload: dict[str, Any], event_filters: list[str] | None, expected: str
) -> None:
    # Given an event, its payload and the pipeline's event filters (branch filters: the defaults)
    # When the dispatch reads it
    # Then an answered event comes first, then unknown events, the event filters, the reader's own
    # reason to skip, the branch filters, and only then the event
    assert outcome(event_name, payload, event_filters) == expected


def test_content_revision_ignores_credentials_key_order_and_whitespace() -> None:
    # Given the same body sent twice, with another credential and its keys in another order
    first = content_revision({"summary": "s", "integrationKey": "a", "n": 1}, RECEIVED_AT, ("integrationKey",))
    second = content_revision({"n": 1, "integrationKey": "b", "summary": "s"}, RECEIVED_AT, ("integrationKey",))
    # Then both have the same revision, and another body another one
    assert first == second
    assert content_revision({"summary": "t"}, RECEIVED_AT, ()).identity != first.identity


@pytest.mark.parametrize(
    ("value", "expected"),
    [(42, "42"), (1.5, "1.5"), ("v1", "v1"), (True, True), (None, None), ([1], [1])],
)
def test_number_as_text(value: object, expected: object) -> None:
    # Given what a sender wrote where text is kept: numbers become text; a bool is no number
    assert number_as_text(value) == expected
