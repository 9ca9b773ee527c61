"""What the API's OpenAPI document says that Powertools cannot see in the resolvers.

The admin bearer token on every route of the admin function (``ApiFunction``), the bodies and
headers of the intake routes (which read their raw bytes themselves, to verify signatures), the
error body every 4xx carries, and the answers PagerDuty's senders expect (§15).
"""

from __future__ import annotations

from typing import Any

from local.template import LocalStack
from shared.domain.models.pipelines import GITHUB_EVENTS, GITLAB_EVENTS

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
    ("/api/v1/deployment-events/launchdarkly/{integrationKey}", "post"): {
        "requestBody": {"required": True, "description": "A LaunchDarkly webhook (§20)", "content": ANY_JSON_OBJECT},
        "parameters": [_header("X-LD-Signature", "Hex HMAC-SHA256 of the body, where the pipeline has a secret")],
    },
    ("/api/v1/deployment-events/unleash/{integrationKey}", "post"): {
        "requestBody": {"required": True, "description": "An Unleash event (§20)", "content": ANY_JSON_OBJECT},
        "parameters": [_header("Authorization", "The pipeline's webhook secret, verbatim, where it has one")],
    },
    ("/api/v1/deployment-events/terraform/{integrationKey}", "post"): {
        "requestBody": {
            "required": True,
            "description": "An HCP Terraform or Terraform Enterprise notification (§20)",
            "content": ANY_JSON_OBJECT,
        },
        "parameters": [
            _header("X-TFE-Notification-Signature", "Hex HMAC-SHA512 of the body, where the pipeline has a secret")
        ],
    },
    ("/api/v1/deployment-events/cdevents/{integrationKey}", "post"): {
        "requestBody": {
            "required": True,
            "description": "A CDEvent: bare, in CloudEvents binary mode (ce-* headers) or structured mode "
            "(application/cloudevents+json, the CDEvent in data)",
            "content": ANY_JSON_OBJECT,
        },
        "parameters": [
            _header("ce-id", "Binary mode: the CloudEvent's id, named in the delivery log"),
            _header("Authorization", "Bearer <the pipeline's webhook secret>, where it has one"),
        ],
    },
    ("/api/v1/deployment-events/flux/{integrationKey}", "post"): {
        "requestBody": {
            "required": True,
            "description": "A Flux notification-controller event",
            "content": ANY_JSON_OBJECT,
        },
        "parameters": [_header("X-Signature", "sha256=<hex HMAC-SHA256 of the body>, where the pipeline has a secret")],
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

CATALOG_YAML = {
    "schema": {"type": "string"},
    "example": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\n",
}
RAW_ADMIN_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/services/import", "post"): {
        "requestBody": {
            "required": True,
            "description": "A Backstage catalog: one or more YAML documents (catalog-info.yaml), at most 1 MiB",
            "content": {"application/yaml": CATALOG_YAML, "text/yaml": CATALOG_YAML},
        },
        "parameters": [],
    },
}
"""Admin routes whose body is not JSON and which read it themselves (§17's import)."""
FORM_REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/slack/interactions", "post"): {
        "requestBody": {
            "required": True,
            "description": "Slack's interaction payload: payload=<block_actions JSON>, form-encoded (§18)",
            "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
        },
        "parameters": [
            _header("X-Slack-Signature", "v0=<hex HMAC-SHA256 of v0:<timestamp>:<body>>", required=True),
            _header("X-Slack-Request-Timestamp", "Unix seconds, within 5 minutes of now", required=True),
        ],
    },
}
"""Slack's interactions (§18): a form, checked by Slack's signature rather than a key."""


def document_intake_requests(document: dict[str, Any]) -> None:
    """The generic API's body is its model (a schema of the document); the webhooks take any JSON
    object, as sent; the catalog import takes YAML."""
    for (path, method), request in {**INGEST_REQUESTS, **RAW_ADMIN_REQUESTS, **FORM_REQUESTS}.items():
        operation = document["paths"][path][method]
        operation["requestBody"] = request["requestBody"]
        operation["parameters"] = [*operation.get("parameters", []), *request["parameters"]]


def document_responses(document: dict[str, Any]) -> None:
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


def secure_admin_routes(document: dict[str, Any]) -> None:
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
