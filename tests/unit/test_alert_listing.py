"""Where an enrichment lists its alert (§18): one entry per owner, likely twins, one per change,
within one transaction however many teams claim it; the alert's onset orders them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain import keys
from shared.domain.models.alert_list import MAX_LISTED_TEAMS, listing_of
from shared.domain.models.alerts import (
    AlertContext,
    AlertResource,
    Enrichment,
    PipelineRef,
    RelatedDeployment,
    Scope,
    Window,
)
from shared.domain.models.common import MAX_NAMED_TEAMS, Team
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType

ONSET = datetime(2026, 11, 29, 10, tzinfo=UTC)
DYNAMODB_TRANSACTION_ITEMS = 100


def change(event_id: str, score: float) -> RelatedDeployment:
    return RelatedDeployment(
        id=event_id,
        summary=f"deployed {event_id}",
        pipeline=PipelineRef(id="p", name="p", integration_type=IntegrationType.API),
        kind=EventKind.DEPLOYMENT,
        timestamp=ONSET - timedelta(minutes=5),
        reason="close in time",
        score=score,
    )


def enrichment(teams: int, changes: int, *, likely: bool, service: str = "Shop") -> Enrichment:
    deployments = [change(f"e-{index}", 0.9 if index == 0 else 0.01) for index in range(changes)]
    return Enrichment(
        alert_id="a-1",
        alert=AlertContext(
            summary="shop is down",
            report_time=ONSET,
            alert_source=AlertResource(id="src", name="Prometheus"),
            labels={"service": service},
        ),
        scope=Scope.TEAM,
        claiming_teams=[Team(id=f"team-{index}", name=None) for index in range(teams)],
        window=Window(from_=ONSET - timedelta(days=1), until=ONSET),
        deployments=deployments,
        correlated_at=ONSET,
        likely_cause="e-0" if likely else None,
    )


def test_every_owner_lists_the_alert_and_the_likely_ones_again() -> None:
    # Given an alert of one source, service and team with a likely cause among two changes
    # When its listing is built
    listing = listing_of(enrichment(teams=1, changes=2, likely=True))
    # Then each owner lists it, again among the likely ones, and each change lists it
    owners = ["ACCOUNT", "SOURCE#src", "SERVICE#shop", "TEAM#team-0"]
    assert [entry.partition for entry in listing.entries] == [
        *(f"LIST#ALERTS#{owner}" for owner in owners),
        *(f"LIST#LIKELY_ALERTS#{owner}" for owner in owners),
        "LIST#CHANGE_ALERTS#e-0",
        "LIST#CHANGE_ALERTS#e-1",
    ]
    assert listing.sort_key == keys.alert_listing_sort_key(ONSET, "src", "a-1")


def test_an_alert_without_a_likely_cause_is_not_among_the_likely_ones() -> None:
    listing = listing_of(enrichment(teams=0, changes=1, likely=False, service=" "))
    assert [entry.partition for entry in listing.entries] == [
        "LIST#ALERTS#ACCOUNT",
        "LIST#ALERTS#SOURCE#src",
        "LIST#CHANGE_ALERTS#e-0",
    ]


def test_the_most_claimed_alert_and_its_replacement_fit_one_transaction() -> None:
    # Given an alert claimed by the most teams an alert names, with the most related changes
    largest = listing_of(enrichment(teams=MAX_NAMED_TEAMS, changes=20, likely=True))
    # When it is replaced by a listing sharing no entry with it
    # (the enrichment put, the new entries put, the old ones deleted)
    operations = 1 + 2 * len(largest.entries)
    # Then it fits DynamoDB's transaction, its teams cut to the listed ones
    assert operations <= DYNAMODB_TRANSACTION_ITEMS
    assert len(largest.team_ids) == MAX_LISTED_TEAMS


def test_the_listing_range_includes_both_ends_whatever_the_source() -> None:
    lower, upper = keys.alert_listing_range(ONSET, ONSET + timedelta(hours=1))
    assert lower <= keys.alert_listing_sort_key(ONSET, None, "a") <= upper
    assert lower <= keys.alert_listing_sort_key(ONSET + timedelta(hours=1), "ü-source", "~") <= upper
    assert not lower <= keys.alert_listing_sort_key(ONSET - timedelta(milliseconds=1), "z", "z") <= upper
    assert not lower <= keys.alert_listing_sort_key(ONSET + timedelta(hours=1, milliseconds=1), "", "") <= upper
