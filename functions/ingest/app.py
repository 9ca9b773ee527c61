"""HTTP adapter for deployment events and pipelines: webhooks, the generic API, management, listing."""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import cache
from pathlib import Path as PathLib
from pathlib import PurePath
from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import overview, pipelines
from shared.api import PathParameter, base_url, create_resolver, resolve
from shared.errors import DomainError, NotFound
from shared.ingest import IngestOutcome, RawRequest, ingest_generic, ingest_github, ingest_gitlab
from shared.models.events import DeploymentEvent, EventPage
from shared.models.pipelines import PipelineCreateRequest, PipelineResponse, PipelineUpdateRequest
from shared.observability import count
from shared.timestamps import utc_now

logger = Logger()
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
app = create_resolver()

WEB_ROOT = PathLib(__file__).parent / "web"
ASSET_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

PipelineId = PathParameter
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


@cache
def _web_file(relative: str) -> str:
    return (WEB_ROOT / relative).read_text(encoding="utf-8")


@cache
def _web_assets() -> frozenset[str]:
    return frozenset(path.name for path in (WEB_ROOT / "assets").iterdir() if path.is_file())


def raw_request() -> RawRequest:
    """The body exactly as the sender's bytes, which signatures are computed over."""
    event = app.current_event
    body = event.body or ""
    raw = base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8", "surrogateescape")
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    return RawRequest(body=raw, headers=headers)


def _ingest(source: str, run: Callable[[], IngestOutcome]) -> Response[IngestOutcome]:
    try:
        outcome = run()
    except DomainError as error:
        count("DeploymentEvents", source=source, outcome=f"rejected:{error.code}")
        raise
    count("DeploymentEvents", source=source, outcome=outcome.metric_outcome)
    logger.info(
        "deployment event ingested", extra={"source": source, "outcome": outcome.metric_outcome, "id": outcome.id}
    )
    return Response(outcome.http_status, content_types.APPLICATION_JSON, outcome)


@app.post("/api/deployment-events", responses=INGEST_RESPONSES)
def post_generic_event() -> Response[IngestOutcome]:
    return _ingest("api", lambda: ingest_generic(raw_request(), utc_now()))


@app.post("/api/v1/deployment-events/github/<integrationKey>", responses=INGEST_RESPONSES)
def post_github_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest("github", lambda: ingest_github(integrationKey, raw_request(), utc_now()))


@app.post("/api/v1/deployment-events/gitlab/<integrationKey>", responses=INGEST_RESPONSES)
def post_gitlab_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest("gitlab", lambda: ingest_gitlab(integrationKey, raw_request(), utc_now()))


@app.get("/api/deployment-events")
def list_deployment_events(
    pipeline: Annotated[str | None, Query(max_length=128)] = None,
    team: Annotated[str | None, Query(max_length=128)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    until: Annotated[str | None, Query(max_length=64)] = None,
    max_results: Annotated[
        int, Query(alias="max-results", ge=1, le=overview.MAX_PAGE_SIZE)
    ] = overview.DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> EventPage:
    return overview.list_events(
        now=utc_now(),
        pipeline_id=pipeline or None,
        team_id=team or None,
        start=overview.parse_bound(from_, "from"),
        end=overview.parse_bound(until, "until"),
        max_results=max_results,
        cursor=cursor or None,
    )


@app.get("/api/deployment-events/<eventId>")
def get_deployment_event(eventId: PathParameter) -> DeploymentEvent:  # noqa: N803
    return overview.get_event(eventId)


@app.post("/api/deployment-pipelines", status_code=201)
def create_pipeline(request: PipelineCreateRequest) -> Response[PipelineResponse]:
    created = pipelines.create_pipeline(request, base_url(app), utc_now())
    return Response(201, content_types.APPLICATION_JSON, created)


@app.get("/api/deployment-pipelines")
def list_pipelines(
    start_index: Annotated[int, Query(alias="start-index", ge=0, le=100_000)] = 0,
    max_results: Annotated[int, Query(alias="max-results", ge=1, le=100)] = 50,
) -> list[PipelineResponse]:
    return pipelines.list_pipelines(start_index, max_results, base_url(app))


@app.get("/api/deployment-pipelines/<pipelineId>")
def get_pipeline(pipelineId: PipelineId) -> PipelineResponse:  # noqa: N803
    return pipelines.get_pipeline(pipelineId, base_url(app))


@app.put("/api/deployment-pipelines/<pipelineId>")
def update_pipeline(pipelineId: PipelineId, request: PipelineUpdateRequest) -> PipelineResponse:  # noqa: N803
    return pipelines.update_pipeline(pipelineId, request, utc_now(), base_url(app))


@app.delete("/api/deployment-pipelines/<pipelineId>", status_code=204)
def delete_pipeline(pipelineId: PipelineId) -> Response[None]:  # noqa: N803
    pipelines.delete_pipeline(pipelineId)
    return Response(204)


@app.post("/api/deployment-pipelines/<pipelineId>/rotate-key")
def rotate_key(pipelineId: PipelineId) -> PipelineResponse:  # noqa: N803
    return pipelines.rotate_integration_key(pipelineId, utc_now(), base_url(app))


@app.get("/", include_in_schema=False)
def overview_page() -> Response[str]:
    """The live overview (SPEC §8): static, so the stack serves it without any other origin."""
    return Response(200, "text/html; charset=utf-8", _web_file("index.html"), headers=PAGE_HEADERS)


@app.get("/assets/<name>", include_in_schema=False)
def overview_asset(name: PathParameter) -> Response[str]:
    content_type = ASSET_TYPES.get(PurePath(name).suffix)
    if content_type is None or name not in _web_assets():
        raise NotFound(f"no asset {name!r}")
    return Response(200, content_type, _web_file(f"assets/{name}"), headers=PAGE_HEADERS)


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
