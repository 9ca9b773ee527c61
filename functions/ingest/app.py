"""Deployment events in (§3, §15, §20): the generic API, the GitHub, GitLab, Argo CD and Flux
webhooks, PagerDuty-compatible change events, CDEvents, and LaunchDarkly, Unleash and HCP
Terraform's webhooks.

The hot path: it imports only what ingest needs (a sender's reader on its first delivery), and its
policy allows the table's single-item reads and writes, a Query of the service catalog's partition
only (a feature flag's service, §20), and Query on its Listing index (§19's histories), nothing else.
"""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from shared.domain.errors import BadRequest, DomainError, InvalidField
from shared.domain.senders import DEPLOYMENT_SENDERS, SenderKind
from shared.domain.timestamps import utc_now
from shared.http.raw_request import raw_request
from shared.http.resolver import PathParameter, create_resolver, resolve
from shared.logic.intake_deployments import IngestOutcome, ingest
from shared.observability import count, logger, metrics, tracer
from shared.settings import hotfix_pattern

app = create_resolver()
hotfix_pattern()
"""§19's ``HotfixPattern``, checked at the function's start."""

IntegrationKey = PathParameter
"""Any value: an unknown or malformed key is a 404 like any other unknown key (§7)."""
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
"""§3's answers, for the OpenAPI document; each ingest route reads its raw body itself."""


def _ingest(sender: SenderKind, integration_key: str | None) -> Response[IngestOutcome]:
    try:
        outcome = ingest(sender, integration_key, raw_request(app), utc_now())
    except DomainError as error:
        count("DeploymentEvents", source=sender.name, outcome=f"rejected:{error.code}")
        raise
    count("DeploymentEvents", source=sender.name, outcome=outcome.metric_outcome)
    logger.info(
        "deployment event ingested",
        extra={"source": sender.name, "outcome": outcome.metric_outcome, "id": outcome.id},
    )
    return Response(outcome.http_status, content_types.APPLICATION_JSON, outcome)


@app.post("/api/deployment-events", responses=INGEST_RESPONSES)
def post_generic_event() -> Response[IngestOutcome]:
    return _ingest(DEPLOYMENT_SENDERS["api"], None)


@app.post("/api/v1/deployment-events/github/<integrationKey>", responses=INGEST_RESPONSES)
def post_github_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(DEPLOYMENT_SENDERS["github"], integrationKey)


@app.post("/api/v1/deployment-events/gitlab/<integrationKey>", responses=INGEST_RESPONSES)
def post_gitlab_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(DEPLOYMENT_SENDERS["gitlab"], integrationKey)


@app.post("/api/v1/deployment-events/argocd/<integrationKey>", responses=INGEST_RESPONSES)
def post_argocd_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(DEPLOYMENT_SENDERS["argocd"], integrationKey)


@app.post("/api/v1/deployment-events/launchdarkly/<integrationKey>", responses=INGEST_RESPONSES)
def post_launchdarkly_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(DEPLOYMENT_SENDERS["launchdarkly"], integrationKey)


@app.post("/api/v1/deployment-events/unleash/<integrationKey>", responses=INGEST_RESPONSES)
def post_unleash_webhook(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(DEPLOYMENT_SENDERS["unleash"], integrationKey)


@app.post("/api/v1/deployment-events/terraform/<integrationKey>", responses=INGEST_RESPONSES)
def post_terraform_notification(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(DEPLOYMENT_SENDERS["terraform"], integrationKey)


@app.post("/api/v1/deployment-events/cdevents/<integrationKey>", responses=INGEST_RESPONSES)
def post_cdevent(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(DEPLOYMENT_SENDERS["cdevents"], integrationKey)


@app.post("/api/v1/deployment-events/flux/<integrationKey>", responses=INGEST_RESPONSES)
def post_flux_event(integrationKey: IntegrationKey) -> Response[IngestOutcome]:  # noqa: N803 - the path's name
    return _ingest(DEPLOYMENT_SENDERS["flux"], integrationKey)


class PagerDutyAccepted(BaseModel):
    """PagerDuty's answer to a change event it took, stored or not."""

    status: Literal["success"]
    message: str

    @classmethod
    def processed(cls) -> PagerDutyAccepted:
        return cls(status="success", message="Change event processed")


class PagerDutyInvalidEvent(BaseModel):
    """PagerDuty's answer to an invalid change event: its errors as sentences."""

    status: Literal["invalid event"]
    message: str
    errors: list[str]

    @classmethod
    def of(cls, error: BadRequest | InvalidField) -> PagerDutyInvalidEvent:
        if isinstance(error, BadRequest):
            errors = [error.message]
        else:
            # Imported here: only a refused change event needs PagerDuty's wording of field errors.
            from shared.domain.normalisers.pagerduty_change import pagerduty_errors  # noqa: PLC0415

            errors = pagerduty_errors(error)
        return cls(status="invalid event", message="Event object is invalid", errors=errors)


PAGERDUTY_RESPONSES: dict[int, OpenAPIResponse] = {
    202: {
        "description": "Stored (or a duplicate), in PagerDuty's words",
        "content": {"application/json": {"model": PagerDutyAccepted}},
    },
    400: {
        "description": "PagerDuty's answer to an invalid event: its errors as sentences",
        "content": {"application/json": {"model": PagerDutyInvalidEvent}},
    },
}
"""PagerDuty's own answers, so that its senders (its GitHub Action, Argo CD's notifier) take ours
as theirs (§15); other failures are answered as §3 says."""


def _pagerduty_change(integration_key: str | None) -> Response[PagerDutyAccepted | PagerDutyInvalidEvent]:
    try:
        _ingest(DEPLOYMENT_SENDERS["pagerduty"], integration_key)
    except (BadRequest, InvalidField) as error:
        return Response(400, content_types.APPLICATION_JSON, PagerDutyInvalidEvent.of(error))
    return Response(202, content_types.APPLICATION_JSON, PagerDutyAccepted.processed())


@app.post("/api/v1/deployment-events/pagerduty/<integrationKey>", responses=PAGERDUTY_RESPONSES)
def post_pagerduty_change(
    integrationKey: IntegrationKey,  # noqa: N803 - the path's name
) -> Response[PagerDutyAccepted | PagerDutyInvalidEvent]:
    return _pagerduty_change(integrationKey)


@app.post("/v2/change/enqueue", responses=PAGERDUTY_RESPONSES)
def post_pagerduty_change_enqueue() -> Response[PagerDutyAccepted | PagerDutyInvalidEvent]:
    """PagerDuty's own path, the key as ``routing_key``: pointing a sender here takes only the host."""
    return _pagerduty_change(None)


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
