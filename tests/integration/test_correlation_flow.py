"""Alerts through the bus to enrichments (§4-§6), with the functions and rules of template.yaml."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from local.template import LOCAL_REGION
from shared.adapters.store import client as store
from shared.domain.models.alerts import Enrichment, Scope, Window
from shared.domain.timestamps import isoformat, utc_now
from shared.logic import enrichment as alerts
from tests.conftest import JSON, Api, Aws, Bus
from tests.fixture_files import fixture_json

PAYMENTS = {"id": "payments", "name": "Payments"}
CHECKOUT = {"id": "checkout", "name": "Checkout"}
SEARCH = {"id": "search", "name": "Search"}


def pipeline_key(api: Api, name: str, teams: list[dict[str, str]]) -> str:
    return str(api.create_pipeline("API", name=name, teams=teams)["integrationKey"])


def deploy(api: Api, key: str, summary: str, minutes_ago: float, **fields: Any) -> str:
    body = {
        "integrationKey": key,
        "summary": summary,
        "timestamp": isoformat(utc_now() - timedelta(minutes=minutes_ago)),
        **fields,
    }
    response = api.call("POST", "/api/deployment-events", body)
    assert response.status == 202, response.body
    return str(response.json()["id"])


def alert(alert_id: str | int, source_teams: list[dict[str, str]] | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": alert_id, "summary": "Checkout errors", "reportTime": isoformat(utc_now()), **fields}
    if source_teams is not None:
        body["alertSource"] = {"id": 7, "name": "Shop API", "teams": source_teams}
    return body


def enrichment(api: Api, alert_id: str) -> dict[str, Any]:
    response = api.call("GET", f"/api/alerts/{alert_id}/deployments")
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    return body


def test_team_scope_from_the_bus_to_the_enrichment(api: Api, alert_bus: Bus) -> None:
    # Given Payments' and Search's pipelines, each with a recent deployment
    shop = deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "Deployed shop v1.4.0", 14, repository="acme/shop")
    deploy(api, pipeline_key(api, "search", [SEARCH]), "Deployed search", 2)
    # When an alert of Payments' alert source arrives on the bus
    alert_bus.put_alert(alert("a-1", [PAYMENTS]))
    alert_bus.deliver()
    # Then only Payments' deployment relates to it, with ilert's reason
    result = enrichment(api, "a-1")
    assert result["scope"] == "TEAM"
    assert result["claimingTeams"] == [PAYMENTS]
    assert [item["id"] for item in result["deployments"]] == [shop]
    assert result["deployments"][0]["reason"] == (
        'Deployed 14 min before the alert by pipeline "shop", owned by team Payments, to which this alert belongs'
    )
    assert result["deployments"][0]["pipeline"]["name"] == "shop"
    # And the same body was published as Alert Enriched for other consumers
    [published] = alert_bus.observed("Alert Enriched")
    assert published["detail"] == result
    assert published["source"] == "deployment-events"


def test_account_scope_when_no_team_claims_the_alert(api: Api, alert_bus: Bus) -> None:
    recent = deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "shop", 30)
    other = deploy(api, pipeline_key(api, "search", [SEARCH]), "search", 90)
    deploy(api, pipeline_key(api, "old", []), "too old for the account window", 150)
    alert_bus.put_alert(alert("a-2", [{"id": "nobody", "name": "Nobody"}]))
    alert_bus.deliver()
    result = enrichment(api, "a-2")
    assert (result["scope"], result["claimingTeams"]) == ("ACCOUNT", [])
    assert [item["id"] for item in result["deployments"]] == [recent, other]
    assert result["deployments"][0]["reason"].endswith("(account-wide, time-based)")


def test_a_claimed_team_with_nothing_in_its_window_gets_nothing(api: Api, alert_bus: Bus) -> None:
    deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "eight days ago", 8 * 24 * 60)
    deploy(api, pipeline_key(api, "search", [SEARCH]), "someone else's, recent", 5)
    alert_bus.put_alert(alert("a-3", [PAYMENTS]))
    alert_bus.deliver()
    result = enrichment(api, "a-3")
    assert (result["scope"], result["deployments"]) == ("TEAM", [])


def test_registered_teams_fill_in_resources_named_by_id_only(api: Api, alert_bus: Bus) -> None:
    shop = deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "shop", 10)
    search = deploy(api, pipeline_key(api, "search", [SEARCH]), "search", 5)
    assert (
        api.call("PUT", "/api/escalation-policies/42", {"name": "Payments on call", "teams": [PAYMENTS]}).status == 200
    )
    assert api.call("PUT", "/api/alert-sources/7", {"name": "Shop API", "teams": [PAYMENTS]}).status == 200
    # An alert naming the policy by id and name only, as ilert's outbound webhook does
    alert_bus.put_alert(alert("a-4", escalationPolicy={"id": 42, "name": "Payments on call"}))
    # Teams given in the alert win over the registry, resource by resource
    alert_bus.put_alert(alert("a-5", [SEARCH]))
    alert_bus.deliver()
    assert [item["id"] for item in enrichment(api, "a-4")["deployments"]] == [shop]
    assert [item["id"] for item in enrichment(api, "a-5")["deployments"]] == [search]


def test_a_two_team_pipeline_is_listed_once(api: Api, alert_bus: Bus) -> None:
    both = deploy(api, pipeline_key(api, "shared", [PAYMENTS, CHECKOUT]), "shared deploy", 3)
    alert_bus.put_alert(alert("a-6", [PAYMENTS], escalationPolicy={"id": 1, "teams": [CHECKOUT]}))
    alert_bus.deliver()
    result = enrichment(api, "a-6")
    assert [item["id"] for item in result["deployments"]] == [both]
    assert "owned by teams Payments and Checkout" in result["deployments"][0]["reason"]


def test_a_team_named_by_label_gets_the_name_its_pipelines_give_it(api: Api, alert_bus: Bus) -> None:
    # Given Payments' pipeline with a deployment, and an Alertmanager source of no team
    shop = deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "Deployed shop", 14)
    source = api.call("POST", "/api/alert-sources", {"name": "prometheus", "integrationType": "ALERTMANAGER"}).json()
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    delivery["alerts"] = [{**delivery["alerts"][0], "startsAt": isoformat(utc_now())}]
    delivery["alerts"][0]["labels"]["team"] = "payments"
    # When Alertmanager delivers an alert whose team label names the team by id only
    path = f"/api/v1/alerts/alertmanager/{source['integrationKey']}"
    response = api.call("POST", path, json.dumps(delivery).encode(), {"authorization": "", **JSON})
    assert response.status == 202, response.body
    alert_bus.deliver()
    # Then the claiming team and the reason carry the name Payments' pipeline gives it
    result = enrichment(api, response.json()["alerts"][0])
    assert result["claimingTeams"] == [PAYMENTS]
    assert [item["id"] for item in result["deployments"]] == [shop]
    assert result["deployments"][0]["reason"].endswith("owned by team Payments, to which this alert belongs")


def test_labels_rank_before_time(api: Api, alert_bus: Bus) -> None:
    key = pipeline_key(api, "shop", [PAYMENTS])
    matching = deploy(api, key, "shop to production", 45, repository="acme/shop", environment="production")
    newest = deploy(api, key, "search", 1, repository="acme/search")
    alert_bus.put_alert(alert("a-7", [PAYMENTS], labels={"service": "shop", "environment": "production"}))
    alert_bus.deliver()
    deployments = enrichment(api, "a-7")["deployments"]
    assert [item["id"] for item in deployments] == [matching, newest]
    assert deployments[0]["score"] > deployments[1]["score"]


def test_correlating_again_replaces_the_enrichment(api: Api, aws: Aws, alert_bus: Bus) -> None:
    key = pipeline_key(api, "shop", [PAYMENTS])
    first = deploy(api, key, "first", 20)
    alert_bus.put_alert(alert("a-8", [PAYMENTS]))
    alert_bus.deliver()
    before = enrichment(api, "a-8")
    second = deploy(api, key, "second", 10)
    alert_bus.put_alert(alert("a-8", [PAYMENTS]))
    alert_bus.deliver()
    after = enrichment(api, "a-8")
    assert [item["id"] for item in before["deployments"]] == [first]
    assert [item["id"] for item in after["deployments"]] == [second, first]
    assert after["correlatedAt"] >= before["correlatedAt"]
    partition = [item["SK"]["S"] for item in aws.items() if item["PK"]["S"] == "ALERT#7#a-8"]
    assert [sk for sk in partition if not sk.startswith("LISTED#")] == ["ENRICHMENT"]


def test_an_older_correlation_does_not_replace_a_newer_one(api: Api, aws: Aws) -> None:
    now = utc_now()
    newer = Enrichment(
        alert_id="a-9",
        scope=Scope.ACCOUNT,
        claiming_teams=[],
        window=Window(from_=now, until=now),
        deployments=[],
        correlated_at=now,
    )
    older = newer.model_copy(update={"correlated_at": now - timedelta(seconds=5), "scope": Scope.TEAM})
    assert alerts.store_enrichment(newer)
    assert not alerts.store_enrichment(older)
    assert enrichment(api, "a-9")["scope"] == "ACCOUNT"


def test_enrichment_is_404_before_correlation_and_empty_when_nothing_matched(api: Api, alert_bus: Bus) -> None:
    assert api.call("GET", "/api/alerts/a-10/deployments").status == 404
    assert api.call("GET", "/api/alerts/" + "x" * 3000 + "/deployments").status == 404
    alert_bus.put_alert(alert("a-10"))
    alert_bus.deliver()
    result = enrichment(api, "a-10")
    assert (result["scope"], result["deployments"]) == ("ACCOUNT", [])
    assert set(result["window"]) == {"from", "until"}


def test_post_alerts_puts_the_alert_on_the_bus(api: Api, alert_bus: Bus) -> None:
    shop = deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "shop", 4)
    response = api.call("POST", "/api/alerts", alert(11, [PAYMENTS]))
    assert response.status == 202
    assert response.json()["alertId"] == "11"
    eventbridge_shaped = {"detail-type": "Alert Created", "source": "ilert", "detail": alert("a-12", [PAYMENTS])}
    assert api.call("POST", "/api/alerts", eventbridge_shaped).status == 202
    [created, _] = alert_bus.observed("Alert Created")
    assert created["detail"]["id"] == "11"
    alert_bus.deliver()
    assert [item["id"] for item in enrichment(api, "11")["deployments"]] == [shop]
    assert [item["id"] for item in enrichment(api, "a-12")["deployments"]] == [shop]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b'{"id": ', 400, None),
        (b"[]", 400, None),
        (b'{"reportTime": "2026-11-29T12:00:00Z"}', 422, "id"),
        (b'{"id": "", "reportTime": "2026-11-29T12:00:00Z"}', 422, "id"),
        (b'{"id": "x"}', 422, "reportTime"),
        (b'{"id": "x", "reportTime": "soon"}', 422, "reportTime"),
        (b'{"id": {"a": 1}, "reportTime": 1}', 422, "id"),
    ],
)
def test_post_alerts_rejects_bad_alerts(api: Api, alert_bus: Bus, body: bytes, status: int, field: str | None) -> None:
    response = api.call("POST", "/api/alerts", body, {"content-type": "application/json"})
    assert response.status == status
    if field:
        assert field in [error["field"] for error in response.json()["errors"]]
    assert alert_bus.observed("Alert Created") == []


def test_post_alerts_needs_the_admin_token(api: Api) -> None:
    assert (
        api.gateway.handle(
            "POST", "/api/alerts", "", {"content-type": "application/json"}, b'{"id":"x","reportTime":1}'
        ).status
        == 401
    )


def test_registry_crud(api: Api) -> None:
    assert api.call("GET", "/api/alert-sources/7").status == 404
    stored = api.call("PUT", "/api/alert-sources/7", {"name": "Shop API", "teams": [PAYMENTS, {"id": 3}]})
    assert stored.status == 200
    assert stored.json()["teams"] == [PAYMENTS, {"id": "3"}]
    assert api.call("GET", "/api/alert-sources/7").json()["name"] == "Shop API"
    assert api.call("DELETE", "/api/alert-sources/7").status == 204
    assert api.call("DELETE", "/api/alert-sources/7").status == 404
    assert api.call("PUT", "/api/escalation-policies/1", {"teams": [{"name": "no id"}]}).status == 422


def test_an_invalid_alert_on_the_bus_ends_in_the_dead_letter_queue_intact(aws: Aws, alert_bus: Bus) -> None:
    broken = {"id": "a-13", "summary": "no reportTime"}
    alert_bus.put_alert(broken)
    alert_bus.deliver()
    [dead] = aws.queue_messages("CorrelateDeadLetterQueue")
    assert dead["detail"] == broken
    assert dead["detail-type"] == "Alert Created"


class QueryCounter:
    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def __call__(self, event_name: str, **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        self.calls[operation] = self.calls.get(operation, 0) + 1


def seed_events(aws: Aws, count: int, team: str, minutes_back: range) -> None:
    """Bulk events straight into their partitions (the layout ingest writes), far from the alert."""
    client = boto3.client("dynamodb", region_name=LOCAL_REGION)
    now = utc_now()
    items = []
    for index in range(count):
        moment = now - timedelta(minutes=minutes_back[index % len(minutes_back)])
        day = moment.strftime("%Y-%m-%d")
        sort_key = f"{isoformat(moment)}#seed-{index}"
        event = json.dumps(
            {
                "id": f"seed-{index}",
                "pipelineId": "seed",
                "pipelineName": "seed",
                "integrationType": "API",
                "kind": "custom",
                "summary": "seed",
                "timestamp": isoformat(moment),
                "receivedAt": isoformat(moment),
                "teams": [team],
            }
        )
        for partition in (f"ACCOUNT#DAY#{day}", f"TEAM#{team}#DAY#{day}"):
            items.append(
                {
                    "PutRequest": {
                        "Item": {
                            "PK": {"S": partition},
                            "SK": {"S": sort_key},
                            "event": {"S": event},
                            "pipelineId": {"S": "seed"},
                        }
                    }
                }
            )
    for start in range(0, len(items), 25):
        client.batch_write_item(RequestItems={aws.resources.table_name: items[start : start + 25]})


@pytest.mark.parametrize("source_teams", [[PAYMENTS], []], ids=["TEAM", "ACCOUNT"])
def test_queries_per_alert_do_not_grow_with_the_table(
    api: Api, aws: Aws, alert_bus: Bus, source_teams: list[dict[str, str]]
) -> None:
    # Given a claimed pipeline with a deployment inside the alert's window
    deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "in the window", 15)
    counter = QueryCounter()
    store.dynamodb().meta.events.register("before-call.dynamodb", counter)

    def calls_for(alert_id: str) -> dict[str, int]:
        counter.calls.clear()
        alert_bus.put_alert(alert(alert_id, source_teams))
        alert_bus.deliver()
        return dict(counter.calls)

    # When the same alert is correlated with 10 and then 10,000 other events stored,
    # outside its window or on other teams' pipelines
    seed_events(aws, 10, "search", range(3 * 60, 20 * 24 * 60, 997))
    with_ten = calls_for("count-10")
    seed_events(aws, 10_000, "search", range(3 * 60, 80 * 24 * 60, 13))
    with_ten_thousand = calls_for("count-10k")
    # Then the number of calls is the same
    assert with_ten == with_ten_thousand
    # (one of them reads the alert's listing entries before they are replaced, §18)
    assert with_ten["Query"] <= 10
    assert enrichment(api, "count-10k")["deployments"][0]["summary"] == "in the window"
