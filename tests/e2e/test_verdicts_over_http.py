"""§18's verdicts over HTTP against the local runner, as the README's curl commands send them: the
routes the template declares, through the API function, and the enrichment published again."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import RunningSystem
from tests.e2e.test_alerts_over_http import wait_for_enrichment

pytestmark = pytest.mark.e2e


def enriched_alert_with_a_change(system: RunningSystem) -> tuple[str, str]:
    """An alert of a team whose pipeline deployed 5 minutes before it; its id and the change's."""
    team = f"e2e-verdicts-{uuid.uuid4().hex[:6]}"
    pipeline = system.request(
        "POST", "/api/deployment-pipelines", {"name": team, "integrationType": "API", "teams": [{"id": team}]}
    ).json()
    event = {
        "integrationKey": pipeline["integrationKey"],
        "summary": "shop v3 to production",
        "timestamp": isoformat(utc_now() - timedelta(minutes=5)),
    }
    sent = system.request("POST", "/api/deployment-events", event, admin=False)
    assert sent.status == 202, sent.body
    alert_id = f"{team}-alert"
    alert = {"id": alert_id, "reportTime": isoformat(utc_now()), "alertSource": {"id": team, "teams": [{"id": team}]}}
    assert system.request("POST", "/api/alerts", alert).status == 202
    [change] = wait_for_enrichment(system, alert_id)["deployments"]
    return alert_id, str(change["id"])


def json_of(system: RunningSystem, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    response = system.request(method, path, body)
    assert response.status == status, response.body
    return response.json() if status != 204 else None


def test_a_verdict_is_given_listed_and_withdrawn_over_http(system: RunningSystem) -> None:
    # Given an enriched alert with one change
    alert_id, change = enriched_alert_with_a_change(system)
    path = f"/api/alerts/{alert_id}/deployments/{change}/verdict"
    # When a responder confirms it over HTTP
    answer = json_of(system, "PUT", path, {"verdict": "CAUSED", "author": "alice", "note": "the v3 migration"})
    # Then the answer and the stored enrichment name it as the cause, with score 1.0
    assert answer["likelyCause"] == change
    assert answer["deployments"][0]["score"] == 1.0
    assert json_of(system, "GET", f"/api/alerts/{alert_id}/deployments") == answer
    # And the verdict is listed with its author, time and history
    listed = json_of(system, "GET", f"/api/alerts/{alert_id}/verdicts")
    assert [(item["eventId"], item["author"]) for item in listed["verdicts"]] == [(change, "alice")]
    assert [item["action"] for item in listed["history"]] == ["given"]
    # When it is withdrawn, twice
    json_of(system, "DELETE", path, status=204)
    json_of(system, "DELETE", path, status=404)
    # Then no verdict stands, and the history says so
    listed = json_of(system, "GET", f"/api/alerts/{alert_id}/verdicts")
    assert listed["verdicts"] == []
    assert [item["action"] for item in listed["history"]] == ["given", "withdrawn"]
    assert "verdict" not in json_of(system, "GET", f"/api/alerts/{alert_id}/deployments")["deployments"][0]


def test_verdict_requests_that_cannot_apply_are_4xx(system: RunningSystem) -> None:
    # Given an enriched alert
    alert_id, change = enriched_alert_with_a_change(system)
    started = time.monotonic()
    # When verdicts name an unknown alert, an unlisted change, or carry a bad body
    unknown_alert = system.request(
        "PUT", f"/api/alerts/no-such-{alert_id}/deployments/{change}/verdict", {"verdict": "CAUSED"}
    )
    unlisted = system.request(
        "PUT", f"/api/alerts/{alert_id}/deployments/no-such-change/verdict", {"verdict": "CAUSED"}
    )
    bad = system.request("PUT", f"/api/alerts/{alert_id}/deployments/{change}/verdict", {"verdict": "PERHAPS"})
    # Then 404, 404 and 422, at once
    assert (unknown_alert.status, unlisted.status, bad.status) == (404, 404, 422)
    assert time.monotonic() - started < 10
