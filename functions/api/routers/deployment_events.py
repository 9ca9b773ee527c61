"""The list of deployment events, one event (§8), the alerts that named it (§18), and where it was forwarded (§21)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.domain.models.alert_list import AlertsOfChangePage
from shared.domain.models.deployments import DeploymentEvent, EventPage
from shared.domain.models.forwarders import ForwardStatus
from shared.domain.timestamps import utc_now
from shared.http.resolver import PathParameter
from shared.logic import alert_list, forward_status, overview

router = Router()


@router.get("/api/deployment-events")
def list_deployment_events(
    pipeline: Annotated[str | None, Query(max_length=128)] = None,
    team: Annotated[str | None, Query(max_length=128)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    until: Annotated[str | None, Query(max_length=64)] = None,
    max_results: Annotated[
        int, Query(alias="max-results", ge=1, le=overview.MAX_PAGE_SIZE)
    ] = overview.DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> EventPage:
    return overview.list_events(
        now=utc_now(),
        pipeline_id=pipeline or None,
        team_id=team or None,
        start=overview.parse_bound(from_, "from"),
        end=overview.parse_bound(until, "until"),
        max_results=max_results,
        cursor=cursor or None,
    )


@router.get("/api/deployment-events/<eventId>")
def get_deployment_event(eventId: PathParameter) -> DeploymentEvent:  # noqa: N803 - the path's name
    return overview.get_event(eventId)


@router.get("/api/deployment-events/<eventId>/alerts")
def get_alerts_of_event(
    eventId: PathParameter,  # noqa: N803 - the path's name
    max_results: Annotated[
        int, Query(alias="max-results", ge=1, le=overview.MAX_PAGE_SIZE)
    ] = overview.DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
) -> AlertsOfChangePage:
    """The alerts that named this change, newest first, each with the change's score (§18)."""
    return alert_list.alerts_of_change(eventId, max_results=max_results, cursor=cursor or None)


@router.get("/api/deployment-events/<eventId>/forwards")
def get_forwards_of_event(eventId: PathParameter) -> list[ForwardStatus]:  # noqa: N803 - the path's name
    """Where the change was forwarded (§21): type, redacted target, status, attempts."""
    return forward_status.forwards_of(eventId)
