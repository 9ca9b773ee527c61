"""What the ingest handler adds to the DynamoDB calls a webhook needs.

A signed GitHub push goes through the real handler (API Gateway event in; parse, verify,
normalise, write; response out), with every DynamoDB call it makes recorded. The same calls are
then replayed bare against an identical table on the same emulated backend, in the same process.
The ratio of the two times is the handler's overhead; its floor is 1.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import boto3

from bench.harness import ADMIN, local_stack
from local.gateway import build_http_api_event
from local.template import LOCAL_REGION, REPOSITORY_ROOT
from shared.adapters.store import client as store

WEBHOOKS = 300
WARM_UP = 30
SECRET = "bench-webhook-secret"


@dataclass(frozen=True)
class Overhead:
    handler_ms: float
    bare_ms: float
    calls_per_webhook: float

    @property
    def ratio(self) -> float:
        return self.handler_ms / self.bare_ms


def _pushes(count: int) -> list[bytes]:
    template = json.loads((REPOSITORY_ROOT / "tests/fixtures/github/push.default-branch.json").read_bytes())
    bodies = []
    for index in range(count):
        payload = copy.deepcopy(template)
        sha = hashlib.sha1(f"push {index}".encode(), usedforsecurity=False).hexdigest()
        payload["after"] = payload["head_commit"]["id"] = sha
        bodies.append(json.dumps(payload, separators=(",", ":")).encode())
    return bodies


class CallRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.calls.append((model.name, copy.deepcopy(params)))


def _snake(operation: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in operation).lstrip("_")


def _retarget(value: Any, source: str, target: str) -> Any:
    if isinstance(value, dict):
        return {(target if key == source else key): _retarget(item, source, target) for key, item in value.items()}
    if isinstance(value, list):
        return [_retarget(item, source, target) for item in value]
    return target if value == source else value


def run() -> Overhead:
    with local_stack() as stack:
        body = {
            "name": "bench-github",
            "integrationType": "GITHUB",
            "webhookSecret": SECRET,
            "teams": [{"id": "payments"}],
        }
        created = stack.gateway.handle("POST", "/api/deployment-pipelines", "", ADMIN, json.dumps(body).encode()).json()
        path = f"/api/v1/deployment-events/github/{created['integrationKey']}"
        matched = stack.gateway.match("POST", path)
        assert matched is not None
        route, path_parameters = matched
        pool = stack.gateway.pools[route.function]
        events = []
        for payload in _pushes(WARM_UP + WEBHOOKS):
            signature = "sha256=" + hmac.new(SECRET.encode(), payload, hashlib.sha256).hexdigest()
            headers = {"content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": signature}
            events.append(build_http_api_event(route, path_parameters, "POST", path, "", headers, payload, "127.0.0.1"))

        for event in events[:WARM_UP]:
            assert pool.invoke(event)["statusCode"] == 202
        client = boto3.client("dynamodb", region_name=LOCAL_REGION)
        table = stack.resources.table_name
        replay_table = f"{table}-bare"
        client.create_table(**stack.stack.table_definition("DeploymentEventsTable") | {"TableName": replay_table})
        for page in client.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                client.put_item(TableName=replay_table, Item=item)

        recorder = CallRecorder()
        store.dynamodb().meta.events.register("provide-client-params.dynamodb", recorder)
        started = time.perf_counter()
        for event in events[WARM_UP:]:
            assert pool.invoke(event)["statusCode"] == 202
        handler_seconds = time.perf_counter() - started
        store.dynamodb().meta.events.unregister("provide-client-params.dynamodb", recorder)

        bare = store.dynamodb()
        replays = [
            (getattr(bare, _snake(name)), _retarget(params, table, replay_table)) for name, params in recorder.calls
        ]
        started = time.perf_counter()
        for operation, params in replays:
            operation(**params)
        bare_seconds = time.perf_counter() - started
    return Overhead(
        handler_ms=handler_seconds * 1000 / WEBHOOKS,
        bare_ms=bare_seconds * 1000 / WEBHOOKS,
        calls_per_webhook=len(recorder.calls) / WEBHOOKS,
    )
