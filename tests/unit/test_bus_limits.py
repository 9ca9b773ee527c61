"""EventBridge's limits (§22): what an entry weighs, how entries are grouped into requests, and
what an enrichment and an alert take on the bus at their largest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters import bus
from shared.domain.alert_readers import alertmanager
from shared.domain.alert_readers.common import SourceView
from shared.domain.models.alert_sources import AlertSourceParams
from shared.domain.models.alerts import (
    ALERT_CREATED,
    CUT_TEXT_LENGTH,
    LINKS_KEPT,
    AlertContext,
    AlertResource,
    Enrichment,
    EnrichmentReference,
    RelatedDeployment,
    Scope,
    Window,
)
from shared.domain.models.common import Team
from shared.logic.enrichment import DETAIL_BUDGET

KB_256 = 256 * 1024
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
FOUR_BYTES = "\U0001f600"


def test_an_entry_weighs_what_eventbridge_counts() -> None:
    # Given an entry with a bus name, two resources and a detail in two-byte characters
    entry = {
        "EventBusName": "ignored",
        "Source": "src",
        "DetailType": "Type",
        "Detail": '{"a":"é"}',
        "Resources": ["r1", "r22"],
    }
    # Then its size is 14 bytes of Time plus the UTF-8 bytes of the rest, the bus name not counted
    assert bus.entry_bytes(entry) == 14 + 3 + 4 + 10 + 2 + 3


def test_a_detail_is_sent_as_utf_8_not_escaped() -> None:
    assert bus.detail_json({"text": "ü"}) == '{"text":"ü"}'


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([100] * 25, [list(range(10)), list(range(10, 20)), list(range(20, 25))]),
        ([100_000] * 5, [[0, 1], [2, 3], [4]]),
        ([KB_256, 1, KB_256 - 1], [[0], [1, 2]]),
        ([200_000, 100_000, 50_000, 12_144], [[0], [1, 2, 3]]),
        ([], []),
    ],
)
def test_requests_are_at_most_ten_entries_and_256_kb(sizes: list[int], expected: list[list[int]]) -> None:
    # Given entries of these sizes, When they are grouped into PutEvents requests
    batches = list(bus.batches(sizes))
    # Then each request is within both limits, in order, and as few as that allows
    assert batches == expected
    assert all(len(batch) <= 10 and sum(sizes[index] for index in batch) <= KB_256 for batch in batches)


def largest_related(number: int, character: str = "ü") -> RelatedDeployment:
    fact = character * 512
    return RelatedDeployment.model_validate(
        {
            "id": f"event-{number}",
            "summary": character * 1024,
            "pipeline": {"id": "p" * 36, "name": character * 255, "integrationType": "API"},
            "kind": "deployment",
            "timestamp": NOW,
            "reason": "Deployed 1 min before the alert",
            "score": 0.5,
            "links": [
                {"href": f"https://ci.example.com/{number}/{link}/".ljust(2048, "x"), "text": fact[:255]}
                for link in range(50)
            ],
            **dict.fromkeys(("repository", "service", "environment", "version", "commitSha", "branch", "status"), fact),
        }
    )


def enrichment_of(deployments: list[RelatedDeployment], labels: dict[str, str] | None = None) -> Enrichment:
    return Enrichment(
        alert_id="a-1",
        alert=AlertContext(report_time=NOW, labels=labels or {}),
        scope=Scope.TEAM,
        claiming_teams=[Team(id="payments")],
        window=Window.model_validate({"from": NOW, "until": NOW}),
        deployments=deployments,
        correlated_at=NOW,
    )


def test_an_enrichment_keeps_five_links_and_its_facts_while_they_fit() -> None:
    # Given one related deployment of the largest size
    enrichment = enrichment_of([largest_related(1)])
    # When it is bounded for the bus
    bounded = enrichment.bounded(DETAIL_BUDGET)
    # Then it keeps the first five links and every fact whole
    [deployment] = bounded.deployments
    assert deployment.links == enrichment.deployments[0].links[:LINKS_KEPT]
    assert deployment.repository == enrichment.deployments[0].repository
    assert deployment.summary == enrichment.deployments[0].summary


def test_twenty_of_the_largest_deployments_are_cut_to_fit_one_event() -> None:
    # Given twenty related deployments of the largest size, in two-byte characters
    enrichment = enrichment_of([largest_related(number) for number in range(20)])
    # When the enrichment is bounded for the bus
    bounded = enrichment.bounded(DETAIL_BUDGET)
    # Then each keeps its id, five links and facts cut short, and the event fits
    assert [item.id for item in bounded.deployments] == [item.id for item in enrichment.deployments]
    assert all(len(item.links) == LINKS_KEPT for item in bounded.deployments)
    assert all(len(item.repository or "") == CUT_TEXT_LENGTH for item in bounded.deployments)
    assert bus.fits("deployment-events", "Alert Correlated", bounded.to_json_dict())


def test_an_alert_of_the_largest_labels_makes_the_event_a_reference() -> None:
    # Given the twenty largest deployments, in four-byte characters, and an alert with 64 labels
    labels = {f"{index:02d}".ljust(128, "n"): FOUR_BYTES * 512 for index in range(64)}
    deployments = [largest_related(number, FOUR_BYTES) for number in range(20)]
    bounded = enrichment_of(deployments, labels).bounded(DETAIL_BUDGET)
    # Then the enrichment does not fit, and its reference does
    assert not bus.fits("deployment-events", "Alert Enriched", bounded.to_json_dict())
    reference = bounded.reference().to_json_dict()
    assert reference == {"alertId": "a-1", "correlatedAt": "2026-11-29T12:00:00.000Z", "stored": True}
    assert bus.fits("deployment-events", "Alert Enriched", reference)


def test_a_reference_names_the_source_whose_namespace_holds_the_enrichment() -> None:
    # Given an enrichment of an alert that came through alert source "src-1"
    enrichment = enrichment_of([]).model_copy(
        update={"alert": AlertContext(report_time=NOW, alert_source=AlertResource(id="src-1"))}
    )
    # When the event refers to it instead of carrying it
    reference = enrichment.reference()
    # Then a consumer finds it under that source (§22)
    assert (reference.alert_source_id, reference.alert_id) == ("src-1", "a-1")
    assert EnrichmentReference.model_validate(reference.to_json_dict()).alert_source_id == "src-1"


def test_the_largest_alert_intake_reads_fits_one_event() -> None:
    # Given a source of ten teams and an Alertmanager alert of 64 labels at their largest
    teams = [Team(id=f"{index}".ljust(128, "t"), name=FOUR_BYTES * 255) for index in range(10)]
    source = SourceView("s" * 36, FOUR_BYTES * 255, "ALERTMANAGER", teams, AlertSourceParams())
    labels: dict[str, Any] = {f"{index:02d}".ljust(128, "n"): FOUR_BYTES * 600 for index in range(70)}
    grouped = {"startsAt": NOW.isoformat(), "labels": labels, "annotations": {"summary": FOUR_BYTES * 5000}}
    # When intake reads it
    read = alertmanager.read({"version": "4", "alerts": [grouped]}, source)
    assert isinstance(read, list)
    [alert] = read
    # Then its Alert Created event is within EventBridge's 256 KB
    assert bus.fits("deployment-events.alerts", ALERT_CREATED, alert.to_json_dict())
