"""Alerts in from the systems teams already run (§11): Alertmanager, Grafana, PagerDuty,
ilert and any JSON sender, each through an alert source's integration key; and the clicks of
responders on a Slack app's verdict buttons (§18)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.errors import DomainError
from shared.domain.timestamps import utc_now
from shared.http.raw_request import raw_request
from shared.http.resolver import PathParameter, create_resolver, resolve
from shared.logic.intake_alerts import AlertIntakeOutcome, take_delivery
from shared.observability import count, logger, metrics, tracer

app = create_resolver()


@app.post("/api/v1/alerts/<sourceType>/<integrationKey>")
def post_alerts(sourceType: PathParameter, integrationKey: PathParameter) -> Response[AlertIntakeOutcome]:  # noqa: N803 - the path's names
    try:
        outcome = take_delivery(sourceType, integrationKey, raw_request(app), utc_now())
    except DomainError as error:
        count("AlertDeliveries", source=sourceType[:32], outcome=f"rejected:{error.code}")
        raise
    count("AlertDeliveries", source=sourceType[:32], outcome=outcome.status)
    logger.info("alert delivery taken", extra={"source": sourceType[:32], "alerts": outcome.alerts or []})
    return Response(outcome.http_status, content_types.APPLICATION_JSON, outcome)


@app.post("/api/v1/slack/interactions")
def post_slack_interaction() -> Response[dict[str, str]]:
    """Slack's signed interaction payloads; the verdict goes on the bus, Slack gets 200 at once."""
    # Imported here: slack_sdk loads its whole Web API client with its signature verifier, which
    # no alert delivery needs, and alerts are what this function must take fastest (§20).
    from shared.logic.slack_interactions import take_interaction  # noqa: PLC0415

    try:
        verdict = take_interaction(raw_request(app), utc_now())
    except DomainError as error:
        count("SlackInteractions", outcome=f"rejected:{error.code}")
        raise
    count("SlackInteractions", outcome="accepted")
    logger.info("verdict handed over", extra={"verdict": verdict.verdict})
    return Response(200, content_types.APPLICATION_JSON, {"status": "accepted"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
