"""PagerDuty webhooks v3: ``incident.triggered`` is one alert, keyed by the incident's id, so
that a note can be added to that incident (§11, §13)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.domain.alert_readers.common import SourceView, alert_from
from shared.domain.errors import InvalidField
from shared.domain.models.alerts import Alert
from shared.domain.models.common import Team
from shared.domain.payloads import Ignored, PayloadModel, parse_payload

TRIGGERED = "incident.triggered"


class Reference(PayloadModel):
    id: str | None = None
    summary: str | None = None


class Incident(PayloadModel):
    id: str
    title: str | None = None
    created_at: Any = None
    service: Reference | None = None
    teams: list[Reference] = Field(default_factory=list, max_length=50)


class Event(PayloadModel):
    event_type: str
    occurred_at: Any = None
    data: dict[str, Any] = Field(default_factory=dict)


class Delivery(PayloadModel):
    event: Event


class IncidentTeams(PayloadModel):
    """The incident's teams as ours: ids go into keys, so one with ``#`` is a 422 naming it."""

    teams: list[Team | None]
    """In the incident's order, so that an error names the team's position; None where it has no id."""


def _teams(incident: Incident) -> list[Team]:
    named = [
        {"id": team.id, "name": (team.summary or "")[:255] or None} if team.id else None for team in incident.teams
    ]
    return [team for team in parse_payload(IncidentTeams, {"teams": named}, "event.data").teams if team]


def read(payload: dict[str, Any], source: SourceView) -> list[Alert] | Ignored:
    event = parse_payload(Delivery, payload).event
    if event.event_type != TRIGGERED:
        # incident.annotated above all: our own notes must not come back as alerts.
        return Ignored(f"event {event.event_type!r} is not {TRIGGERED}", "not_triggered")
    incident = parse_payload(Incident, event.data, "event.data")
    report_time = incident.created_at if incident.created_at is not None else event.occurred_at
    if report_time is None:
        raise InvalidField.of("event.data.created_at", "Field required")
    teams = _teams(incident)
    labels = {"service": incident.service.summary} if incident.service and incident.service.summary else {}
    return [
        alert_from(
            source,
            alert_id=incident.id,
            report_time=report_time,
            summary=incident.title,
            labels=labels,
            payload_teams=teams,
            field_prefix="event.data",
        )
    ]
