"""The API's one OpenAPI document, merged from the resolvers of the functions that serve it.

Powertools generates a document per resolver, but several functions serve the API (ingest,
api, web). Each handler module is loaded by path, as the local gateway loads it, with the
environment the template gives it; their documents are merged, and what Powertools cannot see
is added: the admin bearer token on every route of the admin function (``ApiFunction``), the
bodies of the ingest routes (which read their raw bytes themselves, to verify signatures) and the
error body every 4xx carries.

``python -m local.openapi`` writes ``docs/openapi.json``; a unit test fails when that file is not
what this module generates, so the document cannot drift from the code.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from local.gateway import load_handler
from local.template import REPOSITORY_ROOT, Function, LocalStack
from shared.domain.models.deployments import GenericEventRequest
from shared.domain.models.pipelines import GITHUB_EVENTS, GITLAB_EVENTS

DOCUMENT_PATH = REPOSITORY_ROOT / "docs" / "openapi.json"
TITLE = "Deployment events"
ADMIN_SCHEME = "adminToken"
SCHEMA_REF = "#/components/schemas/{model}"
POWERTOOLS_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
"""Powertools documents its own validation error body; ``shared.http.resolver`` answers with ``Error`` instead."""

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "description": "Every 4xx: the message says why; ``errors`` names each field that broke the rules.",
    "type": "object",
    "required": ["status", "code", "message"],
    "properties": {
        "status": {"type": "string", "enum": ["rejected"]},
        "code": {"type": "string"},
        "message": {"type": "string", "minLength": 1},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
"""``DomainError.to_body()`` as a schema; the fuzz test checks real 4xx bodies against it."""

CLIENT_ERROR = {
    "description": "Rejected: the request is malformed, unauthorized, unknown or breaks a rule",
    "content": {"application/json": {"schema": {"$ref": SCHEMA_REF.format(model="Error")}}},
}


def _header(name: str, description: str, *, required: bool = False, examples: tuple[str, ...] = ()) -> dict[str, Any]:
    """A request header the route reads; examples (the events that can be deployments) lead the
    fuzzer's examples phase past "unsupported event" into the normalisers."""
    schema: dict[str, Any] = {"type": "string"}
    if examples:
        schema["examples"] = list(examples)
    return {"name": name, "in": "header", "required": required, "description": description, "schema": schema}


ANY_JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
INGEST_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/deployment-events", "post"): {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": SCHEMA_REF.format(model="GenericEventRequest")}}},
        },
        "parameters": [_header("Idempotency-Key", "Makes a repeat of the same event a duplicate")],
    },
    ("/api/v1/deployment-events/github/{integrationKey}", "post"): {
        "requestBody": {
            "required": True,
            "description": "The webhook payload, as GitHub sends it (JSON, or its form encoding)",
            "content": {
                **ANY_JSON_OBJECT,
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "required": ["payload"], "properties": {"payload": {"type": "string"}}}
                },
            },
        },
        "parameters": [
            _header(
                "X-GitHub-Event",
                "The event; others than these are answered 200, ignored",
                required=True,
                examples=(*GITHUB_EVENTS, "ping"),
            ),
            _header("X-GitHub-Delivery", "Identifies the delivery: a redelivery is a duplicate"),
            _header("X-Hub-Signature-256", "sha256=HMAC of the body, where the pipeline has a webhook secret"),
        ],
    },
    ("/api/v1/deployment-events/gitlab/{integrationKey}", "post"): {
        "requestBody": {
            "required": True,
            "description": "The webhook payload, as GitLab sends it",
            "content": ANY_JSON_OBJECT,
        },
        "parameters": [
            _header(
                "X-Gitlab-Event",
                "The event; others than these are answered 200, ignored",
                required=True,
                examples=GITLAB_EVENTS,
            ),
            _header("X-Gitlab-Token", "The pipeline's webhook secret, where it has one"),
            _header("X-Gitlab-Event-UUID", "Identifies the delivery: a redelivery is a duplicate"),
            _header("Idempotency-Key", "Stable across GitLab's retries: a retry is a duplicate"),
        ],
    },
    ("/api/v1/deployment-events/argocd/{integrationKey}", "post"): {
        "requestBody": {
            "required": True,
            "description": "ilert's argocd-notifications body: {app, commit, repositoryName}",
            "content": ANY_JSON_OBJECT,
        },
        "parameters": [_header("X-Argocd-Token", "The pipeline's webhook secret, where it has one")],
    },
    ("/api/v1/deployment-events/pagerduty/{integrationKey}", "post"): {
        "requestBody": {"required": True, "description": "A PagerDuty change event", "content": ANY_JSON_OBJECT},
        "parameters": [],
    },
    ("/v2/change/enqueue", "post"): {
        "requestBody": {
            "required": True,
            "description": "A PagerDuty change event, keyed by its routing_key",
            "content": ANY_JSON_OBJECT,
        },
        "parameters": [],
    },
    ("/api/v1/alerts/{sourceType}/{integrationKey}", "post"): {
        "requestBody": {
            "required": True,
            "description": (
                "As the alerting system sends it: an Alertmanager or Grafana delivery, a PagerDuty v3 webhook, "
                "ilert's outbound webhook, or the alert of POST /api/alerts (sourceType: alertmanager, grafana, "
                "pagerduty, ilert, generic)"
            ),
            "content": ANY_JSON_OBJECT,
        },
        "parameters": [
            _header("Authorization", "Bearer <webhook secret>, for Alertmanager, ilert and generic sources with one"),
            _header("X-Grafana-Alerting-Signature", "Hex HMAC-SHA256 of the body, for Grafana sources with a secret"),
            _header("X-PagerDuty-Signature", "v1=<hex HMAC-SHA256>, comma-separated, for PagerDuty sources"),
        ],
    },
}
"""What the intake routes read from the raw request (``shared.logic.intake``), which Powertools cannot see."""


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """The functions' environment while their modules load, and the caller's again afterwards."""
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _resolver_of(function: Function) -> APIGatewayHttpResolver:
    """The ``app`` of a fresh instance of the function's handler module, loaded as the gateway does."""
    handler = load_handler(function)
    resolver = getattr(sys.modules[handler.__module__], "app", None)
    if not isinstance(resolver, APIGatewayHttpResolver):
        raise TypeError(f"{function.module_path} has no APIGatewayHttpResolver named 'app'")
    return resolver


