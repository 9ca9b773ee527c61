"""The delivery log (§16): every delivery to a pipeline or an alert source, accepted or not,
for 7 days, newest first; never a secret, a signature or the body."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from tests.conftest import JSON, Api, Aws
from tests.fixture_files import fixture_bytes

NO_ADMIN = {"authorization": ""}
PUSH = "github/push.default-branch.json"


def github(api: Api, key: str, body: bytes, headers: dict[str, str]) -> int:
    path = f"/api/v1/deployment-events/github/{key}"
    return api.call("POST", path, body, {**NO_ADMIN, **JSON, "x-github-event": "push", **headers}).status


def log_of(api: Api, path: str, query: str = "") -> dict[str, Any]:
    response = api.call("GET", path, query=query)
    assert response.status == 200, response.body
    listed: dict[str, Any] = response.json()
    return listed


def signed(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_every_outcome_is_logged_newest_first_without_secrets(api: Api, aws: Aws) -> None:
    # Given a GitHub pipeline with a secret, every branch, and five deliveries of every fate
    pipeline = api.create_pipeline("GITHUB", webhookSecret="hook-secret", params={"branchFilters": []})
    key, body = pipeline["integrationKey"], fixture_bytes(PUSH)
    good = {"x-hub-signature-256": signed("hook-secret", body), "x-github-delivery": "d-1"}
    assert github(api, key, body, good) == 202
    assert github(api, key, body, {**good, "x-github-delivery": "d-2"}) == 202
    assert (
        github(api, key, b"{}", {"x-hub-signature-256": signed("hook-secret", b"{}"), "x-github-event": "ping"}) == 200
    )
    assert github(api, key, body, {"x-hub-signature-256": "sha256=" + "0" * 64, "x-github-delivery": "d-4"}) == 401
    assert github(api, key, b"{", {"x-hub-signature-256": signed("hook-secret", b"{")}) == 400
    # And one to a key that does not exist, which cannot be attributed to anyone
    assert github(api, "dpl_unknown", body, good) == 404
    # When the pipeline's deliveries are read
    entries = log_of(api, f"/api/deployment-pipelines/{pipeline['id']}/deliveries")["items"]
    # Then each is there, newest first, with its status and outcome
    assert [(entry["status"], entry["outcome"]) for entry in entries] == [
        (400, "rejected"),
        (401, "rejected"),
        (200, "ignored"),
        (202, "duplicate"),
        (202, "accepted"),
    ]
    accepted = entries[-1]
    assert (accepted["eventType"], accepted["deliveryId"], accepted["bytes"]) == ("push", "d-1", len(body))
    assert accepted["eventId"] == entries[-2]["eventId"]
    assert entries[1]["deliveryId"] == "d-4"
    assert "X-Hub-Signature-256" in entries[1]["reason"]
    # And nothing of the secret, the signature or the body is stored in the log
    logged = json.dumps([item for item in aws.items() if item["PK"]["S"].startswith("DELIVERIES#")])
    assert "hook-secret" not in logged
    assert good["x-hub-signature-256"] not in logged
    assert "head_commit" not in logged


def test_entries_expire_after_seven_days(api: Api, aws: Aws) -> None:
    pipeline = api.create_pipeline("API")
    api.call("POST", "/api/deployment-events", {"integrationKey": pipeline["integrationKey"], "summary": "x"})
    [item] = [item for item in aws.items() if item["PK"]["S"].startswith("DELIVERIES#")]
    assert abs(int(item["expiresAt"]["N"]) - (time.time() + 7 * 86400)) < 60


def test_the_log_pages_with_a_cursor(api: Api) -> None:
    pipeline = api.create_pipeline("API")
    for index in range(5):
        body = {"integrationKey": pipeline["integrationKey"], "summary": f"event {index}"}
        api.call("POST", "/api/deployment-events", body)
    path = f"/api/deployment-pipelines/{pipeline['id']}/deliveries"
    seen: list[str] = []
    cursor = None
    while True:
        listed = log_of(api, path, "max-results=2" + (f"&cursor={cursor}" if cursor else ""))
        seen.extend(entry["eventId"] for entry in listed["items"])
        cursor = listed["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5
    assert api.call("GET", path, query="cursor=garbage!").status == 400


def test_an_unknown_owner_has_no_log(api: Api) -> None:
    assert api.call("GET", "/api/deployment-pipelines/nope/deliveries").status == 404
    assert api.call("GET", "/api/alert-sources/nope/deliveries").status == 404


def test_alert_source_deliveries_are_logged(api: Api) -> None:
    created = api.call("POST", "/api/alert-sources", {"name": "am", "integrationType": "ALERTMANAGER"}).json()
    path = f"/api/v1/alerts/alertmanager/{created['integrationKey']}"
    body = fixture_bytes("alerts/alertmanager/firing.two-alerts.zulip.json")
    assert api.call("POST", path, body, {**NO_ADMIN, **JSON}).status == 202
    assert api.call("POST", path, b"[]", {**NO_ADMIN, **JSON}).status == 400
    entries = log_of(api, f"/api/alert-sources/{created['id']}/deliveries")["items"]
    assert [(entry["status"], entry["outcome"]) for entry in entries] == [(400, "rejected"), (202, "accepted")]
    assert entries[1]["eventId"].count(",") == 1


def test_a_long_list_of_alert_ids_keeps_whole_ids_and_says_how_many_are_left_out(api: Api) -> None:
    # Given an Alertmanager group of 40 firing alerts whose ids together run far past 512 characters
    created = api.call("POST", "/api/alert-sources", {"name": "am", "integrationType": "ALERTMANAGER"}).json()
    delivery = json.loads(fixture_bytes("alerts/alertmanager/firing.two-alerts.zulip.json"))
    delivery["alerts"] = [{**delivery["alerts"][0], "fingerprint": f"{index:02d}-{'f' * 30}"} for index in range(40)]
    path = f"/api/v1/alerts/alertmanager/{created['integrationKey']}"
    response = api.call("POST", path, json.dumps(delivery).encode(), {**NO_ADMIN, **JSON})
    assert response.status == 202
    taken = response.json()["alerts"]
    # When the source's deliveries are read
    [entry] = log_of(api, f"/api/alert-sources/{created['id']}/deliveries")["items"]
    # Then the log lists whole ids only, within 512 characters, and says how many it left out
    listed, _, more = entry["eventId"].partition(" ")
    shown = listed.split(",")
    assert len(entry["eventId"]) <= 512
    assert shown == taken[: len(shown)]
    assert more == f"(+{len(taken) - len(shown)} more)"
