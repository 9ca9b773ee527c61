"""Listing deployment events (§8): newest first, cursor paging, filters, 400s."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.store import client
from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api


@pytest.fixture
def stack_parameters(request: pytest.FixtureRequest) -> dict[str, str]:
    """The template's defaults, or a test's own parameters (``indirect``)."""
    parameters: dict[str, str] = getattr(request, "param", {})
    return parameters


def send(api: Api, key: str, summary: str, minutes_ago: float) -> str:
    timestamp = isoformat(utc_now() - timedelta(minutes=minutes_ago))
    response = api.call(
        "POST", "/api/deployment-events", {"integrationKey": key, "summary": summary, "timestamp": timestamp}
    )
    assert response.status == 202
    return str(response.json()["id"])


def page(api: Api, query: str) -> dict[str, Any]:
    response = api.call("GET", "/api/deployment-events", query=query)
    assert response.status == 200, response.body
    listed: dict[str, Any] = response.json()
    return listed


def test_newest_first_across_days_and_every_event_once_across_pages(api: Api) -> None:
    # Given events spread over three days
    key = api.create_pipeline("API")["integrationKey"]
    minutes = [5, 60, 60 * 20, 60 * 30, 60 * 50, 60 * 51, 90]
    ids = {send(api, key, f"event {m}", m): m for m in minutes}
    expected = sorted(ids, key=lambda event_id: ids[event_id])
    # When they are read two at a time
    seen: list[str] = []
    cursor = None
    while True:
        listed = page(api, "max-results=2" + (f"&cursor={cursor}" if cursor else ""))
        seen.extend(item["id"] for item in listed["items"])
        cursor = listed["nextCursor"]
        if cursor is None:
            break
    # Then each appears exactly once, newest first
    assert seen == expected


def test_team_and_pipeline_filters(api: Api) -> None:
    payments = api.create_pipeline("API", teams=[{"id": "payments"}])["integrationKey"]
    search = api.create_pipeline("API", teams=[{"id": "search"}])
    a = send(api, payments, "payments deploy", 1)
    b = send(api, search["integrationKey"], "search deploy", 2)
    assert [item["id"] for item in page(api, "team=payments")["items"]] == [a]
    assert [item["id"] for item in page(api, f"pipeline={search['id']}")["items"]] == [b]
    assert page(api, "team=nobody")["items"] == []


def test_a_team_page_of_one_pipeline_holds_each_of_its_events_once(api: Api) -> None:
    # Given a team's two pipelines whose events interleave
    shop = api.create_pipeline("API", teams=[{"id": "payments"}])
    search = api.create_pipeline("API", teams=[{"id": "payments"}])
    sent = {}
    for minutes, pipeline in enumerate([shop, search, shop, shop, search, shop], start=1):
        sent[send(api, pipeline["integrationKey"], f"event {minutes}", minutes)] = pipeline["id"]
    # When the team's events of one pipeline are read two at a time
    seen: list[str] = []
    cursor = None
    while True:
        listed = page(
            api, f"team=payments&pipeline={shop['id']}&max-results=2" + (f"&cursor={cursor}" if cursor else "")
        )
        seen.extend(item["id"] for item in listed["items"])
        cursor = listed["nextCursor"]
        if cursor is None:
            break
    # Then each of that pipeline's events appears once, newest first, and no other
    assert seen == [event_id for event_id, pipeline_id in sent.items() if pipeline_id == shop["id"]]


def test_from_and_until_are_inclusive(api: Api) -> None:
    key = api.create_pipeline("API")["integrationKey"]
    moment = utc_now().replace(microsecond=0) - timedelta(hours=1)
    api.call(
        "POST", "/api/deployment-events", {"integrationKey": key, "summary": "edge", "timestamp": isoformat(moment)}
    )
    exact = isoformat(moment)
    assert len(page(api, f"from={exact}&until={exact}")["items"]) == 1
    after = isoformat(moment + timedelta(seconds=1))
    assert page(api, f"from={after}")["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        "max-results=0",
        "max-results=101",
        "max-results=x",
        "cursor=garbage!",
        "cursor=eyJ4IjoxfQ",
        "from=yesterday",
        "until=2026-13-45",
        "from=2026-11-02&until=2026-11-01",
    ],
)
def test_bad_queries_are_400(api: Api, query: str) -> None:
    assert api.call("GET", "/api/deployment-events", query=query).status == 400


def test_unknown_event_is_404(api: Api) -> None:
    assert api.call("GET", "/api/deployment-events/nope").status == 404
    assert api.call("GET", "/api/deployment-events/" + "x" * 3000).status == 404


class DynamoDBRequests:
    """Counts the DynamoDB requests the API function makes, by operation."""

    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)


@pytest.fixture
def requests() -> Iterator[DynamoDBRequests]:
    counter = DynamoDBRequests()
    client.dynamodb().meta.events.register("before-call.dynamodb", counter)
    yield counter
    client.dynamodb().meta.events.unregister("before-call.dynamodb", counter)


@pytest.mark.parametrize(
    ("stack_parameters", "spread_minutes", "total"),
    [({"RetentionDays": "3650"}, 60 * 24 * 73, 10), ({"RetentionDays": "3650"}, 1, 120)],
    ids=["sparse: 10 events over two years", "dense: 120 events in two hours"],
    indirect=["stack_parameters"],
)
def test_a_page_costs_what_it_returns_not_what_retention_allows(
    api: Api, requests: DynamoDBRequests, spread_minutes: int, total: int
) -> None:
    # Given events spread over two years, or packed into two hours, with ten years of retention
    key = api.create_pipeline("API", teams=[{"id": "payments"}])["integrationKey"]
    for index in range(total):
        send(api, key, f"event {index}", 1 + index * spread_minutes)
    # When a page of the overview is read, for the account, a team and a pipeline
    for query in ("max-results=50", "max-results=50&team=payments"):
        requests.operations.clear()
        listed = page(api, query)
        # Then it holds what exists, for one or two Queries, whatever lies between the events
        assert len(listed["items"]) == min(total, 50)
        assert requests.operations.count("Query") <= 2
        assert set(requests.operations) <= {"Query", "GetItem"}
