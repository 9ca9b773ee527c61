"""§19's failed changes detected at ingest, through the handlers: rollbacks, late arrivals,
explicit signals, GitHub's and GitLab's reverts, verdicts, and what detection costs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.adapters.store import client
from tests.conftest import Api, Aws, Bus
from tests.fixture_files import fixture_json
from tests.integration import test_github_webhooks as github
from tests.integration import test_gitlab_webhooks as gitlab
from tests.integration.test_verdicts import give, two_changes, verdict_path

__all__ = ["two_changes"]
PUBLIC = {"authorization": ""}
TEAMS = [{"id": "payments", "name": "Payments"}]


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """The fixtures' payloads date from 2017 to 2025: keep them all."""
    return {"RetentionDays": "3650"}


def send(api: Api, key: str, minute: int, **fields: Any) -> str:
    body = {"integrationKey": key, "summary": f"shop at minute {minute}", "service": "shop", "environment": "prod"}
    timestamp = f"2026-11-02T10:{minute:02d}:00Z"
    response = api.call("POST", "/api/deployment-events", {**body, "timestamp": timestamp, **fields}, PUBLIC)
    assert response.status == 202, response.body
    assert set(response.json()) == {"status", "id"}
    return str(response.json()["id"])


def shown(api: Api, event_id: str) -> dict[str, Any]:
    body: dict[str, Any] = api.call("GET", f"/api/deployment-events/{event_id}").json()
    return body


def copies(aws: Aws, event_id: str) -> list[dict[str, Any]]:
    """The event as each of its items stores it: canonical, account and team buckets, history."""
    stored = [json.loads(item["event"]["S"]) for item in aws.items() if "event" in item]
    return [event for event in stored if event["id"] == event_id]


@pytest.fixture
def key(api: Api) -> str:
    return str(api.create_pipeline("API", teams=TEAMS)["integrationKey"])


def test_a_rollback_marks_the_failed_change_on_every_copy(api: Api, aws: Aws, key: str) -> None:
    # Given V1, V2 and V3 of shop deployed to production
    send(api, key, 0, version="v1")
    v2 = send(api, key, 10, version="v2")
    send(api, key, 20, version="v3")
    # When V1 is deployed again
    back = send(api, key, 32, version="v1")
    # Then V2 failed, rolled back 22 minutes later, and V1 says so
    failure = {"detectedBy": "ROLLBACK", "remediatedBy": back, "recoveryMinutes": 22.0}
    assert shown(api, v2)["failure"] == failure
    assert shown(api, back)["remediates"] == v2
    # And every stored copy of V2 (event, account, team, history) shows it
    assert [event.get("failure") for event in copies(aws, v2)] == [failure] * 4


def test_a_late_arrival_corrects_the_result(api: Api, key: str) -> None:
    # Given V1, V3 and V1 again: V3 looks rolled back
    send(api, key, 0, version="v1")
    v3 = send(api, key, 20, version="v3")
    back = send(api, key, 30, version="v1")
    assert shown(api, v3)["failure"]["remediatedBy"] == back
    # When V2, deployed between V1 and V3, arrives late
    v2 = send(api, key, 10, version="v2")
    # Then V2 is the failed one, and V3 is not
    assert shown(api, v2)["failure"] == {"detectedBy": "ROLLBACK", "remediatedBy": back, "recoveryMinutes": 20.0}
    assert "failure" not in shown(api, v3)
    assert shown(api, back)["remediates"] == v2


def test_a_redelivery_changes_nothing(api: Api, aws: Aws, key: str) -> None:
    # Given V1, V2 and V1 again, the last one with an idempotency key
    send(api, key, 0, version="v1")
    v2 = send(api, key, 10, version="v2")
    back = send(api, key, 20, version="v1", dedupKey="rollback-1")
    before = sorted(json.dumps(event, sort_keys=True) for event in copies(aws, v2) + copies(aws, back))
    # When the last one is delivered again
    again = api.call(
        "POST",
        "/api/deployment-events",
        {"integrationKey": key, "summary": "shop at minute 20", "service": "shop", "environment": "prod"}
        | {"timestamp": "2026-11-02T10:20:00Z", "version": "v1", "dedupKey": "rollback-1"},
        PUBLIC,
    )
    # Then it is a duplicate, and the marks are as they were
    assert again.json() == {"status": "duplicate", "id": back}
    assert sorted(json.dumps(event, sort_keys=True) for event in copies(aws, v2) + copies(aws, back)) == before


@pytest.mark.parametrize(
    ("signal", "failed_index"),
    [({"fixes": "v2"}, 1), ({"kind": "rollback"}, 1), ({"fixes": "V1"}, 0)],
    ids=["fixes by version", "kind rollback", "fixes by version, any case"],
)
def test_explicit_signals_of_the_generic_api(api: Api, key: str, signal: dict[str, str], failed_index: int) -> None:
    # Given V1 and V2 deployed
    deployed = [send(api, key, 0, version="v1"), send(api, key, 10, version="v2")]
    # When a change says it fixes or rolls back
    fix = send(api, key, 15, version="v3", **signal)
    # Then the change it names failed, explicitly, and the stored event stays of kind custom
    assert shown(api, deployed[failed_index])["failure"]["detectedBy"] == "EXPLICIT"
    assert shown(api, fix)["remediates"] == deployed[failed_index]
    assert shown(api, fix)["kind"] == "custom"


