"""AWS's deployment services on the default bus (§20): CodeDeploy, ECS, CodePipeline and
AppConfig state changes -> changes of the account's ``AWS`` pipeline.

An event that cannot be read is logged and dropped rather than raised, so it is never retried in
a loop; a busy store is raised, and so retried and then dead-lettered.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.timestamps import utc_now
from shared.logic.aws_changes import take_aws_event
from shared.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path="id")
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = take_aws_event(event, utc_now())
    logger.info(
        "AWS change taken",
        extra={"outcome": outcome.metric_outcome, "id": outcome.id, "detail_type": str(event.get("detail-type"))[:128]},
    )
    return outcome.to_json_dict()
