"""What one verdict (§18) costs, through everything it sets off: the ``PUT`` that records it, the
``Alert Enriched`` it publishes again and what the notify function then reads; beside the
correlation of the same alert in the same stack, so the figure reads as a ratio. Counts, not seconds.

The alert has 10 related changes and a source with no notification targets: what targets add
(one claim and one request each) is counted by the notification benchmarks' tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3

from bench.harness import ADMIN, CallCounter, local_stack
from shared.domain.timestamps import isoformat, utc_now

CHANGES = 10


@dataclass(frozen=True)
class Cost:
    dynamodb_calls: dict[str, int]
    put_events: int

    @property
    def total(self) -> int:
        return sum(self.dynamodb_calls.values())


class PutEventsCounter:
    """Counts PutEvents made by any client of the default session (the functions' bus client)."""

    def __init__(self) -> None:
        self.count = 0
        boto3.setup_default_session()
        boto3.DEFAULT_SESSION.events.register("before-call.events.PutEvents", self._count)

    def _count(self, **_: Any) -> None:
        self.count += 1


def _call(local: Any, method: str, path: str, body: Any = None, query: str = "") -> Any:
    raw = json.dumps(body).encode() if body is not None else b""
    response = local.gateway.handle(method, path, query, ADMIN, raw)
    if response.status >= 300:
        raise RuntimeError(f"{method} {path} was refused: {response.body!r}")
    return response.json() if response.body else None


def _measured(local: Any, counter: CallCounter, put_events: PutEventsCounter, action: Any) -> Cost:
    counter.reset()
    put_events.count = 0
    action()
    local.dispatcher.deliver_pending()
    return Cost(dict(counter.calls), put_events.count)


def run() -> tuple[Cost, Cost]:
    """The correlation of one alert, then a CAUSED verdict on its first change."""
    with local_stack() as local:
        put_events = PutEventsCounter()
        pipeline = _call(local, "POST", "/api/deployment-pipelines", {"name": "shop", "integrationType": "API"})
        for index in range(CHANGES):
            moment = utc_now() - timedelta(minutes=5 + index)
            event = {"integrationKey": pipeline["integrationKey"], "summary": f"shop v{index}", "service": "shop"}
            _call(local, "POST", "/api/deployment-events", {**event, "timestamp": isoformat(moment)})
        counter = CallCounter.on_store()
        alert = {"id": "checkout-errors", "summary": "Checkout errors", "labels": {"service": "shop"}}
        correlation = _measured(
            local,
            counter,
            put_events,
            lambda: _call(local, "POST", "/api/alerts", {**alert, "reportTime": isoformat(utc_now())}),
        )
        enrichment = _call(local, "GET", "/api/alerts/checkout-errors/deployments")
        first = enrichment["deployments"][0]["id"]
        path = f"/api/alerts/checkout-errors/deployments/{first}/verdict"
        verdict = _measured(local, counter, put_events, lambda: _call(local, "PUT", path, {"verdict": "CAUSED"}))
        return correlation, verdict
