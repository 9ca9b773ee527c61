"""``Alert Correlated`` from the bus -> the enrichment stored and published (§6)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import envelopes
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.models.alerts import Enrichment, EnrichmentOnBus, EnrichmentReference
from shared.logic.enrichment import keep_and_publish
from shared.observability import BUS_CORRELATION_ID_PATH, event_parser, logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=BUS_CORRELATION_ID_PATH)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_parser(model=EnrichmentOnBus, envelope=envelopes.EventBridgeEnvelope)
def lambda_handler(detail: Enrichment | EnrichmentReference, context: LambdaContext) -> dict[str, Any]:
    stored = keep_and_publish(detail)
    logger.info(
        "enrichment stored" if stored else "a later enrichment is already stored",
        extra={"alert_id": detail.alert_id},
    )
    return {"alertId": detail.alert_id, "stored": stored}
