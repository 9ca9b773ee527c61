"""``Alert Created`` (ours) and ``CloudWatch Alarm State Change`` (the default bus) -> correlated
(§5, §12) -> ``Alert Correlated`` for enrich. One Parser model per event shape."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.models.bus_events import AlarmStateChangeEvent, AlertCreatedEvent, AlertEvent
from shared.domain.timestamps import utc_now
from shared.logic.alerts import alert_of, correlate_alert
from shared.observability import BUS_CORRELATION_ID_PATH, count, event_parser, logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=BUS_CORRELATION_ID_PATH)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_parser(model=AlertEvent)
def lambda_handler(event: AlertCreatedEvent | AlarmStateChangeEvent, context: LambdaContext) -> dict[str, Any]:
    alert = alert_of(event)
    if alert is None:
        logger.info("not an alert to correlate", extra={"detail_type": event.detail_type})
        return {"correlated": False}
    enrichment = correlate_alert(alert, utc_now())
    count("Correlations", scope=enrichment.scope.value)
    logger.info(
        "alert correlated",
        extra={"alert_id": alert.id, "scope": enrichment.scope.value, "related": len(enrichment.deployments)},
    )
    return {"alertId": alert.id, "scope": enrichment.scope.value, "related": len(enrichment.deployments)}
