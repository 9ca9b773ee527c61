"""Fixtures shared by every test: AWS emulated by moto with the resources of template.yaml."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from local.aws import CreatedResources
from local.gateway import Gateway, GatewayResponse
from local.stack import EmulatedStack, emulated_stack
from local.template import LOCAL_ACCOUNT_ID, LOCAL_REGION, LocalStack
from shared.adapters import bus

ADMIN_TOKEN = "test-admin-token"
WEBHOOK_SECRET = "test-webhook-secret"
ADMIN = {"authorization": f"Bearer {ADMIN_TOKEN}"}
JSON = {"content-type": "application/json"}


@dataclass
class Aws:
    emulated: EmulatedStack

    @property
    def stack(self) -> LocalStack:
        return self.emulated.stack

    @property
    def resources(self) -> CreatedResources:
        return self.emulated.resources

    def items(self) -> list[dict[str, Any]]:
        """Every item of the table. A Scan is fine here: tests look at the whole table."""
        client = boto3.client("dynamodb", region_name=LOCAL_REGION)
        return [
            item
            for page in client.get_paginator("scan").paginate(TableName=self.resources.table_name)
            for item in page["Items"]
        ]

    def stored_event_ids(self) -> set[str]:
        return {item["PK"]["S"].removeprefix("EVENT#") for item in self.items() if item["PK"]["S"].startswith("EVENT#")}

    def queue_messages(self, logical_id: str) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs", region_name=LOCAL_REGION)
        response = sqs.receive_message(QueueUrl=self.resources.queue_urls[logical_id], MaxNumberOfMessages=10)
        return [json.loads(message["Body"]) for message in response.get("Messages", [])]


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """Template parameter overrides; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def aws(stack_parameters: dict[str, str]) -> Iterator[Aws]:
    """Given the template's table, bus, queues and admin token, inside moto, as `make run` has them."""
    with emulated_stack(
        stack_parameters,
        admin_token=ADMIN_TOKEN,
        webhook_secret=WEBHOOK_SECRET,
        instances=1,
        environment={"POWERTOOLS_METRICS_DISABLED": "true"},
    ) as emulated:
        yield Aws(emulated)


@pytest.fixture
def gateway(aws: Aws) -> Gateway:
    """API Gateway and the functions of template.yaml, in-process."""
    return aws.emulated.gateway


class Api:
    """Requests to the gateway with the admin token, as a user's client would send them."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, query: str = ""
    ) -> GatewayResponse:
        raw = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode("utf-8"))
        request_headers = {**ADMIN, **(JSON if body is not None else {}), **(headers or {})}
        return self.gateway.handle(method, path, query, request_headers, raw)

    def create_pipeline(self, integration_type: str = "API", **fields: Any) -> dict[str, Any]:
        body = {"name": f"{integration_type.lower()}-pipeline", "integrationType": integration_type, **fields}
        response = self.call("POST", "/api/deployment-pipelines", body)
        assert response.status == 201, response.body
        created: dict[str, Any] = response.json()
        return created


@pytest.fixture
def api(gateway: Gateway) -> Api:
    return Api(gateway)


class Bus:
    """The alert bus: events put on it reach the template's rules and so the functions."""

    OBSERVER_QUEUE = "test-observer"

    def __init__(self, aws: Aws) -> None:
        self.aws = aws
        self.dispatcher = aws.emulated.dispatcher
        self.events = boto3.client("events", region_name=LOCAL_REGION)
        self.sqs = boto3.client("sqs", region_name=LOCAL_REGION)
        self.bus_name = aws.emulated.bus_name
        self.observer_url = self.sqs.create_queue(QueueName=self.OBSERVER_QUEUE)["QueueUrl"]
        self.events.put_rule(
            Name="test-observer",
            EventBusName=self.bus_name,
            EventPattern=json.dumps({"detail-type": ["Alert Created", "Alert Correlated", "Alert Enriched"]}),
        )
        observer_arn = f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{self.OBSERVER_QUEUE}"
        self.events.put_targets(
            Rule="test-observer", EventBusName=self.bus_name, Targets=[{"Id": "observer", "Arn": observer_arn}]
        )
        self.seen: list[dict[str, Any]] = []

    def put_alert(self, alert: dict[str, Any]) -> None:
        """What an alerting system does: an ``Alert Created`` event with the alert as detail."""
        entry = {
            "EventBusName": self.bus_name,
            "Source": self.aws.stack.parameters["AlertEventSource"],
            "DetailType": "Alert Created",
            "Detail": json.dumps(alert),
        }
        assert self.events.put_events(Entries=[entry])["FailedEntryCount"] == 0

    def deliver(self) -> int:
        """Runs the rules until the bus is quiet, as Lambda would, but in this thread."""
        return self.dispatcher.deliver_pending()

    def observed(self, detail_type: str) -> list[dict[str, Any]]:
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.observer_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                break
            for message in messages:
                self.seen.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.observer_url, ReceiptHandle=message["ReceiptHandle"])
        return [event for event in self.seen if event["detail-type"] == detail_type]


@pytest.fixture
def alert_bus(aws: Aws) -> Bus:
    return Bus(aws)


@pytest.fixture
def requests_sent(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> list[list[dict[str, Any]]]:
    """Every PutEvents request the functions make, as sent (its entries), for checks of their size."""
    sent: list[list[dict[str, Any]]] = []
    client = bus.events()
    real_put_events = client.put_events

    def recording_put_events(**request: Any) -> Any:
        sent.append(request["Entries"])
        return real_put_events(**request)

    monkeypatch.setattr(client, "put_events", recording_put_events)
    return sent
