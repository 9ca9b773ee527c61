"""Alert storms (§18) through the template's rules and functions, to a recording HTTP server:
one message per target and group, repeats suppressed, at most NotificationsPerMinute a minute
with the rest folded into one message, and two enrichments of one group at once sending once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from local.queues import queue_sources
from shared.adapters.store import alert_groups, notify_rates
from shared.adapters.store.client import dynamodb
from shared.domain import keys
from shared.domain.models.alerts import Enrichment
from shared.domain.models.notifications import SlackTarget, target_id
from shared.domain.storm import GroupState
from shared.domain.timestamps import isoformat, utc_now
from shared.logic import fold_flush, notify, rate_limit
from tests.conftest import Api, Aws, Bus
from tests.fixture_files import fixture_json
from tests.integration.test_notifications import deliver, deployed, source_with, stack_parameters, target
from tests.recording_server import RecordingServer

__all__ = ["deployed", "stack_parameters", "target"]
"""The fixtures of §13's notification tests, shared."""


def storm(alerts: int, group_key: str | None = '{}:{alertname="CPU"}', first: int = 0) -> bytes:
    """One Alertmanager delivery of ``alerts`` firing alerts of one group (none: no groupKey)."""
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    template = delivery["alerts"][0]
    started = isoformat(utc_now())
    delivery["alerts"] = [
        {
            **template,
            "labels": {**template["labels"], "host": f"node-{number}"},
            "annotations": {"summary": f"CPU hot on node-{number}"},
            "startsAt": started,
            "fingerprint": f"fp{number:04d}",
        }
        for number in range(first, first + alerts)
    ]
    if group_key is None:
        delivery.pop("groupKey")
    else:
        delivery["groupKey"] = group_key
    return json.dumps(delivery).encode()


def slack_and_webhook(server: RecordingServer) -> list[dict[str, Any]]:
    return [
        {"type": "SLACK", "webhookUrl": f"{server.url}/slack"},
        {"type": "WEBHOOK", "url": f"{server.url}/hook", "secret": "storm-webhook-secret"},
    ]


def posted_to(server: RecordingServer, path: str) -> list[dict[str, Any]]:
    return [json.loads(request.body) for request in server.requests if request.path == path]


@pytest.fixture
def counted_calls(aws: Aws) -> Iterator[list[str]]:
    """Every DynamoDB operation the functions make while the test runs, by name."""
    calls: list[str] = []
    events = dynamodb().meta.events

    def count(model: Any, **_: Any) -> None:
        calls.append(model.name)

    events.register("before-call.dynamodb.*", count)
    yield calls
    events.unregister("before-call.dynamodb.*", count)


def test_a_group_of_twenty_alerts_is_one_message_per_target(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any], counted_calls: list[str]
) -> None:
    # Given an Alertmanager source posting to Slack and to a webhook
    source = source_with(api, "ALERTMANAGER", slack_and_webhook(target))
    # When Alertmanager sends one group of 20 firing alerts
    deliver(api, source, storm(20))
    counted_calls.clear()
    alert_bus.deliver()
    # Then each target got one message: the 20 alerts, the first 10 summaries, the deployment
    [slack] = posted_to(target, "/slack")
    [hook] = posted_to(target, "/hook")
    assert slack["blocks"][0]["text"]["text"] == "20 alerts: CPU hot on node-0"
    assert "and 10 more." in json.dumps(slack)
    assert "shop v2 to production" in json.dumps(slack)
    assert hook["group"]["alerts"] == 20
    assert hook["group"]["summaries"] == [f"CPU hot on node-{number}" for number in range(10)]
    assert [change["summary"] for change in hook["deployments"]] == ["shop v2 to production"]
    # And the group cost each alert one read and one conditional write of the group (beside the
    # read of its stored enrichment's state that every enrichment costs, §18's verdicts), and the
    # sender three writes per target (claim, the minute's counter, the outcome)
    assert counted_calls.count("GetItem") == 20 + 20
    assert counted_calls.count("UpdateItem") == 2 * 3
    # (each enrichment is stored with its listing entries in one transaction, §18)
    assert counted_calls.count("PutItem") == 20 * 2
    assert counted_calls.count("TransactWriteItems") == 20


