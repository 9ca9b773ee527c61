"""The generic API (§3.1) through the ingest handler: statuses, order of checks, storage."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from shared.domain.timestamps import utc_now
from tests.conftest import JSON, Api, Aws

PUBLIC = {"authorization": ""}


@pytest.fixture
def key(api: Api) -> str:
    created: dict[str, Any] = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    return str(created["integrationKey"])


def post(api: Api, body: Any, headers: dict[str, str] | None = None) -> Any:
    return api.call("POST", "/api/deployment-events", body, {**PUBLIC, **(headers or {})})


def test_accepted_event_is_listed_with_the_pipeline_and_teams(api: Api, key: str) -> None:
    # When an ilert-style event is sent
    response = post(
        api,
        {"integrationKey": key, "summary": "Deployed shop v1.4.0", "version": "v1.4.0", "customDetails": {"build": 7}},
    )
    # Then it is accepted and listed, normalised
    assert response.status == 202
    assert response.json()["status"] == "accepted"
    listed = api.call("GET", "/api/deployment-events").json()
    assert listed["nextCursor"] is None
    [item] = listed["items"]
    assert item["id"] == response.json()["id"]
    assert item["kind"] == "custom"
    assert item["integrationType"] == "API"
    assert item["teams"] == ["payments"]
    assert item["version"] == "v1.4.0"
    assert item["customDetails"] == {"build": 7}
    assert "repository" not in item  # fields without a value are omitted


def test_api_key_alias_as_ilerts_github_action_sends_it(api: Api, key: str) -> None:
    assert post(api, {"apiKey": key, "summary": "from the GitHub Action"}).status == 202


@pytest.mark.parametrize("kind", ["seconds", "milliseconds", "iso"])
def test_timestamp_forms(api: Api, key: str, kind: str) -> None:
    moment = utc_now().replace(microsecond=0)
    value: Any = {
        "seconds": int(moment.timestamp()),
        "milliseconds": int(moment.timestamp()) * 1000,
        "iso": moment.strftime("%Y-%m-%dT%H:%M:%S"),
    }[kind]
    event_id = post(api, {"integrationKey": key, "summary": "x", "timestamp": value}).json()["id"]
    stored = api.call("GET", f"/api/deployment-events/{event_id}").json()
    assert stored["timestamp"] == moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_idempotency_key_makes_a_repeat_a_duplicate(api: Api, key: str, aws: Aws) -> None:
    body = {"integrationKey": key, "summary": "Campaign launched", "timestamp": int(utc_now().timestamp())}
    first = post(api, body, {"Idempotency-Key": "campaign-42"})
    again = post(api, body, {"Idempotency-Key": "campaign-42"})
    assert (first.status, first.json()["status"]) == (202, "accepted")
    assert (again.status, again.json()) == (202, {"status": "duplicate", "id": first.json()["id"]})
    assert len(aws.stored_event_ids()) == 1


def test_without_a_key_every_event_is_new(api: Api, key: str, aws: Aws) -> None:
    body = {"integrationKey": key, "summary": "same text"}
    ids = {post(api, body).json()["id"] for _ in range(3)}
    assert len(ids) == 3
    assert aws.stored_event_ids() == ids


def test_newer_body_under_the_same_key_updates_and_older_is_stale(api: Api, key: str) -> None:
    now = int(utc_now().timestamp())
    base = {"integrationKey": key, "dedupKey": "deploy-9"}
    first = post(api, {**base, "summary": "Deploying", "status": "started", "timestamp": now - 60})
    newer = post(api, {**base, "summary": "Deployed", "status": "success", "timestamp": now})
    older = post(api, {**base, "summary": "Deploying again?", "status": "started", "timestamp": now - 120})
    assert [first.json()["status"], newer.json()["status"]] == ["accepted", "accepted"]
    assert (older.status, older.json()) == (200, {"status": "ignored", "reason": "stale status"})
    [item] = api.call("GET", "/api/deployment-events").json()["items"]
    assert (item["summary"], item["status"]) == ("Deployed", "success")


def test_summary_is_cut_to_1024(api: Api, key: str) -> None:
    event_id = post(api, {"integrationKey": key, "summary": "s" * 2000}).json()["id"]
    assert len(api.call("GET", f"/api/deployment-events/{event_id}").json()["summary"]) == 1024


def test_an_event_older_than_the_retention_period_is_accepted_and_kept_from_its_receipt(
    api: Api, key: str, aws: Aws
) -> None:
    # Given a merged PR from years ago, as ilert's GitHub Action may send it
    before = time.time()
    response = post(api, {"integrationKey": key, "summary": "old", "timestamp": "2019-05-15T15:20:55Z"})
    # Then it is answered 202 (ilert's clients treat anything else as a failure) and stored
    assert response.status == 202
    assert response.json()["status"] == "accepted"
    assert aws.stored_event_ids() == {response.json()["id"]}
    # And it expires RetentionDays after it was received, not after it happened
    retention = int(aws.stack.parameters["RetentionDays"]) * 86400
    events = [item for item in aws.items() if item["PK"]["S"].startswith(("EVENT#", "ACCOUNT#"))]
    expiries = {int(item["expiresAt"]["N"]) for item in events}
    assert expiries
    assert all(before + retention - 5 <= expiry <= time.time() + retention for expiry in expiries)


# Every bad input of §3: its status, and nothing stored.
BAD_INPUTS = [
    ("malformed JSON", b'{"integrationKey": ', JSON, 400),
    ("not an object", b"[1, 2]", JSON, 400),
    ("a string", b'"summary"', JSON, 400),
    ("NaN is not JSON", b'{"integrationKey": "k", "summary": NaN}', JSON, 400),
    ("invalid UTF-8", b'{"summary": "\xff\xfe"}', JSON, 400),
    ("nested too deeply", b"[" * 100_000 + b"]" * 100_000, JSON, 400),
    ("missing key", b'{"summary": "x"}', JSON, 422),
    ("empty key", b'{"integrationKey": "", "summary": "x"}', JSON, 422),
    ("unknown key", b'{"integrationKey": "dpl_unknown", "summary": "x"}', JSON, 404),
    ("too large", b'{"summary": "' + b"x" * (256 * 1024) + b'"}', JSON, 413),
    ("form encoded", b"integrationKey=k&summary=x", {"content-type": "application/x-www-form-urlencoded"}, 415),
    ("no content type", b'{"summary": "x"}', {}, 415),
    ("text/plain", b'{"summary": "x"}', {"content-type": "text/plain"}, 415),
]


@pytest.mark.parametrize(("label", "body", "headers", "status"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_gets_its_status_and_stores_nothing(
    api: Api, aws: Aws, key: str, label: str, body: bytes, headers: dict[str, str], status: int
) -> None:
    response = api.gateway.handle("POST", "/api/deployment-events", "", headers, body)
    assert response.status == status, response.body
    assert response.json()["message"]
    assert not aws.stored_event_ids()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"summary": ""}, "summary"),
        ({"summary": None}, "summary"),
        ({"timestamp": "soon"}, "timestamp"),
        ({"timestamp": 10**22}, "timestamp"),
        ({"userEmail": "nobody"}, "userEmail"),
        ({"links": [{"href": "javascript:alert(1)", "text": "x"}]}, "links.0.href"),
        ({"customDetails": "text"}, "customDetails"),
    ],
)
def test_field_errors_are_422_naming_the_field(
    api: Api, aws: Aws, key: str, changes: dict[str, Any], field: str
) -> None:
    response = post(api, {"integrationKey": key, "summary": "ok", **changes})
    assert response.status == 422
    assert field in response.json()["message"]
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not aws.stored_event_ids()


@pytest.mark.parametrize("integration_type", ["GITHUB", "GITLAB", "ARGOCD", "PAGERDUTY_CHANGE"])
def test_the_key_of_a_pipeline_of_any_type_is_accepted_as_ilerts_api_accepts_it(
    api: Api, integration_type: str
) -> None:
    # Given a pipeline of another type than API, such as the GitHub one ilert's GitHub Action advises
    pipeline = api.create_pipeline(integration_type, teams=[{"id": "web", "name": "Web"}])
    # When an event is posted to the generic API with its key, as ilert's Action posts it
    response = post(api, {"apiKey": pipeline["integrationKey"], "summary": "Deployed web v2"})
    # Then it is accepted and stored as that pipeline's, with its teams and its integration type
    assert (response.status, response.json()["status"]) == (202, "accepted")
    stored = api.call("GET", f"/api/deployment-events/{response.json()['id']}").json()
    assert (stored["pipelineId"], stored["teams"]) == (pipeline["id"], ["web"])
    assert (stored["integrationType"], stored["kind"]) == (integration_type, "custom")
    # And the delivery is in that pipeline's delivery log
    log = api.call("GET", f"/api/deployment-pipelines/{pipeline['id']}/deliveries").json()["items"]
    assert [(entry["status"], entry["outcome"], entry["eventId"]) for entry in log] == [
        (202, "accepted", response.json()["id"])
    ]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        # 413 comes before 415 and before the key is read
        (b"x" * (256 * 1024 + 1), {"content-type": "text/plain"}, 413),
        # 415 comes before malformed JSON
        (b"{", {"content-type": "text/plain"}, 415),
        # 400 comes before a missing key
        (b"{", JSON, 400),
        # a missing key (422) comes before other field errors
        (b'{"summary": ""}', JSON, 422),
        # an unknown key (404) comes before field errors
        (b'{"integrationKey": "dpl_nope", "summary": ""}', JSON, 404),
    ],
)
def test_checks_run_in_the_order_of_spec_3(api: Api, body: bytes, headers: dict[str, str], status: int) -> None:
    assert api.gateway.handle("POST", "/api/deployment-events", "", headers, body).status == status


def test_missing_key_names_the_field(api: Api) -> None:
    response = post(api, {"summary": "x"})
    assert response.json()["errors"] == [{"field": "integrationKey", "message": "is required (apiKey is accepted too)"}]


def test_json_with_charset_and_vendor_types_is_json(api: Api, key: str) -> None:
    body = json.dumps({"integrationKey": key, "summary": "x"}).encode()
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json", "Application/JSON"):
        assert (
            api.gateway.handle("POST", "/api/deployment-events", "", {"content-type": content_type}, body).status == 202
        )


@pytest.mark.parametrize("blank", ["\x0b", " \u1680", "\u3000"])
def test_values_that_are_only_whitespace_are_refused_not_stored_blank(api: Api, key: str, aws: Aws, blank: str) -> None:
    # pydantic checks min_length before it strips: such a value once passed as "" and broke its reads (a 500)
    assert post(api, {"integrationKey": key, "summary": "x", "repository": blank}).status == 422
    assert api.call("PUT", "/api/escalation-policies/p", {"teams": [{"id": blank}]}).status == 422
    assert api.call("POST", "/api/alerts", {"id": blank, "reportTime": "2026-11-30T10:00:00Z"}).status == 422
    assert not aws.stored_event_ids()
