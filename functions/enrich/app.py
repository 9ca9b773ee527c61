"""Enrichment out: a correlated alert's result is stored, served and published (SPEC §6)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import alerts
from shared.api import PathParameter, create_resolver, is_http_event, resolve
from shared.bus import parse_detail
from shared.models.alerts import Enrichment
from shared.observability import CORRELATION_ID_PATH

logger = Logger()
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
app = create_resolver()


@app.get("/api/alerts/<alertId>/deployments")
def get_enrichment(alertId: PathParameter) -> Enrichment:  # noqa: N803
    return alerts.get_enrichment(alertId)


def on_alert_correlated(event: dict[str, Any]) -> dict[str, Any]:
    enrichment = parse_detail(event, Enrichment)
    stored = alerts.store_enrichment(enrichment)
    logger.info(
        "enrichment stored" if stored else "a later enrichment is already stored",
        extra={"alert_id": enrichment.alert_id},
    )
    return {"alertId": enrichment.alert_id, "stored": stored}


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_http_event(event):
        return resolve(app, event, context)
    return on_alert_correlated(event)
