"""Queries and items read per correlated alert, with 1,000 and with 100,000 stored events.

The measured alerts (TEAM- and ACCOUNT-scoped) and the events inside their windows are the same
in both runs; the extra 99,000 events are spread over 90 days outside every measured window, or
inside the TEAM windows but on another team's pipeline. A cost that grows with the table would
show as a difference between the two runs.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from moto.dynamodb.models import dynamodb_backends

from bench.harness import ADMIN, CallCounter, local_stack
from local.stack import EmulatedStack
from local.template import LOCAL_ACCOUNT_ID, LOCAL_REGION
from shared.adapters.store import events as store
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.timestamps import isoformat, utc_now

TEAM_ALERTS = 5
ACCOUNT_ALERTS = 5
ACCOUNT_ALERT_AGE = timedelta(days=30)
IN_WINDOW_TEAM_EVENTS = 120
IN_WINDOW_ACCOUNT_EVENTS = 15


@dataclass(frozen=True)
class Measured:
    scope: str
    queries: float
    items_read: float
    related: float


@dataclass(frozen=True)
class Plan:
    """The fixed part of the data set: alerts, and the events inside their windows."""

    now: datetime
    team_alerts: list[datetime]
    account_alerts: list[datetime]

    @classmethod
    def make(cls) -> Plan:
        now = utc_now().replace(microsecond=0)
        return cls(
            now,
            [now - timedelta(hours=hour) for hour in range(TEAM_ALERTS)],
            [now - ACCOUNT_ALERT_AGE - timedelta(hours=3 * index) for index in range(ACCOUNT_ALERTS)],
        )

    def in_account_window(self, moment: datetime) -> bool:
        return any(
            alert - timedelta(hours=2, minutes=5) <= moment <= alert + timedelta(minutes=5)
            for alert in self.account_alerts
        )


def _event(index: int, moment: datetime, team: str) -> DeploymentEvent:
    return DeploymentEvent(
        id=f"bench-{index:06d}",
        pipeline_id=f"pipeline-{team}",
        pipeline_name=f"{team}-pipeline",
        integration_type=IntegrationType.API,
        kind=EventKind.CUSTOM,
        summary=f"{team} deployment {index}",
        timestamp=moment,
        received_at=moment,
        teams=[team],
        repository=f"acme/{team}",
        environment="production",
    )


def _events(plan: Plan, total: int) -> list[DeploymentEvent]:
    chance = random.Random(20261129)
    events = []
    # inside the windows: the same in every run
    for index in range(IN_WINDOW_TEAM_EVENTS):
        moment = plan.now - timedelta(hours=5) - timedelta(seconds=chance.randint(0, 6 * 24 * 3600))
        events.append(_event(index, moment, "payments"))
    for alert_index, alert in enumerate(plan.account_alerts):
        for index in range(IN_WINDOW_ACCOUNT_EVENTS):
            moment = alert - timedelta(seconds=chance.randint(0, 7000))
            events.append(_event(10_000 + alert_index * 100 + index, moment, chance.choice(["payments", "search"])))
    # outside every measured window, or inside a TEAM window but on another team's pipeline
    index = 100_000
    while len(events) < total:
        if chance.random() < 0.4:
            moment = plan.now - timedelta(seconds=chance.randint(0, 7 * 24 * 3600))
            team = "search"
        else:
            moment = plan.now - timedelta(days=8) - timedelta(seconds=chance.randint(0, 82 * 24 * 3600))
            team = chance.choice(["payments", "search", "growth"])
            if plan.in_account_window(moment):
                continue
        events.append(_event(index, moment, team))
        index += 1
    return events


def _seed(stack: EmulatedStack, events: list[DeploymentEvent]) -> None:
    """Straight into the emulated table, in the layout ingest writes (the same items)."""
    backend = dynamodb_backends[LOCAL_ACCOUNT_ID][LOCAL_REGION]
    for event in events:
        for item in store.event_items(event, None):
            backend.put_item(stack.resources.table_name, item)


def _create_pipelines(stack: EmulatedStack) -> None:
    """Before seeding: moto copies the whole table for every transaction, which would be slow."""
    for team in ("payments", "search"):
        body = {"name": f"{team}-pipeline", "integrationType": "API", "teams": [{"id": team}]}
        assert (
            stack.gateway.handle("POST", "/api/deployment-pipelines", "", ADMIN, json.dumps(body).encode()).status
            == 201
        )


def _measure(stack: EmulatedStack, plan: Plan) -> list[Measured]:
    counter = CallCounter.on_store()
    results = []
    alerts = [("TEAM", moment, [{"id": "payments"}]) for moment in plan.team_alerts]
    alerts += [("ACCOUNT", moment, []) for moment in plan.account_alerts]
    for number, (scope, moment, teams) in enumerate(alerts):
        alert = {"id": f"bench-{number}", "reportTime": isoformat(moment), "alertSource": {"id": 1, "teams": teams}}
        posted = stack.gateway.handle("POST", "/api/alerts", "", ADMIN, json.dumps(alert).encode())
        assert posted.status == 202, posted.body
        counter.reset()
        stack.dispatcher.deliver_pending()
        enrichment = stack.gateway.handle("GET", f"/api/alerts/bench-{number}/deployments", "", ADMIN).json()
        assert enrichment["scope"] == scope, enrichment
        results.append(
            Measured(scope, counter.calls.get("Query", 0), counter.items_read, len(enrichment["deployments"]))
        )
    return results


def run(total: int) -> list[Measured]:
    plan = Plan.make()
    with local_stack({"MaxRelatedDeployments": "20"}) as stack:
        _create_pipelines(stack)
        _seed(stack, _events(plan, total))
        return _measure(stack, plan)


def per_alert(results: list[Measured]) -> tuple[float, float]:
    return (
        sum(result.queries for result in results) / len(results),
        sum(result.items_read for result in results) / len(results),
    )
