"""Alerts, listed (§18): ``GET /api/alerts`` newest first with its filters and cursor paging, and
``GET /api/deployment-events/{id}/alerts``; through the bus, the functions and the API handler."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Aws, Bus

PAYMENTS = {"id": "payments", "name": "Payments"}
SEARCH = {"id": "search", "name": "Search"}


def deploy(api: Api, teams: list[dict[str, str]], service: str, minutes_ago: float = 1) -> str:
    pipeline = api.create_pipeline("API", teams=teams)
    body = {
        "integrationKey": pipeline["integrationKey"],
        "summary": f"{service} v2 to production",
        "service": service,
        "timestamp": isoformat(utc_now() - timedelta(minutes=minutes_ago)),
    }
    response = api.call("POST", "/api/deployment-events", body)
    assert response.status == 202, response.body
    return str(response.json()["id"])


def correlate(
    alert_bus: Bus,
    alert_id: str,
    *,
    minutes_ago: float = 0,
    teams: list[dict[str, str]] | None = None,
    service: str | None = None,
    source: str = "7",
) -> None:
    alert: dict[str, Any] = {
        "id": alert_id,
        "summary": f"{alert_id} is failing",
        "reportTime": isoformat(utc_now() - timedelta(minutes=minutes_ago)),
        "alertSource": {"id": source, "name": f"Source {source}", "teams": teams or []},
        "labels": {"service": service} if service else {},
    }
    alert_bus.put_alert(alert)
    alert_bus.deliver()


def listed(api: Api, query: str = "") -> dict[str, Any]:
    response = api.call("GET", "/api/alerts", query=query)
    assert response.status == 200, response.body
    page: dict[str, Any] = response.json()
    return page


def ids(api: Api, query: str = "") -> list[str]:
    return [item["alertId"] for item in listed(api, query)["items"]]


def test_an_alert_is_listed_with_its_likely_cause_and_counts(api: Api, alert_bus: Bus) -> None:
    # Given a deployment of shop a minute ago
    change = deploy(api, [PAYMENTS], "shop")
    # When an alert of shop's is correlated
    correlate(alert_bus, "shop-down", teams=[PAYMENTS], service="shop")
    # Then the list shows it with its source, teams, likely cause and counts
    [item] = listed(api)["items"]
    assert item["alertId"] == "shop-down"
    assert item["summary"] == "shop-down is failing"
    assert item["source"] == {"id": "7", "name": "Source 7"}
    assert item["scope"] == "TEAM"
    assert item["claimingTeams"] == [PAYMENTS]
    assert item["likelyCause"]["id"] == change
    assert item["likelyCause"]["summary"] == "shop v2 to production"
    assert item["ambiguous"] is False
    assert item["deployments"] == 1
    assert item["verdicts"] == 0


def test_an_alert_without_a_likely_cause_says_null(api: Api, alert_bus: Bus) -> None:
    # Given no deployment at all
    # When an alert is correlated
    correlate(alert_bus, "lonely")
    # Then its likely cause is null, not absent
    [item] = listed(api)["items"]
    assert item["likelyCause"] is None
    assert item["deployments"] == 0


def test_filters_by_team_service_source_and_likely(api: Api, alert_bus: Bus) -> None:
    # Given alerts of two teams, services and sources, one of them with a likely cause
    deploy(api, [PAYMENTS], "shop")
    deploy(api, [SEARCH], "search", minutes_ago=3 * 24 * 60)
    correlate(alert_bus, "shop-down", teams=[PAYMENTS], service="Shop", minutes_ago=1)
    correlate(alert_bus, "search-slow", teams=[SEARCH], service="search", source="8", minutes_ago=2)
    correlate(alert_bus, "nobody", source="8", minutes_ago=3)
    # Then each filter reads its owner's alerts, newest first
    assert ids(api) == ["shop-down", "search-slow", "nobody"]
    assert ids(api, "team=payments") == ["shop-down"]
    assert ids(api, "service=shop") == ["shop-down"]
    assert ids(api, "source=8") == ["search-slow", "nobody"]
    assert ids(api, "likely=true") == ["shop-down"]
    assert ids(api, "source=8&likely=true") == []
    assert ids(api, "source=8&team=search") == ["search-slow"]
    assert ids(api, "team=search&service=shop") == []
    assert ids(api, "team=nobody") == []


def test_from_and_until_select_by_report_time(api: Api, alert_bus: Bus) -> None:
    # Given alerts reported 10 and 60 minutes ago
    correlate(alert_bus, "recent", minutes_ago=10)
    correlate(alert_bus, "older", minutes_ago=60)
    # When the list is asked for the last half hour, or up to half an hour ago
    half_an_hour_ago = isoformat(utc_now() - timedelta(minutes=30))
    # Then each holds the one alert of its range
    assert ids(api, f"from={half_an_hour_ago}") == ["recent"]
    assert ids(api, f"until={half_an_hour_ago}") == ["older"]


def test_pages_never_overlap(api: Api, alert_bus: Bus) -> None:
    # Given seven alerts
    for minutes in range(7):
        correlate(alert_bus, f"alert-{minutes}", minutes_ago=minutes)
    # When they are read two at a time
    seen: list[str] = []
    cursor = None
    while True:
        page = listed(api, "max-results=2" + (f"&cursor={cursor}" if cursor else ""))
        assert len(page["items"]) <= 2
        seen.extend(item["alertId"] for item in page["items"])
        cursor = page["nextCursor"]
        if cursor is None:
            break
    # Then each appears exactly once, newest first
    assert seen == [f"alert-{minutes}" for minutes in range(7)]


@pytest.mark.parametrize(
    "query",
    [
        "max-results=0",
        "max-results=101",
        "cursor=garbage!",
        "cursor=eyJ4IjoxfQ",
        "from=yesterday",
        "from=2026-11-02&until=2026-11-01",
        "team=a%23b",
        "likely=perhaps",
    ],
)
def test_bad_queries_are_400(api: Api, query: str) -> None:
    assert api.call("GET", "/api/alerts", query=query).status == 400


def test_correlating_again_replaces_the_entries(api: Api, aws: Aws, alert_bus: Bus) -> None:
    # Given an alert correlated for Payments with a likely cause, and a pipeline of Search's
    deploy(api, [PAYMENTS], "shop")
    deploy(api, [SEARCH], "search", minutes_ago=3 * 24 * 60)
    correlate(alert_bus, "flapping", teams=[PAYMENTS], service="shop")
    # When the same alert is correlated again, now claimed by Search and of no service
    correlate(alert_bus, "flapping", teams=[SEARCH])
    # Then it is listed once, under its new team only
    assert ids(api) == ["flapping"]
    assert ids(api, "team=search") == ["flapping"]
    assert ids(api, "team=payments") == []
    assert ids(api, "service=shop") == []
    assert ids(api, "likely=true") == []


def test_entries_expire_with_the_enrichment_and_keep_the_verdict_count(api: Api, aws: Aws, alert_bus: Bus) -> None:
    # Given a correlated alert, and a verdict on each of the two changes it names
    changes = [deploy(api, [PAYMENTS], "shop"), deploy(api, [PAYMENTS], "shop", minutes_ago=3)]
    correlate(alert_bus, "counted", teams=[PAYMENTS], service="shop")
    for change, verdict in zip(changes, ("CAUSED", "NOT_RELATED"), strict=True):
        path = f"/api/alerts/counted/deployments/{change}/verdict"
        assert api.call("PUT", path, {"verdict": verdict}, query="source=7").status == 200
    assert listed(api)["items"][0]["verdicts"] == 2
    # When it is correlated again
    correlate(alert_bus, "counted", teams=[PAYMENTS], service="shop")
    # Then every entry carries the enrichment's TTL and the count
    partition = [item for item in aws.items() if item["PK"]["S"] == "ALERT#7#counted"]
    [stored] = [item for item in partition if item["SK"]["S"] == "ENRICHMENT"]
    entries = [item for item in partition if item["SK"]["S"].startswith("LISTED#")]
    assert entries
    assert {item["expiresAt"]["N"] for item in entries} == {stored["expiresAt"]["N"]}
    assert {item["verdicts"]["N"] for item in entries} == {"2"}
    assert listed(api)["items"][0]["verdicts"] == 2


def test_the_alerts_that_named_a_change_with_its_score(api: Api, alert_bus: Bus) -> None:
    # Given a change named by two alerts, and another change named by none
    change = deploy(api, [PAYMENTS], "shop")
    correlate(alert_bus, "first", teams=[PAYMENTS], service="shop", minutes_ago=0.5)
    correlate(alert_bus, "second", teams=[PAYMENTS], minutes_ago=0.2)
    other = deploy(api, [SEARCH], "search", minutes_ago=30)
    # When the change's alerts are read
    response = api.call("GET", f"/api/deployment-events/{change}/alerts")
    # Then both are listed newest first, each with the change's score for it
    assert response.status == 200, response.body
    page = response.json()
    assert [item["alertId"] for item in page["items"]] == ["second", "first"]
    second, first = page["items"]
    assert first["isLikelyCause"] is True
    assert first["score"] > second["score"]
    assert first["source"]["id"] == "7"
    assert page["nextCursor"] is None
    assert api.call("GET", f"/api/deployment-events/{other}/alerts").json()["items"] == []


def test_the_alerts_of_a_change_page_without_overlap(api: Api, alert_bus: Bus) -> None:
    # Given a change named by three alerts
    change = deploy(api, [PAYMENTS], "shop", minutes_ago=10)
    for minutes in range(3):
        correlate(alert_bus, f"alert-{minutes}", teams=[PAYMENTS], minutes_ago=minutes)
    # When they are read two at a time
    first = api.call("GET", f"/api/deployment-events/{change}/alerts", query="max-results=2").json()
    query = f"max-results=2&cursor={first['nextCursor']}"
    second = api.call("GET", f"/api/deployment-events/{change}/alerts", query=query).json()
    # Then the pages hold each alert once
    assert [item["alertId"] for item in first["items"] + second["items"]] == ["alert-0", "alert-1", "alert-2"]
    assert second["nextCursor"] is None


def test_the_alerts_of_an_unknown_event_are_404(api: Api) -> None:
    assert api.call("GET", "/api/deployment-events/nope/alerts").status == 404


def test_a_change_renamed_by_a_later_correlation_loses_the_alert(api: Api, alert_bus: Bus) -> None:
    # Given an alert that named a change of Payments', and a pipeline of Search's with an old change
    change = deploy(api, [PAYMENTS], "shop")
    deploy(api, [SEARCH], "search", minutes_ago=3 * 24 * 60)
    correlate(alert_bus, "moved", teams=[PAYMENTS])
    # When it is correlated again for Search, which has no change in its window
    correlate(alert_bus, "moved", teams=[SEARCH])
    # Then the change no longer lists it
    assert api.call("GET", f"/api/deployment-events/{change}/alerts").json()["items"] == []