def test_fixes_by_id_reaches_another_service(api: Api, key: str) -> None:
    # Given a change of the cart service
    cart = send(api, key, 0, service="cart", version="c1")
    # When a change of shop says it fixes that event
    fix = send(api, key, 7, version="s9", fixes=cart)
    # Then the cart change failed, remediated by it after 7 minutes
    assert shown(api, cart)["failure"] == {"detectedBy": "EXPLICIT", "remediatedBy": fix, "recoveryMinutes": 7.0}


def test_a_github_revert_of_a_merged_pull_request(api: Api) -> None:
    key = github.create(api)["integrationKey"]
    # Given GitHub's real merged pull request "Test PR Title"
    merged = github.deliver_fixture(api, key, "pull_request.closed.merged.json", "pull_request").json()["id"]
    # When a later pull request titled 'Revert "Test PR Title"' is merged
    revert = fixture_json("github/pull_request.closed.merged.json")
    revert["number"] = revert["pull_request"]["number"] = 4242
    revert["pull_request"]["title"] = 'Revert "Test PR Title"'
    revert["pull_request"]["merged_at"] = "2025-10-15T08:00:39Z"
    body = json.dumps(revert).encode()
    reverting = github.deliver(api, key, "pull_request", body, {"x-github-delivery": "d-2"}).json()["id"]
    # Then the first one failed, reverted 45 minutes later
    assert shown(api, merged)["failure"] == {"detectedBy": "REVERT", "remediatedBy": reverting, "recoveryMinutes": 45.0}
    assert shown(api, reverting)["remediates"] == merged


def test_a_gitlab_push_that_reverts_a_commit(api: Api) -> None:
    key = gitlab.create(api)["integrationKey"]
    # Given GitLab's documented push of two commits
    pushed = gitlab.deliver(api, key, "Push Hook", json.dumps(fixture_json("gitlab/push.docs.json")).encode())
    # When a later push carries a commit that reverts the first of them
    revert = fixture_json("gitlab/push.docs.json")
    revert["after"] = revert["checkout_sha"] = "c" * 40
    revert["commits"] = [
        {"id": "c" * 40, "message": 'Revert "Update Catalan translation"\n\nThis reverts commit b6568db1bc1d.'}
    ]
    reverting = gitlab.deliver(api, key, "Push Hook", json.dumps(revert).encode()).json()["id"]
    # Then the first push failed, reverted
    failure = shown(api, pushed.json()["id"])["failure"]
    assert (failure["detectedBy"], failure["remediatedBy"]) == ("REVERT", reverting)


def test_a_caused_verdict_marks_the_change_until_withdrawn(
    api: Api, alert_bus: Bus, two_changes: tuple[str, str]
) -> None:
    # Given an alert correlated with two changes
    _, older = two_changes
    # When a responder says the older one caused it
    give(api, "a-1", older, "CAUSED")
    # Then it failed, by verdict
    assert shown(api, older)["failure"] == {"detectedBy": "VERDICT"}
    # And when the verdict is withdrawn, the failure goes with it
    assert api.call("DELETE", verdict_path("a-1", older)).status == 204
    assert "failure" not in shown(api, older)


class Queries:
    def __init__(self) -> None:
        self.operations: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)


@pytest.fixture
def requests() -> Iterator[Queries]:
    counter = Queries()
    client.dynamodb().meta.events.register("before-call.dynamodb", counter)
    yield counter
    client.dynamodb().meta.events.unregister("before-call.dynamodb", counter)


@pytest.mark.parametrize("history", [3, 80], ids=["short history", "long history"])
def test_detection_reads_a_bounded_number_of_queries(api: Api, key: str, requests: Queries, history: int) -> None:
    # Given a service with a short or a long history, and other services' changes
    for minute in range(history):
        send(api, key, minute % 60, version=f"v{minute}", service="shop" if minute % 2 else "cart")
    requests.operations.clear()
    # When one more change is ingested
    send(api, key, 59, version="v1")
    # Then detection costs two Queries and one transaction, whatever the table holds
    assert requests.operations.count("Query") == 2
    assert requests.operations.count("Scan") == 0
    assert requests.operations.count("TransactWriteItems") <= 2


def test_a_newer_state_of_a_failed_change_keeps_its_failure(api: Api, aws: Aws, key: str) -> None:
    # Given V1, V2 (updatable by its dedupKey) and V1 again: V2 was rolled back
    send(api, key, 0, version="v1")
    v2 = send(api, key, 10, version="v2", dedupKey="shop-v2")
    back = send(api, key, 20, version="v1")
    # When V2's sender updates it with a later status, a minute later
    assert send(api, key, 11, version="v2", dedupKey="shop-v2", status="success") == v2
    # Then V2 is still the failed one, on every copy
    assert shown(api, v2)["status"] == "success"
    assert [event["failure"]["remediatedBy"] for event in copies(aws, v2)] == [back] * 4
