"""Deployment pipelines through the API (§2, §7), with the table from template.yaml."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.conftest import ADMIN, JSON, Api, Aws


def test_create_returns_the_key_and_url_once(api: Api) -> None:
    # When a GitHub pipeline is created
    response = api.call(
        "POST",
        "/api/deployment-pipelines",
        {"name": "shop-github", "integrationType": "GITHUB", "teams": [{"id": 7, "name": "Payments"}]},
    )
    # Then the key and the URL to paste into GitHub come back, with ilert's defaults
    assert response.status == 201
    created = response.json()
    assert created["integrationKey"].startswith("dpl_")
    assert len(created["integrationKey"]) >= 4 + 32
    assert created["integrationKeyHint"] == created["integrationKey"][-4:]
    assert created["integrationUrl"] == f"http://127.0.0.1/api/v1/deployment-events/github/{created['integrationKey']}"
    assert created["teams"] == [{"id": "7", "name": "Payments"}]
    assert created["params"] == {
        "branchFilters": ["main", "master"],
        "eventFilters": ["push", "pull_request", "release", "deployment_status"],
    }
    assert created["webhookSecretSet"] is False
    assert created["createdAt"] == created["updatedAt"]
    # And reads show only the hint, and no URL since it would contain the key
    read = api.call("GET", f"/api/deployment-pipelines/{created['id']}").json()
    assert "integrationKey" not in read
    assert "integrationUrl" not in read
    assert read["integrationKeyHint"] == created["integrationKeyHint"]


def test_api_pipelines_show_the_generic_endpoint_on_reads(api: Api) -> None:
    created = api.create_pipeline("API")
    read = api.call("GET", f"/api/deployment-pipelines/{created['id']}").json()
    assert read["integrationUrl"] == "http://127.0.0.1/api/deployment-events"
    assert read["params"]["eventFilters"] == []


def test_the_key_is_not_in_the_table(api: Api, aws: Aws) -> None:
    # Given a pipeline with a webhook secret
    created = api.create_pipeline("GITLAB", webhookSecret="s3cret-token")
    # When the whole table is dumped
    dump = json.dumps(aws.items())
    # Then the key does not appear, only its SHA-256
    assert created["integrationKey"] not in dump
    assert hashlib.sha256(created["integrationKey"].encode()).hexdigest() in dump
    # And the secret is never returned
    assert "s3cret-token" not in api.call("GET", f"/api/deployment-pipelines/{created['id']}").body.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"branchFilters": []}, []),
        ({"branchFilters": ["release/*", "main"]}, ["release/*", "main"]),
        ({}, ["main", "master"]),
    ],
)
def test_branch_filters(api: Api, params: dict[str, list[str]], expected: list[str]) -> None:
    created = api.create_pipeline("GITHUB", params=params)
    assert created["params"]["branchFilters"] == expected


def test_event_filters_are_checked_against_the_integration(api: Api) -> None:
    created = api.create_pipeline("GITLAB", params={"eventFilters": ["pipeline hook", "Deployment Hook"]})
    assert created["params"]["eventFilters"] == ["Pipeline Hook", "Deployment Hook"]
    rejected = api.call(
        "POST",
        "/api/deployment-pipelines",
        {"name": "x", "integrationType": "GITHUB", "params": {"eventFilters": ["Push Hook"]}},
    )
    assert rejected.status == 422
    assert "params.eventFilters" in rejected.json()["message"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"integrationType": "GITHUB"}, 422, "name"),
        ({"name": "", "integrationType": "GITHUB"}, 422, "name"),
        ({"name": "x" * 256, "integrationType": "GITHUB"}, 422, "name"),
        ({"name": "x"}, 422, "integrationType"),
        ({"name": "x", "integrationType": "BITBUCKET"}, 422, "integrationType"),
        ({"name": "x", "integrationType": "API", "teams": [{"name": "no id"}]}, 422, "teams.0.id"),
        ({"name": "x", "integrationType": "API", "teams": [{"id": "a#b"}]}, 422, "teams.0.id"),
        ([], 400, None),
    ],
)
def test_invalid_pipelines_are_rejected(api: Api, aws: Aws, body: object, status: int, field: str | None) -> None:
    response = api.call("POST", "/api/deployment-pipelines", body)
    assert response.status == status
    if field:
        assert field in response.json()["message"]
    assert not [item for item in aws.items() if item["PK"]["S"] == "PIPELINES"]


def test_malformed_json_is_400(api: Api) -> None:
    response = api.call("POST", "/api/deployment-pipelines", b'{"name": ', {"content-type": "application/json"})
    assert response.status == 400


def test_list_pages_in_creation_order(api: Api) -> None:
    ids = [api.create_pipeline("API", name=f"p{index}")["id"] for index in range(5)]
    listed = api.call("GET", "/api/deployment-pipelines").json()
    assert [item["id"] for item in listed] == ids
    page = api.call("GET", "/api/deployment-pipelines", query="start-index=1&max-results=2").json()
    assert [item["id"] for item in page] == ids[1:3]
    assert api.call("GET", "/api/deployment-pipelines", query="start-index=9").json() == []


@pytest.mark.parametrize(
    "query", ["max-results=0", "max-results=101", "max-results=abc", "start-index=-1", "start-index=x"]
)
def test_list_rejects_bad_paging_with_400(api: Api, query: str) -> None:
    response = api.call("GET", "/api/deployment-pipelines", query=query)
    assert response.status == 400
    assert response.json()["code"] == "bad_request"


def test_unknown_pipeline_is_404(api: Api) -> None:
    for method in ("GET", "DELETE"):
        assert api.call(method, "/api/deployment-pipelines/nope").status == 404
    assert api.call("PUT", "/api/deployment-pipelines/nope", {"name": "x"}).status == 404
    assert api.call("POST", "/api/deployment-pipelines/nope/rotate-key").status == 404


def test_full_update_clears_what_is_omitted_but_keeps_the_secret(api: Api) -> None:
    # Given a pipeline with teams, filters and a secret
    created = api.create_pipeline(
        "GITHUB", teams=[{"id": "payments"}], params={"branchFilters": ["release/*"]}, webhookSecret="abc"
    )
    # When it is replaced with only a name
    updated = api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "renamed"}).json()
    # Then teams are cleared and params reset, as in ilert, and the secret is kept
    assert updated["name"] == "renamed"
    assert updated["teams"] == []
    assert updated["params"]["branchFilters"] == ["main", "master"]
    assert updated["webhookSecretSet"] is True
    assert updated["integrationKeyHint"] == created["integrationKeyHint"]
    # And null or "" removes the secret
    for removal in (None, ""):
        api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "x", "webhookSecret": "abc"})
        cleared = api.call(
            "PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "x", "webhookSecret": removal}
        ).json()
        assert cleared["webhookSecretSet"] is False


def test_integration_type_cannot_change(api: Api) -> None:
    created = api.create_pipeline("GITHUB")
    response = api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "x", "integrationType": "GITLAB"})
    assert response.status == 422
    assert "integrationType" in response.json()["message"]
    same = api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "x", "integrationType": "GITHUB"})
    assert same.status == 200


def test_rotate_key_stops_the_old_key_at_once(api: Api) -> None:
    created = api.create_pipeline("API")
    event = {"integrationKey": created["integrationKey"], "summary": "before rotation"}
    assert api.call("POST", "/api/deployment-events", event, {"authorization": ""}).status == 202
    rotated = api.call("POST", f"/api/deployment-pipelines/{created['id']}/rotate-key")
    assert rotated.status == 200
    new_key = rotated.json()["integrationKey"]
    assert new_key != created["integrationKey"]
    assert rotated.json()["integrationUrl"].endswith("/api/deployment-events")
    assert api.call("POST", "/api/deployment-events", event).status == 404
    assert api.call("POST", "/api/deployment-events", {**event, "integrationKey": new_key}).status == 202


def test_delete_stops_the_key_and_keeps_events(api: Api, aws: Aws) -> None:
    created = api.create_pipeline("API")
    event = {"integrationKey": created["integrationKey"], "summary": "kept after delete"}
    stored_id = api.call("POST", "/api/deployment-events", event).json()["id"]
    assert api.call("DELETE", f"/api/deployment-pipelines/{created['id']}").status == 204
    assert api.call("GET", f"/api/deployment-pipelines/{created['id']}").status == 404
    assert api.call("POST", "/api/deployment-events", event).status == 404
    assert stored_id in aws.stored_event_ids()


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Bearer wrong", "Basic dGVzdC1hZG1pbi10b2tlbg==", "bearer test-admin-token-x"]
)
def test_management_needs_the_admin_token(api: Api, authorization: str | None) -> None:
    headers = {**JSON}
    if authorization is not None:
        headers["authorization"] = authorization
    response = api.gateway.handle(
        "POST", "/api/deployment-pipelines", "", headers, b'{"name":"x","integrationType":"API"}'
    )
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert api.gateway.handle("GET", "/api/deployment-pipelines", "", headers).status == 401


def test_the_admin_token_scheme_is_case_insensitive(api: Api) -> None:
    response = api.gateway.handle(
        "GET", "/api/deployment-pipelines", "", {"authorization": ADMIN["authorization"].replace("Bearer", "bearer")}
    )
    assert response.status == 200
