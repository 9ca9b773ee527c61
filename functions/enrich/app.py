"""``Alert Correlated`` from the bus -> the enrichment stored and published (§6)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import envelopes
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.models.alerts import Enrichment
from shared.logic.enrichment import store_enrichment
from shared.observability import BUS_CORRELATION_ID_PATH, event_parser, logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=BUS_CORRELATION_ID_PATH)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_parser(model=Enrichment, envelope=envelopes.EventBridgeEnvelope)
def lambda_handler(enrichment: Enrichment, context: LambdaContext) -> dict[str, Any]:
    stored = store_enrichment(enrichment)
    logger.info(
        "enrichment stored" if stored else "a later enrichment is already stored",
        extra={"alert_id": enrichment.alert_id},
    )
    return {"alertId": enrichment.alert_id, "stored": stored}
