"""Responders' verdicts (§18) through the handlers and the template's rules: given, withdrawn and
listed over the API, and handed over through the bus as ``Verdict Given``; their effects on the
stored and published enrichment, on a re-correlation, and on later alerts of the same kind."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from local.template import LOCAL_REGION
from shared.domain.relevance.weights import DEFAULT_WEIGHTS
from tests.conftest import Api, Bus
from tests.integration.test_correlation_flow import PAYMENTS, SEARCH, alert, deploy, pipeline_key
from tests.integration.test_notifications import alertmanager_delivery, deliver, source_with
from tests.recording_server import recording_server

SOURCE = "7"
"""The alert source ``alert(…, teams)`` names."""


def verdict_path(alert_id: str, event_id: str) -> str:
    return f"/api/alerts/{alert_id}/deployments/{event_id}/verdict"


def give(api: Api, alert_id: str, event_id: str, verdict: str, **fields: Any) -> dict[str, Any]:
    response = api.call("PUT", verdict_path(alert_id, event_id), {"verdict": verdict, **fields})
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    return body


def stored(api: Api, alert_id: str) -> dict[str, Any]:
    response = api.call("GET", f"/api/alerts/{alert_id}/deployments")
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    return body


def by_id(enrichment: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in enrichment["deployments"]}


@pytest.fixture
def two_changes(api: Api, alert_bus: Bus) -> tuple[str, str]:
    """Alert ``a-1`` of Payments' source, correlated with two of Payments' deployments."""
    key = pipeline_key(api, "shop", [PAYMENTS])
    newer = deploy(api, key, "shop v2 to production", 5)
    older = deploy(api, key, "shop v1 to production", 40)
    alert_bus.put_alert(alert("a-1", [PAYMENTS]))
    alert_bus.deliver()
    return newer, older


def test_a_confirmed_change_becomes_the_likely_cause(api: Api, alert_bus: Bus, two_changes: tuple[str, str]) -> None:
    # Given an alert correlated with two changes
    newer, older = two_changes
    # When a responder says the older one caused it
    answer = give(api, "a-1", older, "CAUSED", author="alice", note="the v1 migration")
    # Then it is the likely cause with score 1.0, its FEEDBACK evidence first, and the other drops to 0
    assert answer["likelyCause"] == older
    assert answer["ambiguous"] is False
    assert "noLikelyCause" not in answer
    changes = by_id(answer)
    assert (changes[older]["score"], changes[older]["confidence"]) == (1.0, "likely")
    assert changes[older]["evidence"][0]["code"] == "FEEDBACK"
    assert changes[older]["verdict"]["verdict"] == "CAUSED"
    assert changes[older]["verdict"]["author"] == "alice"
    assert (changes[newer]["score"], changes[newer]["evidence"][0]["code"]) == (0.0, "FEEDBACK")
    # And the stored enrichment is the answer, published again as an update
    assert stored(api, "a-1") == answer
    republished = alert_bus.observed("Alert Enriched")[-1]["detail"]
    assert republished.pop("update") == "verdict"
    assert republished == answer


def test_two_confirmed_changes_share_it_and_the_first_leads(
    api: Api, alert_bus: Bus, two_changes: tuple[str, str]
) -> None:
    # Given an alert with two changes
    newer, older = two_changes
    # When both are confirmed, the newer first
    give(api, "a-1", newer, "CAUSED")
    answer = give(api, "a-1", older, "CAUSED")
    # Then each has 0.5 and the first confirmed is the likely cause
    assert {item["id"]: item["score"] for item in answer["deployments"]} == {newer: 0.5, older: 0.5}
    assert answer["likelyCause"] == newer
    assert by_id(answer)[newer]["verdict"]["author"] == "admin"


def test_a_change_ruled_out_drops_to_zero_and_the_likely_cause_is_decided_again(
    api: Api, alert_bus: Bus, two_changes: tuple[str, str]
) -> None:
    # Given an alert whose newer change leads
    newer, older = two_changes
    before = stored(api, "a-1")
    assert before["deployments"][0]["id"] == newer
    # When the newer one is ruled out
    answer = give(api, "a-1", newer, "NOT_RELATED")
    # Then it scores 0 with its verdict, and the rest is judged on the older one alone
    changes = by_id(answer)
    assert (changes[newer]["score"], changes[newer]["verdict"]["verdict"]) == (0.0, "NOT_RELATED")
    assert changes[newer]["evidence"][0]["code"] == "FEEDBACK"
    assert changes[older]["score"] == by_id(before)[older]["score"]
    assert answer["likelyCause"] != newer
    assert (answer["likelyCause"] is None) == ("noLikelyCause" in answer)


def test_withdrawing_restores_the_models_enrichment(api: Api, alert_bus: Bus, two_changes: tuple[str, str]) -> None:
    # Given a verdict on an alert's change
    _, older = two_changes
    before = stored(api, "a-1")
    give(api, "a-1", older, "CAUSED")
    # When it is withdrawn
    response = api.call("DELETE", verdict_path("a-1", older))
    # Then 204, and the enrichment is the model's again, published again as an update
    assert response.status == 204
    assert stored(api, "a-1") == before
    assert alert_bus.observed("Alert Enriched")[-1]["detail"]["update"] == "verdict"
    # And withdrawing it again is 404
    assert api.call("DELETE", verdict_path("a-1", older)).status == 404


def test_every_verdict_is_listed_with_author_time_and_history(
    api: Api, alert_bus: Bus, two_changes: tuple[str, str]
) -> None:
    # Given a verdict given, replaced, and another given and withdrawn
    newer, older = two_changes
    give(api, "a-1", older, "NOT_RELATED", author="bob")
    give(api, "a-1", older, "CAUSED", author="alice", note="migration")
    give(api, "a-1", newer, "NOT_RELATED")
    assert api.call("DELETE", verdict_path("a-1", newer)).status == 204
    # When the verdicts are listed
    response = api.call("GET", "/api/alerts/a-1/verdicts")
    # Then the one standing and every step, oldest first
    assert response.status == 200, response.body
    body = response.json()
    assert body["alertSourceId"] == SOURCE
    [standing] = body["verdicts"]
    assert (standing["eventId"], standing["verdict"], standing["author"], standing["note"]) == (
        older,
        "CAUSED",
        "alice",
        "migration",
    )
    steps = [(step["eventId"], step["verdict"], step["action"]) for step in body["history"]]
    assert steps == [
        (older, "NOT_RELATED", "given"),
        (older, "CAUSED", "given"),
        (newer, "NOT_RELATED", "given"),
        (newer, "NOT_RELATED", "withdrawn"),
    ]
    assert all(step["givenAt"].endswith("Z") and step["at"].endswith("Z") for step in body["history"])


def test_a_recorrelation_keeps_the_verdicts(api: Api, alert_bus: Bus, two_changes: tuple[str, str]) -> None:
    # Given a confirmed change
    _, older = two_changes
    give(api, "a-1", older, "CAUSED")
    # When the alert is correlated again (sent again)
    alert_bus.put_alert(alert("a-1", [PAYMENTS]))
    alert_bus.deliver()
    # Then the new enrichment still names it, confirmed
    again = stored(api, "a-1")
    assert again["likelyCause"] == older
    assert by_id(again)[older]["verdict"]["verdict"] == "CAUSED"


@pytest.mark.parametrize(
    ("alert_id", "event_id"),
    [("never-seen", "x"), ("a-1", "not-listed"), ("a-1", "x" * 1100)],
    ids=["unknown alert", "change not listed", "change id longer than a key"],
)
def test_unknown_alert_or_change_is_404(
    api: Api, alert_bus: Bus, two_changes: tuple[str, str], alert_id: str, event_id: str
) -> None:
    # Given an enriched alert; When a verdict names an alert or change it does not list
    response = api.call("PUT", verdict_path(alert_id, event_id), {"verdict": "CAUSED"})
    # Then 404, and nothing is stored
    assert response.status == 404, response.body
    assert api.call("DELETE", verdict_path(alert_id, event_id)).status == 404
    assert api.call("GET", "/api/alerts/never-seen/verdicts").status == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"verdict": "MAYBE"}, {"verdict": "CAUSED", "note": "x" * 1001}, {"verdict": "CAUSED", "author": "a" * 257}],
    ids=["no verdict", "unknown verdict", "note too long", "author too long"],
)
def test_a_bad_body_is_422(api: Api, alert_bus: Bus, two_changes: tuple[str, str], body: dict[str, Any]) -> None:
    # Given an enriched alert; When a verdict's body is bad
    response = api.call("PUT", verdict_path("a-1", two_changes[0]), body)
    # Then 422, and no verdict stands
    assert response.status == 422, response.body
    assert api.call("GET", "/api/alerts/a-1/verdicts").json()["verdicts"] == []


def put_verdict_given(bus: Bus, detail: dict[str, Any]) -> None:
    events = boto3.client("events", region_name=LOCAL_REGION)
    entry = {
        "EventBusName": bus.bus_name,
        "Source": "deployment-events",
        "DetailType": "Verdict Given",
        "Detail": json.dumps(detail),
    }
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0


def test_a_verdict_given_on_the_bus_is_recorded_as_the_api_records_it(
    api: Api, alert_bus: Bus, two_changes: tuple[str, str]
) -> None:
    # Given an enriched alert of source 7
    _, older = two_changes
    # When Slack's interaction hands a verdict over through the bus
    detail = {"alertSourceId": SOURCE, "alertId": "a-1", "eventId": older, "verdict": "CAUSED", "author": "U123"}
    put_verdict_given(alert_bus, {**detail, "note": None})
    alert_bus.deliver()
    # Then the enrichment names it, by the Slack user, and was published again
    answer = stored(api, "a-1")
    assert answer["likelyCause"] == older
    assert by_id(answer)[older]["verdict"]["author"] == "U123"
    assert alert_bus.observed("Alert Enriched")[-1]["detail"]["update"] == "verdict"


def test_a_verdict_given_on_the_bus_for_an_unknown_alert_is_dropped(
    api: Api, alert_bus: Bus, two_changes: tuple[str, str]
) -> None:
    # Given an enriched alert of source 7
    before = stored(api, "a-1")
    published = len(alert_bus.observed("Alert Enriched"))
    # When verdicts arrive for the same alert id of no source, and for a change it does not list
    put_verdict_given(
        alert_bus, {"alertSourceId": None, "alertId": "a-1", "eventId": "x", "verdict": "CAUSED", "author": "U1"}
    )
    put_verdict_given(
        alert_bus, {"alertSourceId": SOURCE, "alertId": "a-1", "eventId": "x", "verdict": "NOT_RELATED", "author": "U1"}
    )
    alert_bus.deliver()
    # Then nothing changed and nothing was published
    assert stored(api, "a-1") == before
    assert len(alert_bus.observed("Alert Enriched")) == published


def test_verdicts_on_an_earlier_alert_of_the_same_kind_weigh_in(api: Api, alert_bus: Bus) -> None:
    # Given two changes, one confirmed and one ruled out on an alert named HighErrors of service shop
    shop = pipeline_key(api, "shop", [PAYMENTS])
    search = pipeline_key(api, "search", [SEARCH])
    confirmed = deploy(api, shop, "shop v2", 20)
    ruled_out = deploy(api, search, "search v9", 10)
    labels = {"alertname": "HighErrors", "service": "shop"}
    alert_bus.put_alert(alert("first", [PAYMENTS, SEARCH], labels=labels))
    alert_bus.deliver()
    give(api, "first", confirmed, "CAUSED")
    give(api, "first", ruled_out, "NOT_RELATED")
    # When a later alert of the same name and service, and one of another name, are correlated
    alert_bus.put_alert(alert("later", [PAYMENTS, SEARCH], labels=labels))
    alert_bus.put_alert(alert("other", [PAYMENTS, SEARCH], labels={**labels, "alertname": "Latency"}))
    alert_bus.deliver()
    # Then the later one's changes carry FEEDBACK evidence with the documented weights
    later = by_id(stored(api, "later"))
    feedback = {
        event_id: [item["weight"] for item in later[event_id]["evidence"] if item["code"] == "FEEDBACK"]
        for event_id in (confirmed, ruled_out)
    }
    assert feedback == {
        confirmed: [DEFAULT_WEIGHTS.feedback_caused],
        ruled_out: [DEFAULT_WEIGHTS.feedback_not_related],
    }
    assert "verdict" not in later[confirmed]
    # And the other kind's do not
    other = stored(api, "other")
    assert all(item["code"] != "FEEDBACK" for change in other["deployments"] for item in change["evidence"])


def test_a_verdict_sends_no_second_plain_notification(api: Api, alert_bus: Bus) -> None:
    # Given an Alertmanager alert whose enrichment was posted to a Slack webhook
    with recording_server() as slack:
        deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "shop v2 to production", 5, service="shop")
        source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{slack.url}/hook"}])
        [alert_id] = deliver(api, source, alertmanager_delivery())
        alert_bus.deliver()
        [change] = stored(api, alert_id)["deployments"]
        assert len(slack.requests) == 1
        # When a responder confirms the change, and the update is delivered
        response = api.call("PUT", verdict_path(alert_id, change["id"]), {"verdict": "CAUSED"})
        assert response.status == 200, response.body
        alert_bus.deliver()
        # Then the update was published, and the webhook got no second message (§13's "once")
        assert alert_bus.observed("Alert Enriched")[-1]["detail"]["update"] == "verdict"
        assert len(slack.requests) == 1


def test_a_sources_webhook_follows_each_verdict_once(api: Api, alert_bus: Bus) -> None:
    # Given an Alertmanager alert whose enrichment was posted to the source's signed webhook
    with recording_server() as hook:
        deploy(api, pipeline_key(api, "shop", [PAYMENTS]), "shop v2 to production", 5, service="shop")
        target = {"type": "WEBHOOK", "url": f"{hook.url}/hook", "secret": "webhook-signing-secret"}
        source = source_with(api, "ALERTMANAGER", [target])
        [alert_id] = deliver(api, source, alertmanager_delivery())
        alert_bus.deliver()
        [change] = stored(api, alert_id)["deployments"]
        assert len(hook.requests) == 1
        # When a responder confirms the change twice (the same verdict), then withdraws it
        for _ in range(2):
            assert api.call("PUT", verdict_path(alert_id, change["id"]), {"verdict": "CAUSED"}).status == 200
            alert_bus.deliver()
        assert api.call("DELETE", verdict_path(alert_id, change["id"])).status == 204
        alert_bus.deliver()
        # Then the webhook got the enrichment again for the confirmation, once, and for the withdrawal
        first, confirmed, withdrawn = (json.loads(request.body) for request in hook.requests)
        assert "update" not in first
        assert (confirmed["update"], confirmed["likelyCause"], confirmed["deployments"][0]["score"]) == (
            "verdict",
            change["id"],
            1.0,
        )
        assert withdrawn["update"] == "verdict"
        assert withdrawn["deployments"][0]["score"] == change["score"]
        assert all(request.headers["x-signature-256"].startswith("sha256=") for request in hook.requests)
