"""``Alert Enriched`` from the bus -> POSTed to the enrichment webhook, signed (SPEC §6)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.adapters.bus import parse_detail
from shared.domain.models.alerts import Enrichment
from shared.logic.enrichment_webhook import deliver_enrichment
from shared.observability import BUS_CORRELATION_ID_PATH, logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=BUS_CORRELATION_ID_PATH)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    enrichment = parse_detail(event, Enrichment)
    status = deliver_enrichment(enrichment.to_json_dict(), str(event.get("id", "")))
    logger.info("enrichment delivered", extra={"status": status})
    return {"delivered": True, "status": status}
