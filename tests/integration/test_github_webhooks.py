"""GitHub webhooks (§3.2) through the ingest handler, with GitHub's real payloads."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from local.gateway import GatewayResponse
from tests.conftest import Api, Aws
from tests.fixture_files import fixture_bytes, fixture_headers, fixture_json

CAPTURED_SECRET = fixture_json("github/_signature-test-vector.captured-captures.json")["secret"]


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """GitHub's example payloads date from 2015 to 2025: keep them all."""
    return {"RetentionDays": "3650"}


def create(api: Api, **fields: Any) -> dict[str, Any]:
    return api.create_pipeline("GITHUB", teams=[{"id": "payments", "name": "Payments"}], **fields)


def deliver(api: Api, key: str, event: str, body: bytes, headers: dict[str, str] | None = None) -> GatewayResponse:
    request_headers = {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": "d-1",
        **(headers or {}),
    }
    return api.gateway.handle("POST", f"/api/v1/deployment-events/github/{key}", "", request_headers, body)


def deliver_fixture(api: Api, key: str, name: str, event: str) -> GatewayResponse:
    return deliver(api, key, event, fixture_bytes(f"github/{name}"))


def test_real_signed_delivery_of_a_merged_pr(api: Api, aws: Aws) -> None:
    # Given a pipeline with the secret the real capture was signed with
    pipeline = create(api, webhookSecret=CAPTURED_SECRET)
    # When GitHub's captured delivery arrives byte for byte, with its own headers
    headers = fixture_headers("github/pull_request.closed.merged.json")
    response = api.gateway.handle(
        "POST",
        f"/api/v1/deployment-events/github/{pipeline['integrationKey']}",
        "",
        headers,
        fixture_bytes("github/pull_request.closed.merged.json"),
    )
    # Then it is accepted and stored as a merge of the pipeline's team
    assert response.status == 202
    assert response.json()["status"] == "accepted"
    stored = api.call("GET", f"/api/deployment-events/{response.json()['id']}").json()
    assert stored["summary"] == 'derekg1729 merged PR #315 "Test PR Title" into derekg1729/test-repo@main'
    assert stored["teams"] == ["payments"]
    assert stored["pipelineName"] == pipeline["name"]
    assert stored["customDetails"]["deliveryId"] == "c16510a0-a996-11f0-86fe-90260285066c"


@pytest.mark.parametrize(
    "signature",
    [None, "sha256=" + "0" * 64, "sha1=7a3986cee59f5af6e5e48b7ffd1d1d2d3280fa75"],
)
def test_bad_or_missing_signature_is_401_and_stores_nothing(api: Api, aws: Aws, signature: str | None) -> None:
    pipeline = create(api, webhookSecret=CAPTURED_SECRET)
    headers = {"x-hub-signature-256": signature} if signature else {}
    response = deliver(
        api,
        pipeline["integrationKey"],
        "pull_request",
        fixture_bytes("github/pull_request.closed.merged.json"),
        headers,
    )
    assert response.status == 401
    assert not aws.stored_event_ids()


def test_signature_over_re_serialised_json_fails(api: Api, aws: Aws) -> None:
    pipeline = create(api, webhookSecret=CAPTURED_SECRET)
    headers = fixture_headers("github/pull_request.closed.merged.json")
    reserialised = json.dumps(fixture_json("github/pull_request.closed.merged.json")).encode()
    response = api.gateway.handle(
        "POST", f"/api/v1/deployment-events/github/{pipeline['integrationKey']}", "", headers, reserialised
    )
    assert response.status == 401


