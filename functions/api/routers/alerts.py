"""Alerts onto the bus (§4), their enrichments (§6) and their list (§18)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from shared.domain.models.alert_list import AlertPage
from shared.domain.models.alerts import Alert, AlertAccepted, Enrichment
from shared.domain.models.common import ResourceId
from shared.domain.models.notifications import NotificationStatus
from shared.domain.timestamps import utc_now
from shared.http.resolver import PathParameter
from shared.logic import alert_events, alert_list, enrichment, notification_status, overview

router = Router()
AlertSourceQuery = Annotated[
    ResourceId | None,
    Query(
        alias="source",
        description="The alert source the alert came through (§22); without it, the alert of this id correlated last.",
    ),
]


@router.post("/api/alerts", status_code=202)
def post_alert(alert: Alert) -> Response[AlertAccepted]:
    event_id = alert_events.submit_alert(alert)
    return Response(202, content_types.APPLICATION_JSON, AlertAccepted(alert_id=alert.id, event_id=event_id))


@router.get("/api/alerts")
def list_alerts(
    team: Annotated[str | None, Query(max_length=128)] = None,
    service: Annotated[str | None, Query(max_length=128)] = None,
    source: Annotated[str | None, Query(max_length=128)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    until: Annotated[str | None, Query(max_length=64)] = None,
    likely: Annotated[bool, Query(description="Only alerts with a likely cause (§17).")] = False,
    max_results: Annotated[
        int, Query(alias="max-results", ge=1, le=overview.MAX_PAGE_SIZE)
    ] = overview.DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> AlertPage:
    """Alerts newest first by ``reportTime`` (§18), paged as the overview (§8)."""
    return alert_list.list_alerts(
        now=utc_now(),
        team_id=team,
        service=service,
        source_id=source,
        likely=likely,
        start=overview.parse_bound(from_, "from"),
        end=overview.parse_bound(until, "until"),
        max_results=max_results,
        cursor=cursor or None,
    )


@router.post("/api/alerts/preview")
def preview_alert(
    body: Annotated[dict[str, Any], Body()],
    type_: Annotated[str | None, Query(alias="type", max_length=32)] = None,
    weights: Annotated[str, Query(max_length=2048)] = "",
) -> Enrichment:
    """The enrichment an alert would get now (§16); nothing is stored, published or sent.
    ``type`` reads the body as that alerting system sends it (§11), e.g. ``alertmanager``;
    ``weights`` tries other relevance weights (§17), a JSON object such as ``{"time": 1.2}``."""
    # Imported here: the correlation engine is the correlate function's; the API runs it for this
    # route alone, and would otherwise load it at every cold start (§20).
    from shared.logic.alerts import preview  # noqa: PLC0415

    return preview(body, type_, utc_now(), weights)


@router.get("/api/alerts/<alertId>/deployments")
def get_enrichment(
    alertId: PathParameter,  # noqa: N803 - the path's name
    source: AlertSourceQuery = None,
) -> Enrichment:
    """The alert's enrichment (§6), of the alert of that id that came through ``source``."""
    return enrichment.get_enrichment(enrichment.source_of(alertId, source), alertId)


@router.get("/api/alerts/<alertId>/notifications")
def get_notifications(
    alertId: PathParameter,  # noqa: N803 - the path's name
    source: AlertSourceQuery = None,
) -> list[NotificationStatus]:
    """Where the alert's enrichment was posted (§13): type, redacted target, status."""
    return notification_status.notifications_of(alertId, source)


@router.post("/api/alerts/<alertId>/notifications/retry", status_code=202)
def retry_notifications(
    alertId: PathParameter,  # noqa: N803 - the path's name
    source: AlertSourceQuery = None,
) -> Response[list[NotificationStatus]]:
    """Tries the alert's failed notification targets again (§22): 202 with those reopened."""
    reopened = notification_status.retry_notifications(alertId, source, utc_now())
    return Response(202, content_types.APPLICATION_JSON, reopened)
