"""Posts each ``Alert Enriched`` event to the enrichment webhook, signed (SPEC §6)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import webhook
from shared.bus import parse_detail
from shared.models.alerts import Enrichment
from shared.observability import CORRELATION_ID_PATH

logger = Logger()
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path=CORRELATION_ID_PATH)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    enrichment = parse_detail(event, Enrichment)
    status = webhook.deliver_enrichment(enrichment.to_json_dict(), str(event.get("id", "")))
    logger.info("enrichment delivered", extra={"status": status})
    return {"delivered": True, "status": status}
