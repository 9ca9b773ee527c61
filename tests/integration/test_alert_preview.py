"""The preview (§16): the enrichment an alert would get now, with nothing stored or published."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Aws, Bus
from tests.fixture_files import fixture_json


def items_and_events(aws: Aws, alert_bus: Bus) -> tuple[int, int]:
    return len(aws.items()), len(alert_bus.observed("Alert Created")) + len(alert_bus.observed("Alert Enriched"))


@pytest.fixture
def deployed(api: Api) -> dict[str, Any]:
    """A pipeline of team payments with one deployment of shop a minute ago."""
    pipeline = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    body = {"integrationKey": pipeline["integrationKey"], "summary": "shop v2", "service": "shop"}
    assert api.call("POST", "/api/deployment-events", body).status == 202
    return pipeline


def test_a_preview_answers_the_enrichment_and_changes_nothing(
    api: Api, aws: Aws, alert_bus: Bus, deployed: dict[str, Any]
) -> None:
    # Given the table and the bus as they are
    before = items_and_events(aws, alert_bus)
    alert = {
        "id": "what-if",
        "reportTime": isoformat(utc_now()),
        "alertSource": {"id": "x", "teams": [{"id": "payments"}]},
        "labels": {"service": "shop"},
    }
    # When an alert is previewed
    response = api.call("POST", "/api/alerts/preview", alert)
    # Then it would be TEAM-scoped with the deployment, matching its service
    assert response.status == 200, response.body
    enrichment = response.json()
    assert enrichment["scope"] == "TEAM"
    assert [deployment["summary"] for deployment in enrichment["deployments"]] == ["shop v2"]
    assert "service" in enrichment["deployments"][0]["reason"]
    # And nothing was stored or published, and the alert has no enrichment
    alert_bus.deliver()
    assert items_and_events(aws, alert_bus) == before
    assert api.call("GET", "/api/alerts/what-if/deployments").status == 404


def test_a_preview_reads_an_alerting_systems_own_body(api: Api, deployed: dict[str, Any]) -> None:
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    for alert in delivery["alerts"]:
        alert["startsAt"] = isoformat(utc_now())
        alert["labels"]["team"] = "payments"
    response = api.call("POST", "/api/alerts/preview", json.dumps(delivery).encode(), query="type=alertmanager")
    assert response.status == 200, response.body
    assert response.json()["alertId"].startswith("a1bc48475b20e73d:")
    assert response.json()["scope"] == "TEAM"


@pytest.mark.parametrize(
    ("query", "body", "status"),
    [
        ("", {"summary": "no id"}, 422),
        ("type=nagios", {}, 422),
        ("type=alertmanager", fixture_json("alerts/alertmanager/resolved.one-alert.prom2teams.json"), 422),
        ("", b"{", 400),
    ],
)
def test_bad_previews_say_why(api: Api, query: str, body: Any, status: int) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    assert api.call("POST", "/api/alerts/preview", raw, query=query).status == status


def test_a_preview_tries_other_weights_without_deploying(api: Api, deployed: dict[str, Any]) -> None:
    # Given an alert of the deployed service
    alert = {"id": "weights", "reportTime": isoformat(utc_now()), "labels": {"service": "shop"}}
    # When it is previewed with the configured weights, and with a far more cautious "none"
    usual = api.call("POST", "/api/alerts/preview", alert).json()
    cautious = api.call("POST", "/api/alerts/preview", alert, query="weights=%7B%22none%22%3A%208%7D").json()
    # Then the same deployment is listed, the cautious one scoring lower and naming no cause
    [usual_item], [cautious_item] = usual["deployments"], cautious["deployments"]
    assert usual_item["id"] == cautious_item["id"]
    assert cautious_item["score"] < usual_item["score"]
    assert usual["likelyCause"] == usual_item["id"]
    assert cautious["likelyCause"] is None
    assert cautious["noLikelyCause"].startswith("No change stands out")


@pytest.mark.parametrize("weights", ["%7B%22tiem%22%3A1%7D", "%7B", "%5B%5D", "%7B%22time%22%3A%22x%22%7D"])
def test_bad_weights_are_a_clear_client_error(api: Api, weights: str) -> None:
    alert = {"id": "bad-weights", "reportTime": isoformat(utc_now())}
    response = api.call("POST", "/api/alerts/preview", alert, query=f"weights={weights}")
    assert response.status in {400, 422}, response.body
    assert "weights" in response.body.decode() or "JSON" in response.body.decode()
