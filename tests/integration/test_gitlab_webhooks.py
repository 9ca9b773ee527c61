"""GitLab webhooks (§3.3) through the ingest handler, with GitLab's payloads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from local.gateway import GatewayResponse
from tests.conftest import Api, Aws
from tests.fixture_files import fixture_bytes, fixture_headers, fixture_json


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """GitLab's documented payloads date from 2011 to 2021: keep the recent ones."""
    return {"RetentionDays": "3650"}


def create(api: Api, **fields: Any) -> dict[str, Any]:
    return api.create_pipeline("GITLAB", teams=[{"id": "platform", "name": "Platform"}], **fields)


def deliver(api: Api, key: str, event: str, body: bytes, headers: dict[str, str] | None = None) -> GatewayResponse:
    request_headers = {"content-type": "application/json", "x-gitlab-event": event, **(headers or {})}
    return api.gateway.handle("POST", f"/api/v1/deployment-events/gitlab/{key}", "", request_headers, body)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("push.docs.json", "push"),
        ("merge_request.merge.json", "merge"),
        ("release.create.json", "release"),
        ("deployment.success.docs.json", "deployment"),
    ],
)
def test_deployments_of_each_kind(api: Api, name: str, kind: str) -> None:
    key = create(api)["integrationKey"]
    event = fixture_headers(f"gitlab/{name}")["x-gitlab-event"]
    response = deliver(api, key, event, fixture_bytes(f"gitlab/{name}"))
    assert response.status == 202, response.body
    stored = api.call("GET", f"/api/deployment-events/{response.json()['id']}").json()
    assert stored["kind"] == kind
    assert stored["integrationType"] == "GITLAB"
    assert stored["teams"] == ["platform"]


def test_real_captured_delivery_with_token(api: Api, aws: Aws) -> None:
    # Given a pipeline whose secret token is the one of the real capture
    headers = fixture_headers("gitlab/merge_request.opened.captured.json")
    key = create(api, webhookSecret=headers["x-gitlab-token"])["integrationKey"]
    body = fixture_bytes("gitlab/merge_request.opened.captured.json")
    # When the capture arrives with its headers: valid, but an opened MR is not a merge
    response = api.gateway.handle("POST", f"/api/v1/deployment-events/gitlab/{key}", "", headers, body)
    assert (response.status, response.json()["status"]) == (200, "ignored")
    # And without the token, or with another, it is 401
    for token in (None, "wrong"):
        forged = {name: value for name, value in headers.items() if name != "x-gitlab-token"}
        if token:
            forged["x-gitlab-token"] = token
        assert api.gateway.handle("POST", f"/api/v1/deployment-events/gitlab/{key}", "", forged, body).status == 401
    assert not aws.stored_event_ids()


def _deployment(status: str, changed_at: str) -> bytes:
    payload = fixture_json("gitlab/deployment.success.docs.json")
    payload.update(status=status, status_changed_at=changed_at)
    return json.dumps(payload).encode()


def test_one_record_per_deployment_id_latest_status_wins(api: Api, aws: Aws) -> None:
    key = create(api)["integrationKey"]
    running = deliver(api, key, "Deployment Hook", _deployment("running", "2021-04-28 21:40:00 +0200"))
    failed = deliver(api, key, "Deployment Hook", _deployment("failed", "2021-04-28 21:45:00 +0200"))
    succeeded = deliver(api, key, "Deployment Hook", _deployment("success", "2021-04-28 21:50:00 +0200"))
    late_failure = deliver(api, key, "Deployment Hook", _deployment("failed", "2021-04-28 21:45:00 +0200"))
    again = deliver(api, key, "Deployment Hook", _deployment("success", "2021-04-28 21:50:00 +0200"))
    assert running.json()["status"] == "ignored"
    assert [failed.json()["status"], succeeded.json()["status"]] == ["accepted", "accepted"]
    assert late_failure.json()["status"] == "ignored"
    assert again.json()["status"] == "duplicate"
    assert len(aws.stored_event_ids()) == 1
    assert api.call("GET", f"/api/deployment-events/{failed.json()['id']}").json()["status"] == "success"


def test_idempotency_key_redelivery_is_a_duplicate(api: Api, aws: Aws) -> None:
    key = create(api)["integrationKey"]
    body = fixture_bytes("gitlab/push.docs.json")
    headers = {"idempotency-key": "fde843d3-c383-4a02-b86a-ac9eb7204232", "x-gitlab-event-uuid": "50ad7229"}
    first = deliver(api, key, "Push Hook", body, headers)
    retry = deliver(api, key, "Push Hook", body, headers)
    assert (first.json()["status"], retry.json()["status"]) == ("accepted", "duplicate")
    assert len(aws.stored_event_ids()) == 1


def test_pipeline_hook_when_asked_for(api: Api) -> None:
    default_key = create(api)["integrationKey"]
    opted_in = create(api, params={"eventFilters": ["Pipeline Hook"]})["integrationKey"]
    payload = fixture_json("gitlab/pipeline.docs.json")
    payload["object_attributes"]["finished_at"] = "2026-11-29 11:00:00 UTC"
    body = json.dumps(payload).encode()
    assert deliver(api, default_key, "Pipeline Hook", body).json()["status"] == "ignored"
    assert deliver(api, opted_in, "Pipeline Hook", body).status == 202


@pytest.mark.parametrize(
    ("event", "name"),
    [
        ("Tag Push Hook", "tag_push.docs.json"),
        ("Merge Request Hook", "merge_request.open.docs.json"),
        ("Issue Hook", "push.docs.json"),
    ],
)
def test_other_events_are_200_ignored(api: Api, aws: Aws, event: str, name: str) -> None:
    key = create(api)["integrationKey"]
    response = deliver(api, key, event, fixture_bytes(f"gitlab/{name}"))
    assert (response.status, response.json()["status"]) == (200, "ignored")
    assert not aws.stored_event_ids()


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"x-gitlab-event": ""}, b"{}", 400),
        ({}, b"{", 400),
        ({"content-type": "application/x-www-form-urlencoded"}, b"payload={}", 415),
        ({}, b"{" + b" " * (256 * 1024) + b"}", 413),
        ({}, b'{"ref": "refs/heads/master"}', 422),
    ],
)
def test_bad_input_statuses(api: Api, aws: Aws, headers: dict[str, str], body: bytes, status: int) -> None:
    key = create(api)["integrationKey"]
    assert deliver(api, key, "Push Hook", body, headers).status == status
    assert not aws.stored_event_ids()


def test_github_key_on_the_gitlab_route_is_404(api: Api) -> None:
    github_key = api.create_pipeline("GITHUB")["integrationKey"]
    assert deliver(api, github_key, "Push Hook", fixture_bytes("gitlab/push.docs.json")).status == 404