def test_a_repeated_group_with_the_same_cause_sends_nothing(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given a group of 20 alerts that was notified
    source = source_with(api, "ALERTMANAGER", slack_and_webhook(target))
    delivery = storm(20)
    deliver(api, source, delivery)
    alert_bus.deliver()
    assert len(target.requests) == 2
    # When Alertmanager repeats the group (repeat_interval)
    deliver(api, source, delivery)
    alert_bus.deliver()
    # Then nobody is notified again
    assert len(target.requests) == 2


def test_an_alert_joining_with_a_new_change_sends_one_more_message(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given a group of 20 alerts that was notified
    source = source_with(api, "ALERTMANAGER", slack_and_webhook(target))
    deliver(api, source, storm(20))
    alert_bus.deliver()
    # When another change is deployed and an alert joins the group
    body = {"integrationKey": deployed["integrationKey"], "summary": "shop v3 to production", "service": "shop"}
    assert api.call("POST", "/api/deployment-events", body).status == 202
    deliver(api, source, storm(21))
    alert_bus.deliver()
    # Then each target got one more message, with 21 alerts and both changes
    [_, slack] = posted_to(target, "/slack")
    [_, hook] = posted_to(target, "/hook")
    assert slack["blocks"][0]["text"]["text"] == "21 alerts: CPU hot on node-0"
    assert hook["group"]["alerts"] == 21
    assert {change["summary"] for change in hook["deployments"]} == {"shop v2 to production", "shop v3 to production"}


def test_two_enrichments_of_one_group_at_once_send_one_message(
    api: Api, target: RecordingServer, deployed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a group of two alerts, each already enriched
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/slack"}])
    enrichments = [enrichment_of(source, alert_id, group_size=2) for alert_id in ("fp-1:1", "fp-2:1")]
    # And both read the group before either writes it
    both_read = threading.Barrier(2, timeout=10)
    load = alert_groups.load

    def load_together(alert_source_id: str | None, group_key: str) -> GroupState:
        state = load(alert_source_id, group_key)
        if state.version == 0:
            both_read.wait()
        return state

    monkeypatch.setattr(alert_groups, "load", load_together)
    # When both are notified at the same moment
    threads = [
        threading.Thread(target=notify.notify, args=(enrichment, f"e-{n}", f"i-{n}"))
        for n, enrichment in enumerate(enrichments)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then one message went out, for both alerts
    [slack] = posted_to(target, "/slack")
    assert slack["blocks"][0]["text"]["text"].startswith("2 alerts: CPU hot on fp-")


def enrichment_of(source: dict[str, Any], alert_id: str, group_size: int) -> Enrichment:
    now = utc_now()
    return Enrichment.model_validate(
        {
            "alertId": alert_id,
            "alert": {
                "summary": f"CPU hot on {alert_id}",
                "reportTime": isoformat(now),
                "alertSource": {"id": source["id"], "integrationType": "ALERTMANAGER"},
                "groupKey": "g-1",
                "groupSize": group_size,
            },
            "scope": "ACCOUNT",
            "claimingTeams": [],
            "window": {"from": isoformat(now - timedelta(days=7)), "until": isoformat(now)},
            "deployments": [
                {
                    "id": "d-1",
                    "summary": "shop v2 to production",
                    "pipeline": {"id": "p-1", "name": "shop", "integrationType": "API"},
                    "kind": "deployment",
                    "timestamp": isoformat(now - timedelta(minutes=5)),
                    "reason": "Deployed 5 min before the alert",
                    "score": 0.7,
                    "confidence": "likely",
                }
            ],
            "correlatedAt": isoformat(now),
            "likelyCause": "d-1",
        }
    )


def test_past_the_limit_a_targets_alerts_are_folded_into_one_message(
    aws: Aws,
    api: Api,
    alert_bus: Bus,
    target: RecordingServer,
    deployed: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a Slack target, and a moment one second before the minute is over
    slack_url = f"{target.url}/slack"
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": slack_url}])
    moment = keys.minute_of(utc_now()) + timedelta(seconds=59)
    monkeypatch.setattr(rate_limit, "utc_now", lambda: moment)
    monkeypatch.setattr(rate_limit, "FLUSH_AFTER_MINUTE", timedelta(0))
    # When 25 alerts of no group reach it within that minute
    for number in range(25):
        deliver(api, source, storm(1, group_key=None, first=number))
    alert_bus.deliver()
    # Then it got 20 messages, and nothing of the other 5 yet
    assert len(posted_to(target, "/slack")) == 20
    # When the minute is over and the delay queue hands it to the fold function
    [fold_source] = queue_sources(aws.emulated.stack, aws.emulated.resources.queue_urls)
    deadline = time.monotonic() + 10
    while not aws.emulated.queues.deliver_pending(fold_source) and time.monotonic() < deadline:
        time.sleep(0.2)
    # Then one more message names the other 5 alerts
    messages = posted_to(target, "/slack")
    assert len(messages) == 21
    fold = messages[-1]
    assert fold["blocks"][0]["text"]["text"] == "and 5 more alerts"
    listed = fold["blocks"][1]["text"]["text"].splitlines()
    assert len(listed) == 5
    assert all(line.startswith("• CPU hot on node-") for line in listed)
    # And a second flush of that minute sends nothing, its content still there to read
    identity = target_id(SlackTarget.model_validate({"type": "SLACK", "webhookUrl": slack_url}))
    assert fold_flush.flush(identity, keys.minute_of(moment), "another-invocation") is None
    again = notify_rates.flushing(identity, keys.minute_of(moment))
    assert again is not None
    assert len(again.entries) == 5
    assert len(posted_to(target, "/slack")) == 21


@pytest.mark.parametrize(
    "stack_parameters",
    [
        {
            "EnrichmentWebhookUrl": "{target}/enrichment",
            "EnrichmentWebhookSecretParameter": "/deployment-events/enrichment-webhook-secret",
        }
    ],
    indirect=True,
)
def test_the_enrichment_webhook_still_gets_every_alerts_enrichment(
    api: Api, alert_bus: Bus, target: RecordingServer, deployed: dict[str, Any]
) -> None:
    # Given EnrichmentWebhookUrl set, and an Alertmanager source posting to Slack
    source = source_with(api, "ALERTMANAGER", [{"type": "SLACK", "webhookUrl": f"{target.url}/slack"}])
    # When a group of 3 alerts is enriched
    deliver(api, source, storm(3))
    alert_bus.deliver()
    # Then Slack got the group's one message, and the enrichment webhook each alert's own (§6, §22)
    assert len(posted_to(target, "/slack")) == 1
    enrichments = posted_to(target, "/enrichment")
    assert sorted(body["alert"]["summary"] for body in enrichments) == [f"CPU hot on node-{n}" for n in range(3)]
    assert all("group" not in body for body in enrichments)
