"""Fixtures shared by every test: AWS emulated by moto with the resources of template.yaml."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS  # type: ignore[attr-defined]
from moto import mock_aws

from local.aws import CreatedResources, create_resources, serialize_emulated_calls
from local.gateway import Gateway, GatewayResponse
from local.template import LOCAL_REGION, LocalStack
from shared import store
from shared.settings import reset_settings_cache

ADMIN_TOKEN = "test-admin-token"
ADMIN = {"authorization": f"Bearer {ADMIN_TOKEN}"}
JSON = {"content-type": "application/json"}


@dataclass
class Aws:
    stack: LocalStack
    resources: CreatedResources

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


def _reset_caches() -> None:
    reset_settings_cache()
    store.reset_client()
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    DEFAULT_PROVIDERS.clear()


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """Template parameter overrides; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, stack_parameters: dict[str, str]) -> Iterator[Aws]:
    """Given the template's table, bus, queues and admin token, inside moto."""
    stack = LocalStack(stack_parameters)
    environment = {
        **stack.environment(),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": LOCAL_REGION,
        "AWS_REGION": LOCAL_REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    serialize_emulated_calls()
    with mock_aws():
        _reset_caches()
        yield Aws(stack, create_resources(stack, ADMIN_TOKEN))
    _reset_caches()


@pytest.fixture
def gateway(aws: Aws) -> Gateway:
    """API Gateway and the functions of template.yaml, in-process."""
    return Gateway.from_stack(aws.stack, instances=1)


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
