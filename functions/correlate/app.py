"""``Alert Created`` from the bus -> correlated (SPEC §5) -> ``Alert Correlated`` for enrich."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import envelopes, event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.models.alerts import Alert
from shared.domain.timestamps import utc_now
from shared.logic.alerts import correlate_alert
from shared.observability import BUS_CORRELATION_ID_PATH, count, logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=BUS_CORRELATION_ID_PATH)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_parser(model=Alert, envelope=envelopes.EventBridgeEnvelope)
def lambda_handler(alert: Alert, context: LambdaContext) -> dict[str, Any]:
    enrichment = correlate_alert(alert, utc_now())
    count("Correlations", scope=enrichment.scope.value)
    logger.info(
        "alert correlated",
        extra={"alert_id": alert.id, "scope": enrichment.scope.value, "related": len(enrichment.deployments)},
    )
    return {"alertId": alert.id, "scope": enrichment.scope.value, "related": len(enrichment.deployments)}