def resolver_documents(stack: LocalStack) -> list[dict[str, Any]]:
    """Powertools' document of each function that serves a route of the template, in template order."""
    functions = stack.functions()
    serving = dict.fromkeys(route.function for route in stack.routes())
    with _environment(stack.environment()):
        return [json.loads(_resolver_of(functions[name]).get_openapi_json_schema()) for name in serving]


def _without_defaults(schema: Any) -> Any:
    """Powertools documents a response model without its fields' defaults, pydantic a request
    model with them: one model used both ways (``Link``) is the same schema but for those."""
    if isinstance(schema, dict):
        return {key: _without_defaults(value) for key, value in schema.items() if key != "default"}
    if isinstance(schema, list):
        return [_without_defaults(item) for item in schema]
    return schema


def _add_schemas(target: dict[str, Any], schemas: dict[str, Any]) -> None:
    for name, schema in schemas.items():
        known = target.setdefault(name, schema)
        if _without_defaults(known) != _without_defaults(schema):
            raise ValueError(f"two different schemas are named {name!r}")


def merge(documents: list[dict[str, Any]], version: str) -> dict[str, Any]:
    """One document with every operation; an operation served twice, or two different schemas
    of one name, is an error rather than a silent choice."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    for document in documents:
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                if method in paths.setdefault(path, {}):
                    raise ValueError(f"{method.upper()} {path} is served by two functions")
                paths[path][method] = operation
        _add_schemas(schemas, document.get("components", {}).get("schemas", {}))
    return {
        "openapi": documents[0]["openapi"],
        "info": {
            "title": TITLE,
            "version": version,
            "description": "Deployment pipelines, events from GitHub, GitLab and a generic API, and the "
            "deployments related to an alert. See README.md.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _document_ingest_requests(document: dict[str, Any]) -> None:
    """The generic API's body from its model; the webhooks take any JSON object, as sent."""
    schema = GenericEventRequest.model_json_schema(by_alias=True, ref_template=SCHEMA_REF)
    _add_schemas(document["components"]["schemas"], {**schema.pop("$defs", {}), "GenericEventRequest": schema})
    for (path, method), request in INGEST_REQUESTS.items():
        operation = document["paths"][path][method]
        operation["requestBody"] = request["requestBody"]
        operation["parameters"] = [*operation.get("parameters", []), *request["parameters"]]


def _document_responses(document: dict[str, Any]) -> None:
    """Every operation may answer a 4xx with ``Error``, in place of Powertools' 422 body; and a
    204 has no body, where Powertools gives it the handler's return type (``None``)."""
    schemas = document["components"]["schemas"]
    for name in POWERTOOLS_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas["Error"] = ERROR_SCHEMA
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            responses.pop("422", None)
            responses["4XX"] = CLIENT_ERROR
            if "204" in responses:
                responses["204"] = {"description": "Done; the answer has no body"}


def _secure_admin_routes(document: dict[str, Any]) -> None:
    """The bearer token on every route that ``shared.http.resolver.resolve`` checks it on."""
    document["components"]["securitySchemes"] = {
        ADMIN_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "The admin token: the AdminTokenParameter SSM parameter in AWS, ADMIN_TOKEN locally",
        }
    }
    public = LocalStack({}).public_route_keys()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if f"{method.upper()} {path}" not in public:
                operation["security"] = [{ADMIN_SCHEME: []}]


def project_version() -> str:
    with (REPOSITORY_ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def build_document() -> dict[str, Any]:
    document = merge(resolver_documents(LocalStack({})), project_version())
    _document_ingest_requests(document)
    _document_responses(document)
    _secure_admin_routes(document)
    return document


def render(document: dict[str, Any]) -> str:
    """The file's exact text, so that a test can compare it byte for byte."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    DOCUMENT_PATH.parent.mkdir(exist_ok=True)
    DOCUMENT_PATH.write_text(render(build_document()), encoding="utf-8")
    print(f"wrote {DOCUMENT_PATH.relative_to(REPOSITORY_ROOT)}")


if __name__ == "__main__":
    main()
