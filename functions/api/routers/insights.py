"""§19's delivery performance: DORA's five metrics of a service, a team or a pipeline."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.domain.delivery import DeliveryReport
from shared.domain.timestamps import utc_now
from shared.logic import overview

router = Router()


@router.get("/api/insights/delivery")
def get_delivery(
    service: Annotated[str | None, Query(max_length=512)] = None,
    team: Annotated[str | None, Query(max_length=128)] = None,
    pipeline: Annotated[str | None, Query(max_length=128)] = None,
    environment: Annotated[
        str | None, Query(max_length=512, description="Compared as correlation compares it; production by default.")
    ] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    until: Annotated[str | None, Query(max_length=64)] = None,
) -> DeliveryReport:
    """Deployment frequency, change lead time, change fail rate, failed deployment recovery time
    and rework rate (§19) of exactly one of ``service``, ``team`` or ``pipeline``, over a window
    of at most 180 days (the last 30 by default), each with its weekly series."""
    # Imported here: the metrics are computed for this route alone, and the API would otherwise
    # load them at every cold start (§20).
    from shared.logic import delivery  # noqa: PLC0415

    scope = delivery.scope_of(service, team, pipeline)
    window = delivery.window_of(overview.parse_bound(from_, "from"), overview.parse_bound(until, "until"), utc_now())
    return delivery.delivery_report(scope, environment, window)
