"""A newcomer's first minutes, over plain HTTP against the local runner (§10)."""

from __future__ import annotations

import pytest

from tests.e2e.runner import RunningSystem
from tests.fixture_files import fixture_bytes

pytestmark = pytest.mark.e2e


def test_health_is_public(system: RunningSystem) -> None:
    response = system.request("GET", "/api/health", admin=False)
    assert (response.status, response.json()) == (200, {"status": "ok"})


def test_runner_prints_the_url_and_a_token_link(system: RunningSystem) -> None:
    printed = "".join(system.output)
    assert f"{system.url}/#token={system.admin_token}" in printed


def test_github_webhook_to_listed_event(system: RunningSystem) -> None:
    # Given a GitHub pipeline created over the API
    created = system.request(
        "POST",
        "/api/deployment-pipelines",
        {"name": "e2e-github", "integrationType": "GITHUB", "teams": [{"id": "e2e"}]},
    )
    assert created.status == 201
    pipeline = created.json()
    assert pipeline["integrationUrl"].startswith(system.url + "/api/v1/deployment-events/github/")
    # When GitHub delivers a push to the integration URL
    path = pipeline["integrationUrl"].removeprefix(system.url)
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": "e2e-1"}
    delivered = system.request("POST", path, fixture_bytes("github/push.default-branch.json"), headers, admin=False)
    redelivered = system.request("POST", path, fixture_bytes("github/push.default-branch.json"), headers, admin=False)
    # Then it is accepted once and listed for the team
    assert (delivered.status, delivered.json()["status"]) == (202, "accepted")
    assert (redelivered.status, redelivered.json()["status"]) == (202, "duplicate")
    listed = system.request("GET", "/api/deployment-events?team=e2e").json()
    assert [item["id"] for item in listed["items"]] == [delivered.json()["id"]]
    assert listed["items"][0]["summary"] == "Codertocat pushed 1 commit to Codertocat/Hello-World@master: Update README"


def test_generic_event_and_errors_over_http(system: RunningSystem) -> None:
    key = system.request("POST", "/api/deployment-pipelines", {"name": "e2e-api", "integrationType": "API"}).json()[
        "integrationKey"
    ]
    accepted = system.request(
        "POST", "/api/deployment-events", {"apiKey": key, "summary": "Newsletter sent"}, admin=False
    )
    assert accepted.status == 202
    assert (
        system.request(
            "POST", "/api/deployment-events", b"{oops", {"Content-Type": "application/json"}, admin=False
        ).status
        == 400
    )
    assert (
        system.request("POST", "/api/deployment-events", b"{}", {"Content-Type": "text/plain"}, admin=False).status
        == 415
    )
    oversize = b'{"summary": "' + b"x" * (300 * 1024) + b'"}'
    assert (
        system.request(
            "POST", "/api/deployment-events", oversize, {"Content-Type": "application/json"}, admin=False
        ).status
        == 413
    )


def test_admin_routes_need_the_token(system: RunningSystem) -> None:
    assert system.request("GET", "/api/deployment-pipelines", admin=False).status == 401
    assert system.request("GET", "/api/deployment-events", admin=False).status == 401


def test_unknown_route_is_404(system: RunningSystem) -> None:
    assert system.request("GET", "/api/nothing-here").status == 404