def test_form_encoded_delivery_is_accepted(api: Api) -> None:
    # Given a webhook configured with GitHub's other content type
    pipeline = create(api)
    body = urlencode({"payload": fixture_bytes("github/push.default-branch.json").decode()}).encode()
    response = deliver(
        api, pipeline["integrationKey"], "push", body, {"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 202


def test_form_encoded_signature_covers_the_form_body(api: Api) -> None:
    pipeline = create(api, webhookSecret="form-secret")
    body = urlencode({"payload": fixture_bytes("github/push.default-branch.json").decode()}).encode()
    signature = "sha256=" + hmac.new(b"form-secret", body, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/x-www-form-urlencoded", "x-hub-signature-256": signature}
    assert deliver(api, pipeline["integrationKey"], "push", body, headers).status == 202


def test_form_without_payload_is_400(api: Api, aws: Aws) -> None:
    pipeline = create(api)
    response = deliver(
        api, pipeline["integrationKey"], "push", b"other=1", {"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 400
    assert not aws.stored_event_ids()


def test_redelivery_is_a_duplicate(api: Api, aws: Aws) -> None:
    pipeline = create(api)
    first = deliver_fixture(api, pipeline["integrationKey"], "push.default-branch.json", "push")
    again = deliver_fixture(api, pipeline["integrationKey"], "push.default-branch.json", "push")
    other_delivery_id = deliver(
        api,
        pipeline["integrationKey"],
        "push",
        fixture_bytes("github/push.default-branch.json"),
        {"x-github-delivery": "d-2"},
    )
    assert first.json()["status"] == "accepted"
    assert again.json() == other_delivery_id.json() == {"status": "duplicate", "id": first.json()["id"]}
    assert len(aws.stored_event_ids()) == 1


def test_the_same_change_on_two_pipelines_is_stored_for_each(api: Api, aws: Aws) -> None:
    first = create(api)
    second = create(api)
    for pipeline in (first, second):
        assert (
            deliver_fixture(api, pipeline["integrationKey"], "push.default-branch.json", "push").json()["status"]
            == "accepted"
        )
    assert len(aws.stored_event_ids()) == 2


@pytest.mark.parametrize(
    ("name", "event", "kind"),
    [
        ("push.default-branch.json", "push", "push"),
        ("pull_request.closed.merged.json", "pull_request", "merge"),
        ("release.published.json", "release", "release"),
        ("deployment_status.success.json", "deployment_status", "deployment"),
    ],
)
def test_deployments_of_each_kind_are_stored(api: Api, name: str, event: str, kind: str) -> None:
    pipeline = create(api)
    response = deliver_fixture(api, pipeline["integrationKey"], name, event)
    assert response.status == 202
    assert api.call("GET", f"/api/deployment-events/{response.json()['id']}").json()["kind"] == kind


@pytest.mark.parametrize(
    ("name", "event"),
    [
        ("ping.json", "ping"),
        ("push.tag.created.json", "push"),
        ("push.tag.deleted.json", "push"),
        ("pull_request.closed.not-merged.json", "pull_request"),
        ("release.created.json", "release"),
        ("deployment_status.in_progress.gh-pages.json", "deployment_status"),
        ("workflow_run.completed.success.json", "workflow_run"),
        ("workflow_job.completed.failure.json", "workflow_job"),
        ("deployment.created.json", "deployment"),
    ],
)
def test_valid_non_deployments_get_200_ignored(api: Api, aws: Aws, name: str, event: str) -> None:
    pipeline = create(api)
    response = deliver_fixture(api, pipeline["integrationKey"], name, event)
    assert response.status == 200
    assert response.json()["status"] == "ignored"
    assert response.json()["reason"]
    assert not aws.stored_event_ids()


def test_ping_answers_200_even_with_a_secret_when_signed(api: Api) -> None:
    pipeline = create(api, webhookSecret="s")
    body = fixture_bytes("github/ping.json")
    signature = "sha256=" + hmac.new(b"s", body, hashlib.sha256).hexdigest()
    response = deliver(api, pipeline["integrationKey"], "ping", body, {"x-hub-signature-256": signature})
    assert (response.status, response.json()) == (200, {"status": "ignored", "reason": "ping"})


def test_workflow_run_when_asked_for(api: Api) -> None:
    pipeline = create(api, params={"eventFilters": ["workflow_run"]})
    response = deliver_fixture(api, pipeline["integrationKey"], "workflow_run.completed.success.json", "workflow_run")
    assert response.status == 202
    ignored_push = deliver_fixture(api, pipeline["integrationKey"], "push.default-branch.json", "push")
    assert ignored_push.json()["status"] == "ignored"


def _status(state: str, status_id: int, created_at: str) -> bytes:
    payload = copy.deepcopy(fixture_json("github/deployment_status.success.json"))
    payload["deployment_status"].update(state=state, id=status_id, created_at=created_at)
    return json.dumps(payload).encode()


def test_statuses_of_one_deployment_keep_one_record_with_the_newest_state(api: Api, aws: Aws) -> None:
    key = create(api)["integrationKey"]
    # Given a deployment that failed, then succeeded on a retry
    failed = deliver(api, key, "deployment_status", _status("failure", 100, "2019-05-15T15:20:55Z"))
    succeeded = deliver(api, key, "deployment_status", _status("success", 101, "2019-05-15T15:25:00Z"))
    # When the failure is redelivered, and an older error arrives late
    redelivered = deliver(api, key, "deployment_status", _status("success", 101, "2019-05-15T15:25:00Z"))
    late = deliver(api, key, "deployment_status", _status("error", 99, "2019-05-15T15:10:00Z"))
    # Then one record holds the newest state
    assert [failed.json()["status"], succeeded.json()["status"]] == ["accepted", "accepted"]
    assert failed.json()["id"] == succeeded.json()["id"]
    assert redelivered.json() == {"status": "duplicate", "id": failed.json()["id"]}
    assert (late.status, late.json()) == (200, {"status": "ignored", "reason": "stale status"})
    assert len(aws.stored_event_ids()) == 1
    stored = api.call("GET", f"/api/deployment-events/{failed.json()['id']}").json()
    assert (stored["status"], stored["timestamp"]) == ("success", "2019-05-15T15:25:00.000Z")
    # And its copies moved with it: one per partition, none left at the old time
    copies = [item for item in aws.items() if item["SK"]["S"].endswith(f"#{failed.json()['id']}")]
    assert sorted(item["PK"]["S"] for item in copies) == ["ACCOUNT#DAY#2019-05-15", "TEAM#payments#DAY#2019-05-15"]
    assert {item["SK"]["S"].split("#")[0] for item in copies} == {"2019-05-15T15:25:00.000Z"}


def test_same_second_higher_status_id_wins(api: Api) -> None:
    key = create(api)["integrationKey"]
    deliver(api, key, "deployment_status", _status("success", 201, "2019-05-15T15:20:55Z"))
    lower = deliver(api, key, "deployment_status", _status("failure", 200, "2019-05-15T15:20:55Z"))
    assert lower.json()["status"] == "ignored"


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"x-github-event": ""}, b"{}", 400),
        ({}, b"{not json", 400),
        ({}, b"[]", 400),
        ({"content-type": "text/plain"}, b"{}", 415),
        ({"content-type": "multipart/form-data"}, b"{}", 415),
        ({}, b"{" + b" " * (256 * 1024) + b"}", 413),
        ({}, b'{"ref": "refs/heads/main"}', 422),
    ],
)
def test_bad_input_statuses(api: Api, aws: Aws, headers: dict[str, str], body: bytes, status: int) -> None:
    key = create(api)["integrationKey"]
    assert deliver(api, key, "push", body, headers).status == status
    assert not aws.stored_event_ids()


def test_unknown_key_and_key_of_another_type_are_404(api: Api) -> None:
    gitlab_key = api.create_pipeline("GITLAB")["integrationKey"]
    for key in ("dpl_unknown", gitlab_key, "x" * 3000):
        assert deliver_fixture(api, key, "push.default-branch.json", "push").status == 404


def test_404_comes_before_401_and_401_before_400(api: Api) -> None:
    key = create(api, webhookSecret="s")["integrationKey"]
    assert deliver(api, "dpl_unknown", "push", b"{broken", {"x-hub-signature-256": "sha256=00"}).status == 404
    assert deliver(api, key, "push", b"{broken", {"x-hub-signature-256": "sha256=00"}).status == 401
