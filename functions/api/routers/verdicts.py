"""Responders' verdicts on an alert's changes (§18)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from routers.alerts import AlertSourceQuery
from shared.domain.models.alerts import Enrichment
from shared.domain.models.verdicts import VerdictList, VerdictRequest
from shared.domain.timestamps import utc_now
from shared.http.resolver import PathParameter
from shared.logic import verdicts

router = Router()
VERDICT_ROUTE = "/api/alerts/<alertId>/deployments/<eventId>/verdict"


@router.put(VERDICT_ROUTE)
def put_verdict(
    alertId: PathParameter,  # noqa: N803 - the path's name
    eventId: PathParameter,  # noqa: N803 - the path's name
    body: VerdictRequest,
    source: AlertSourceQuery = None,
) -> Enrichment:
    """``CAUSED`` or ``NOT_RELATED`` on a change the alert's enrichment lists: 200 with the
    enrichment as it now stands, stored and published again (``"update": "verdict"``)."""
    return verdicts.give_verdict(alertId, source, eventId, body, utc_now())


@router.delete(VERDICT_ROUTE, status_code=204)
def delete_verdict(
    alertId: PathParameter,  # noqa: N803 - the path's name
    eventId: PathParameter,  # noqa: N803 - the path's name
    source: AlertSourceQuery = None,
) -> Response[None]:
    """Withdraws the verdict on the change: 204, or 404 when none stands."""
    verdicts.withdraw_verdict(alertId, source, eventId, utc_now())
    return Response(204)


@router.get("/api/alerts/<alertId>/verdicts")
def get_verdicts(
    alertId: PathParameter,  # noqa: N803 - the path's name
    source: AlertSourceQuery = None,
) -> VerdictList:
    """The verdicts standing on the alert's changes, and every one given or withdrawn, with
    author and time, oldest first."""
    return verdicts.verdicts_of(alertId, source)
