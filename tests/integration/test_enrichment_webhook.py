"""The optional enrichment webhook (§6), now one more notification target: signed, retried,
dead-lettered."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import WEBHOOK_SECRET, Api, Aws, Bus


@dataclass
class Receiver:
    """A local HTTP server standing in for the user's webhook endpoint."""

    answers: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    port: int = 0

    def next_status(self) -> int:
        return self.answers.pop(0) if self.answers else 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append(({name.lower(): value for name, value in self.headers.items()}, body))
            self.send_response(state.next_status())
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()


@pytest.fixture
def stack_parameters(receiver: Receiver) -> dict[str, str]:
    return {
        "EnrichmentWebhookUrl": f"http://127.0.0.1:{receiver.port}/hooks/enrichment",
        "EnrichmentWebhookSecretParameter": "/deployment-events/enrichment-webhook-secret",
    }


def correlate_one_alert(api: Api, alert_bus: Bus) -> None:
    key = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])["integrationKey"]
    api.call(
        "POST",
        "/api/deployment-events",
        {"integrationKey": key, "summary": "Deployed shop", "timestamp": isoformat(utc_now())},
    )
    alert_bus.put_alert(
        {"id": "w-1", "reportTime": isoformat(utc_now()), "alertSource": {"id": 1, "teams": [{"id": "payments"}]}}
    )
    alert_bus.deliver()


def test_enrichment_is_posted_signed(api: Api, alert_bus: Bus, receiver: Receiver) -> None:
    correlate_one_alert(api, alert_bus)
    [(headers, body)] = receiver.received
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-signature-256"], expected)
    assert headers["content-type"] == "application/json"
    posted = json.loads(body)
    assert posted == api.call("GET", "/api/alerts/w-1/deployments").json()
    assert posted["deployments"][0]["summary"] == "Deployed shop"
    assert headers["x-event-id"] == alert_bus.observed("Alert Enriched")[0]["id"]


def test_a_failing_receiver_is_retried_until_it_answers(api: Api, alert_bus: Bus, receiver: Receiver, aws: Aws) -> None:
    receiver.answers = [503, 500]
    correlate_one_alert(api, alert_bus)
    assert len(receiver.received) == 3
    assert aws.queue_messages("NotifyDeadLetterQueue") == []


def test_what_keeps_failing_ends_in_the_dead_letter_queue(
    api: Api, alert_bus: Bus, receiver: Receiver, aws: Aws
) -> None:
    receiver.answers = [500] * 100
    correlate_one_alert(api, alert_bus)
    # each of Lambda's 3 attempts tries 4 times (urllib3's retries) before giving up
    assert len(receiver.received) == 12
    [dead] = aws.queue_messages("NotifyDeadLetterQueue")
    assert dead["detail-type"] == "Alert Enriched"
    assert dead["detail"]["alertId"] == "w-1"
    # and the enrichment itself is stored all the same
    assert api.call("GET", "/api/alerts/w-1/deployments").status == 200
