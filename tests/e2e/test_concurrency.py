"""Many senders at once, against the local runner (issue 5): every event once, never twice."""

from __future__ import annotations

import copy
import json
import random
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import HttpResponse, RunningSystem
from tests.fixture_files import fixture_bytes, fixture_json

pytestmark = pytest.mark.e2e


def at_once(count: int, send: Callable[[int], HttpResponse]) -> list[HttpResponse]:
    """Runs ``send`` in ``count`` threads released together by a barrier."""
    barrier = threading.Barrier(count)
    results: list[HttpResponse | None] = [None] * count

    def worker(index: int) -> None:
        barrier.wait()
        results[index] = send(index)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def all_listed(system: RunningSystem, team: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = system.request("GET", f"/api/deployment-events?team={team}&max-results=100{cursor}").json()
        items.extend(page["items"])
        if page["nextCursor"] is None:
            return items
        cursor = f"&cursor={page['nextCursor']}"


def create(system: RunningSystem, integration_type: str, team: str) -> dict[str, Any]:
    body = {"name": f"{team}-{integration_type.lower()}", "integrationType": integration_type, "teams": [{"id": team}]}
    created: dict[str, Any] = system.request("POST", "/api/deployment-pipelines", body).json()
    return created


def test_distinct_events_from_many_clients_are_each_stored_once(system: RunningSystem) -> None:
    key = create(system, "API", "conc-distinct")["integrationKey"]
    responses = at_once(
        40,
        lambda index: system.request(
            "POST", "/api/deployment-events", {"integrationKey": key, "summary": f"event {index}"}, admin=False
        ),
    )
    assert {response.status for response in responses} == {202}
    ids = [response.json()["id"] for response in responses]
    assert len(set(ids)) == 40
    listed = all_listed(system, "conc-distinct")
    assert sorted(item["id"] for item in listed) == sorted(ids)


def test_the_same_github_delivery_30_times_at_once_is_stored_once(system: RunningSystem) -> None:
    pipeline = create(system, "GITHUB", "conc-github")
    path = pipeline["integrationUrl"].removeprefix(system.url)
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": "same-delivery"}
    body = fixture_bytes("github/push.default-branch.json")
    responses = at_once(30, lambda _: system.request("POST", path, body, headers, admin=False))
    statuses = sorted(response.json()["status"] for response in responses)
    assert statuses == ["accepted"] + ["duplicate"] * 29
    assert len({response.json()["id"] for response in responses}) == 1
    assert len(all_listed(system, "conc-github")) == 1


def test_the_same_gitlab_idempotency_key_30_times_at_once_is_stored_once(system: RunningSystem) -> None:
    pipeline = create(system, "GITLAB", "conc-gitlab")
    path = pipeline["integrationUrl"].removeprefix(system.url)
    headers = {"Content-Type": "application/json", "X-Gitlab-Event": "Push Hook", "Idempotency-Key": "retry-1"}
    body = fixture_bytes("gitlab/push.docs.json")
    responses = at_once(30, lambda _: system.request("POST", path, body, headers, admin=False))
    assert sorted(response.json()["status"] for response in responses) == ["accepted"] + ["duplicate"] * 29
    assert len(all_listed(system, "conc-gitlab")) == 1


def test_out_of_order_deployment_statuses_at_once_keep_the_newest(system: RunningSystem) -> None:
    # Given one GitHub deployment's terminal statuses, newest last, sent at once in a random order
    pipeline = create(system, "GITHUB", "conc-statuses")
    path = pipeline["integrationUrl"].removeprefix(system.url)
    template = fixture_json("github/deployment_status.success.json")
    start = utc_now().replace(microsecond=0) - timedelta(minutes=30)
    bodies = []
    for index in range(20):
        payload = copy.deepcopy(template)
        payload["deployment_status"].update(
            id=1000 + index,
            state="success" if index == 19 else "failure",
            created_at=isoformat(start + timedelta(minutes=index)),
        )
        bodies.append(json.dumps(payload).encode())
    random.Random(5).shuffle(bodies)
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "deployment_status"}
    responses = at_once(len(bodies), lambda index: system.request("POST", path, bodies[index], headers, admin=False))
    # Then every delivery got a 2xx, and one record holds the newest state
    assert {response.status for response in responses} <= {200, 202}
    [stored] = all_listed(system, "conc-statuses")
    assert stored["status"] == "success"
    assert stored["timestamp"] == isoformat(start + timedelta(minutes=19))
