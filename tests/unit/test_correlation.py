"""§5 as pure functions: team claiming, windows, and the reasons §17's ranking gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.domain.catalog import Catalog
from shared.domain.correlation import (
    CLOCK_SKEW,
    CorrelationRules,
    Plan,
    alert_teams,
    plan_for,
)
from shared.domain.models.alerts import Alert, RelatedDeployment, Scope
from shared.domain.models.common import Team
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.relevance.explain import explain
from shared.domain.relevance.model import assess
from shared.domain.relevance.weights import DEFAULT_WEIGHTS
from shared.domain.relevance.wording import describe_offset

REPORT_TIME = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
SETTINGS = CorrelationRules(team_lookback=timedelta(days=7), account_lookback=timedelta(hours=2), max_related=3)
PAYMENTS = {"id": "payments", "name": "Payments"}
CHECKOUT = {"id": "checkout", "name": "Checkout"}
SEARCH = {"id": "search", "name": "Search"}


def rank(alert: Alert, events: list[DeploymentEvent], plan: Plan, max_related: int) -> list[RelatedDeployment]:
    """The deployments an enrichment lists, without a catalog and with the default weights."""
    return explain(assess(alert, events, plan, Catalog([]), DEFAULT_WEIGHTS), plan.scope, max_related).deployments


def make_alert(
    source_teams: list[dict[str, str]] | None = None, policy_teams: list[dict[str, str]] | None = None, **fields: Any
) -> Alert:
    body: dict[str, Any] = {"id": "alert-1", "reportTime": REPORT_TIME.isoformat(), **fields}
    if source_teams is not None:
        body["alertSource"] = {"id": 1, "name": "Shop API", "teams": source_teams}
    if policy_teams is not None:
        body["escalationPolicy"] = {"id": 2, "name": "On call", "teams": policy_teams}
    return Alert.model_validate(body)


def make_event(event_id: str, minutes_before: float, teams: list[str] | None = None, **fields: Any) -> DeploymentEvent:
    timestamp = REPORT_TIME - timedelta(minutes=minutes_before)
    return DeploymentEvent(
        id=event_id,
        pipeline_id="p-" + "-".join(teams or ["none"]),
        pipeline_name=fields.pop("pipeline_name", "shop-github"),
        integration_type=IntegrationType.GITHUB,
        kind=fields.pop("kind", EventKind.DEPLOYMENT),
        summary=f"deployment {event_id}",
        timestamp=timestamp,
        received_at=timestamp,
        teams=teams or [],
        **fields,
    )


# Every branch of the claiming rule: (alert source teams, escalation policy teams, teams owning
# pipelines) -> (scope, claiming teams, lookback).
CLAIMING = [
    ("source team owns a pipeline", [PAYMENTS], None, {"payments"}, Scope.TEAM, ["payments"]),
    ("policy team owns a pipeline", None, [PAYMENTS], {"payments"}, Scope.TEAM, ["payments"]),
    (
        "both resources, both own",
        [PAYMENTS],
        [CHECKOUT],
        {"payments", "checkout"},
        Scope.TEAM,
        ["payments", "checkout"],
    ),
    ("both resources, one owns", [PAYMENTS], [SEARCH], {"payments"}, Scope.TEAM, ["payments"]),
    ("same team on both", [PAYMENTS], [PAYMENTS], {"payments"}, Scope.TEAM, ["payments"]),
    ("a team without pipelines", [SEARCH], None, {"payments"}, Scope.ACCOUNT, []),
    ("teams, none own anything", [SEARCH], [CHECKOUT], set(), Scope.ACCOUNT, []),
    ("no teams at all", None, None, {"payments"}, Scope.ACCOUNT, []),
    ("resources with empty teams", [], [], {"payments"}, Scope.ACCOUNT, []),
]


@pytest.mark.parametrize(
    ("source", "policy", "owners", "scope", "claiming"),
    [case[1:] for case in CLAIMING],
    ids=[case[0] for case in CLAIMING],
)
def test_team_claiming(
    source: list[dict[str, str]] | None,
    policy: list[dict[str, str]] | None,
    owners: set[str],
    scope: Scope,
    claiming: list[str],
) -> None:
    # Given an alert whose resources carry these teams, and these teams owning pipelines
    alert = make_alert(source, policy)
    # When the correlation is planned
    plan = plan_for(alert, alert_teams(alert), owners, SETTINGS)
    # Then the scope, the claiming teams and the lookback follow §5
    assert plan.scope is scope
    assert [team.id for team in plan.claiming_teams] == claiming
    lookback = SETTINGS.team_lookback if scope is Scope.TEAM else SETTINGS.account_lookback
    assert plan.start == REPORT_TIME - lookback
    assert plan.end == REPORT_TIME + CLOCK_SKEW


def test_alert_teams_are_the_union_each_once_keeping_names() -> None:
    alert = make_alert([{"id": "payments"}, CHECKOUT], [PAYMENTS, SEARCH])
    assert alert_teams(alert) == [Team(id="payments", name="Payments"), Team(**CHECKOUT), Team(**SEARCH)]


@pytest.mark.parametrize(
    ("scope_owners", "minutes_before", "kept"),
    [
        # ACCOUNT: 2 hours back, 2 minutes of skew after
        (set(), 120, True),
        (set(), 120.02, False),
        (set(), -2, True),
        (set(), -2.02, False),
        # TEAM: 7 days back
        ({"payments"}, 7 * 24 * 60, True),
        ({"payments"}, 7 * 24 * 60 + 0.02, False),
        ({"payments"}, -2, True),
        ({"payments"}, -2.02, False),
    ],
)
def test_window_edges(scope_owners: set[str], minutes_before: float, kept: bool) -> None:
    alert = make_alert([PAYMENTS])
    plan = plan_for(alert, alert_teams(alert), scope_owners, SETTINGS)
    related = rank(alert, [make_event("e", minutes_before, ["payments"])], plan, 3)
    assert bool(related) is kept


def test_without_labels_the_closest_before_the_alert_first_and_a_change_after_it_last() -> None:
    alert = make_alert()
    plan = plan_for(alert, [], set(), SETTINGS)
    events = [make_event("old", 90), make_event("after", -1), make_event("recent", 5), make_event("mid", 30)]
    related = rank(alert, events, plan, 4)
    assert [item.id for item in related] == ["recent", "mid", "old", "after"]
    assert [item.score for item in related] == sorted((item.score for item in related), reverse=True)
    assert related[-1].after_alert is True


def test_the_change_matching_every_label_first_and_a_bystander_last() -> None:
    alert = make_alert(labels={"service": "shop", "environment": "production", "version": "v1.4.0"})
    plan = plan_for(alert, [], set(), SETTINGS)
    events = [
        make_event("newest-no-match", 1, repository="acme/search"),
        make_event("service-only", 50, repository="acme/shop"),
        make_event("three-labels", 100, repository="acme/shop", environment="Production", version="v1.4.0"),
        make_event("env-and-service", 110, service="shop", environment="production"),
    ]
    related = rank(alert, events, plan, 4)
    assert related[0].id == "three-labels"
    assert related[-1].id == "newest-no-match"
    assert [item.score for item in related] == sorted((item.score for item in related), reverse=True)
    assert sum(item.score for item in related) <= 1
    assert "with the version the alert names (v1.4.0) and to the alert's service shop" in related[0].reason


def test_at_most_max_related_and_each_deployment_once() -> None:
    # Given the same event read from two claiming teams' partitions
    alert = make_alert([PAYMENTS, CHECKOUT])
    plan = plan_for(alert, alert_teams(alert), {"payments", "checkout"}, SETTINGS)
    shared_event = make_event("two-teams", 10, ["payments", "checkout"])
    candidates = [
        shared_event,
        shared_event,
        *(make_event(f"e{index}", 20 + index, ["payments"]) for index in range(5)),
    ]
    related = rank(alert, candidates, plan, 3)
    assert [item.id for item in related] == ["two-teams", "e0", "e1"]
    assert "owned by teams Payments and Checkout, to which this alert belongs" in related[0].reason


def test_reasons_read_like_ilerts() -> None:
    alert = make_alert([PAYMENTS])
    team_plan = plan_for(alert, alert_teams(alert), {"payments"}, SETTINGS)
    [team_related] = rank(alert, [make_event("e", 14, ["payments"])], team_plan, 3)
    assert team_related.reason == (
        'Deployed 14 min before the alert by pipeline "shop-github", '
        "owned by team Payments, to which this alert belongs"
    )
    account_plan = plan_for(make_alert(), [], set(), SETTINGS)
    [account_related] = rank(make_alert(), [make_event("e", 9, kind=EventKind.RELEASE)], account_plan, 3)
    assert (
        account_related.reason == 'Released 9 min before the alert by pipeline "shop-github" (account-wide, time-based)'
    )
    [after] = rank(make_alert(), [make_event("e", -1.5, kind=EventKind.MERGE)], account_plan, 3)
    assert after.reason.startswith("Merged 1 min after the alert")
    [now] = rank(make_alert(), [make_event("e", 0.2)], account_plan, 3)
    assert now.reason.startswith("Deployed at the time of the alert")


def test_a_team_named_by_id_only_takes_the_name_its_pipelines_give_it() -> None:
    # Given an alert whose team label named the claiming team by id only
    alert = make_alert([{"id": "payments"}])
    plan = plan_for(alert, alert_teams(alert), {"payments"}, SETTINGS)
    assert plan.unnamed_team_ids == ["payments"]
    # When the plan takes the names Payments' pipelines give the team, the first that names it winning
    named = plan.with_team_names([Team(id="payments"), Team(**PAYMENTS), Team(id="payments", name="Pay")])
    # Then the claiming team and the reason carry that name
    assert named.claiming_teams == [Team(id="payments", name="Payments")]
    [related] = rank(alert, [make_event("e", 14, ["payments"])], named, 3)
    assert related.reason.endswith("owned by team Payments, to which this alert belongs")


def test_a_name_the_alert_gives_wins_over_the_pipelines() -> None:
    # Given an alert that names its team itself
    alert = make_alert([{"id": "payments", "name": "Payments on call"}])
    plan = plan_for(alert, alert_teams(alert), {"payments"}, SETTINGS)
    # When pipelines' names are offered
    named = plan.with_team_names([Team(**PAYMENTS)])
    # Then nothing was unnamed, and the alert's name is kept
    assert plan.unnamed_team_ids == []
    assert named.claiming_teams == [Team(id="payments", name="Payments on call")]


def test_a_team_no_pipeline_names_is_called_by_its_id() -> None:
    # Given a claiming team that neither the alert nor its pipelines name
    alert = make_alert([{"id": "payments"}, {"id": "checkout"}])
    plan = plan_for(alert, alert_teams(alert), {"payments", "checkout"}, SETTINGS)
    # When only the other team has a name from its pipelines
    named = plan.with_team_names([Team(id="payments"), Team(**CHECKOUT)])
    # Then the reason names it by its id, beside the named one
    [related] = rank(alert, [make_event("e", 5, ["payments", "checkout"])], named, 3)
    assert "owned by teams payments and Checkout" in related.reason


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (timedelta(seconds=40), "less than a minute"),
        (timedelta(minutes=14, seconds=59), "14 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(hours=2, minutes=5), "2 h 5 min"),
        (timedelta(days=3, hours=1), "3 days"),
        (-timedelta(minutes=3), "3 min"),
    ],
)
def test_describe_offset(offset: timedelta, text: str) -> None:
    assert describe_offset(offset) == text


def test_related_deployment_carries_what_a_responder_needs() -> None:
    alert = make_alert()
    [related] = rank(
        alert,
        [make_event("e", 3, repository="acme/shop", environment="production", version="v2", status="success")],
        plan_for(alert, [], set(), SETTINGS),
        3,
    )
    body = related.to_json_dict()
    assert body["pipeline"] == {"id": "p-none", "name": "shop-github", "integrationType": "GITHUB"}
    assert {key: body[key] for key in ("repository", "environment", "version", "status", "kind")} == {
        "repository": "acme/shop",
        "environment": "production",
        "version": "v2",
        "status": "success",
        "kind": "deployment",
    }
    assert "service" not in body
