"""Deployment events in (SPEC §3): the generic API and the GitHub and GitLab webhooks.

The hot path: it imports only what ingest needs, and its policy allows GetItem and
TransactWriteItems on the table, nothing else.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.errors import DomainError
from shared.domain.timestamps import utc_now
from shared.http.raw_request import raw_request
from shared.http.resolver import PathParameter, create_resolver, resolve
from shared.logic.ingest import GENERIC, WEBHOOK_SOURCES, IngestOutcome, Source, ingest
from shared.observability import count, logger, metrics, tracer

app = create_resolver()

IntegrationKey = PathParameter
"""Any value: an unknown or malformed key is a 404 like any other unknown key (SPEC §7)."""
INGEST_RESPONSES: dict[int, OpenAPIResponse] = {
    202: {
        "description": "Stored, or a redelivery of a stored event",
        "content": {"application/json": {"model": IngestOutcome}},
    },
    200: {
        "description": "Valid, but not a deployment under the pipeline's filters",
        "content": {"application/json": {"model": IngestOutcome}},
    },
}
"""SPEC §3's answers, for the OpenAPI document; each ingest route reads its raw body itself."""


def _ingest(source: Source, integration_key: str | None) -> Response[IngestOutcome]:
    try:
        outcome = ingest(source, integration_key, raw_request(app), utc_now())
    except DomainError as error:
        count("DeploymentEvents", source=source.name, outcome=f"rejected:{error.code}")
        raise
    count("DeploymentEvents", source=source.name, outcome=outcome.metric_outcome)
    logger.info(
        "deployment event ingested",
        extra={"source": source.name, "outcome": outcome.metric_outcome, "id": outcome.id},
    )
    return Response(outcome.http_status, content_types.APPLICATION_JSON, outcome)


@app.post("/api/deployment-events", responses=INGEST_RESPONSES)
def post_generic_event() -> Response[IngestOutcome]:
    return _ingest(GENERIC, None)


@app.post("/api/v1/deployment-events/github/<integrationKey>", responses=INGEST_RESPONSES)
def post_github_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(WEBHOOK_SOURCES["github"], integrationKey)


@app.post("/api/v1/deployment-events/gitlab/<integrationKey>", responses=INGEST_RESPONSES)
def post_gitlab_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(WEBHOOK_SOURCES["gitlab"], integrationKey)


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
