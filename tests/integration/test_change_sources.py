"""Argo CD and PagerDuty-compatible change events (§15) through the ingest handler."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import JSON, Api, Aws
from tests.fixture_files import fixture_json

NO_ADMIN = {"authorization": ""}
ARGOCD = "argocd/ilert-template-body.velero-test.json"
ARGOCD_FAILED = "argocd/ilert-template-body.velero-test.failed.json"


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """The fixtures' syncs and changes are years old; they are stored all the same."""
    return {"RetentionDays": "3650"}


def post(api: Api, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return api.call("POST", path, raw, {**NO_ADMIN, **JSON, **(headers or {})})


def test_an_argocd_sync_is_one_deployment_updated_by_its_later_phase(api: Api, aws: Aws) -> None:
    # Given an Argo CD pipeline with a token, as ilert's argocd-notifications template is set up
    pipeline = api.create_pipeline("ARGOCD", webhookSecret="argo-token")
    path = f"/api/v1/deployment-events/argocd/{pipeline['integrationKey']}"
    assert pipeline["integrationUrl"].endswith(path)
    # When the failed sync arrives, then the same revision's success
    failed = post(api, path, fixture_json(ARGOCD_FAILED), {"x-argocd-token": "argo-token"})
    succeeded = post(api, path, fixture_json(ARGOCD), {"x-argocd-token": "argo-token"})
    # Then it is one record, in its newer state
    assert (failed.status, succeeded.status) == (202, 202)
    assert failed.json()["id"] == succeeded.json()["id"]
    event = api.call("GET", f"/api/deployment-events/{succeeded.json()['id']}").json()
    assert (event["kind"], event["service"], event["status"]) == ("deployment", "velero-test", "success")
    assert event["summary"].startswith("Argo CD synced velero-test")
    assert aws.stored_event_ids() == {event["id"]}
    # And the token is checked
    assert post(api, path, fixture_json(ARGOCD)).status == 401
    assert post(api, path, fixture_json(ARGOCD), {"x-argocd-token": "wrong"}).status == 401


def test_a_deleted_application_is_ignored(api: Api) -> None:
    pipeline = api.create_pipeline("ARGOCD")
    body = fixture_json(ARGOCD)
    body["app"]["metadata"]["deletionTimestamp"] = "2024-03-05T07:40:00Z"
    response = post(api, f"/api/v1/deployment-events/argocd/{pipeline['integrationKey']}", body)
    assert (response.status, response.json()["status"]) == (200, "ignored")


@pytest.mark.parametrize(
    "name",
    [
        "change_event.request.json",
        "change_event.github-action.push.json",
        "change_event.github-action.pull_request-merged.json",
    ],
)
def test_pagerduty_change_events_are_answered_as_pagerduty_does(api: Api, name: str) -> None:
    pipeline = api.create_pipeline("PAGERDUTY_CHANGE", teams=[{"id": "payments"}])
    body = fixture_json(f"pagerduty/{name}")
    # At our URL, with the key in the path
    in_path = post(api, f"/api/v1/deployment-events/pagerduty/{pipeline['integrationKey']}", body)
    assert (in_path.status, in_path.json()) == (202, {"status": "success", "message": "Change event processed"})
    # And at PagerDuty's own path, with the key as routing_key: only the host changes
    body["routing_key"] = pipeline["integrationKey"]
    enqueued = post(api, "/v2/change/enqueue", body)
    assert (enqueued.status, enqueued.json()["status"]) == (202, "success")
    listed = api.call("GET", "/api/deployment-events", query=f"pipeline={pipeline['id']}").json()["items"]
    assert len(listed) == 2
    assert listed[0]["summary"] == body["payload"]["summary"]


def test_custom_details_fill_the_structured_fields(api: Api) -> None:
    pipeline = api.create_pipeline("PAGERDUTY_CHANGE")
    body = fixture_json("pagerduty/change_event.request.json")
    body["routing_key"] = pipeline["integrationKey"]
    body["payload"]["custom_details"].update(repository="acme/shop", environment="production", commit_sha="abc1234")
    assert post(api, "/v2/change/enqueue", body).status == 202
    [event] = api.call("GET", "/api/deployment-events", query=f"pipeline={pipeline['id']}").json()["items"]
    assert (event["repository"], event["environment"], event["commitSha"]) == ("acme/shop", "production", "abc1234")
    assert "repository" not in event["customDetails"]
    assert event["customDetails"]["build_state"] == "passed"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"routing_key": "unknown", "payload": {"summary": "x"}}, 404),
        ({"payload": {"summary": "x"}}, 400),
        (b"{", 400),
        (b"{" + b" " * (520 * 1024) + b"}", 413),
    ],
)
def test_bad_change_events(api: Api, aws: Aws, body: Any, status: int) -> None:
    response = post(api, "/v2/change/enqueue", body)
    assert response.status == status, response.body
    if status == 400:
        assert response.json()["status"] == "invalid event"
        assert response.json()["errors"]
    assert aws.stored_event_ids() == set()


def test_a_change_event_without_summary_is_pagerdutys_invalid_event(api: Api) -> None:
    pipeline = api.create_pipeline("PAGERDUTY_CHANGE")
    response = post(api, "/v2/change/enqueue", {"routing_key": pipeline["integrationKey"], "payload": {}})
    assert response.status == 400
    assert response.json()["message"] == "Event object is invalid"
    assert any("summary" in error for error in response.json()["errors"])
