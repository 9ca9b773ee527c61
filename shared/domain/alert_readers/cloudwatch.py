"""CloudWatch alarms (§12): a transition to ``ALARM`` on the default bus is one alert.

Teams come from the alarm's propagated tags (``detail.alarmTags``) under the ``AlarmTeamTagKey``
tag, else from the registry under the alarm's name (the alert names the alarm as its alert
source, with no teams, so §4's fallback applies unchanged).

Any legal alarm is correlated (§22): a name of up to 255 characters, with ``#``, ``/``, spaces or
any letter, and a team tag naming any number of teams. Where a name or a team is longer than an
id may be, or holds the key separator, it is replaced by ``ids.bounded_id``'s stable stand-in; a
team list is cut to what an alert may name, and what was cut is returned for the logic to log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from shared.domain.alert_readers.common import clean_labels
from shared.domain.ids import bounded_id
from shared.domain.models.alerts import MAX_ALERT_ID_LENGTH, Alert
from shared.domain.models.common import MAX_NAMED_TEAMS
from shared.domain.payloads import PayloadModel

ALARM = "ALARM"
SERVICE_DIMENSIONS = (
    "ServiceName",
    "FunctionName",
    "ClusterName",
    "ApiName",
    "TableName",
    "QueueName",
    "LoadBalancer",
    "DBInstanceIdentifier",
)
"""Metric dimensions that name what a team deploys, in the order §12 prefers them."""


class AlarmState(PayloadModel):
    value: str
    timestamp: str
    reason: str | None = None


class Metric(PayloadModel):
    dimensions: dict[str, Any] = Field(default_factory=dict)


class MetricStat(PayloadModel):
    metric: Metric | None = None


class MetricQuery(PayloadModel):
    metric_stat: MetricStat | None = Field(default=None, alias="metricStat")


class Configuration(PayloadModel):
    description: str | None = None
    metrics: list[MetricQuery] = Field(default_factory=list)


class AlarmStateChange(PayloadModel):
    """The ``detail`` of a ``CloudWatch Alarm State Change`` event."""

    alarm_name: str = Field(alias="alarmName", min_length=1, max_length=255)
    state: AlarmState
    configuration: Configuration = Field(default_factory=Configuration)
    alarm_tags: dict[str, Any] = Field(default_factory=dict, alias="alarmTags")


def _service_of(detail: AlarmStateChange) -> str | None:
    for name in SERVICE_DIMENSIONS:
        for query in detail.configuration.metrics:
            metric = query.metric_stat.metric if query.metric_stat else None
            value = metric.dimensions.get(name) if metric else None
            if isinstance(value, str) and value:
                return value
    return None


@dataclass(frozen=True)
class AlarmTeams:
    """The teams an alarm's tag names: those the alert names, and those past the limit."""

    named: list[str]
    cut: list[str]


def alarm_teams(detail: AlarmStateChange, team_tag_key: str) -> AlarmTeams:
    """Each team once, as an id may be; the first ``MAX_NAMED_TEAMS`` are named."""
    tag = clean_labels(detail.alarm_tags).get(team_tag_key, "")
    named = [bounded_id(team) for team in tag.split(",") if team.strip()]
    distinct = list(dict.fromkeys(named))
    return AlarmTeams(distinct[:MAX_NAMED_TEAMS], distinct[MAX_NAMED_TEAMS:])


def alert_from_alarm(detail: AlarmStateChange, alarm_arn: str, team_tag_key: str) -> Alert | None:
    """The alert for a transition to ALARM; None for any other transition."""
    if detail.state.value != ALARM:
        return None
    tags = clean_labels(detail.alarm_tags)
    labels = {name: tags[name] for name in ("service", "environment") if tags.get(name)}
    if "service" not in labels and (service := _service_of(detail)):
        labels["service"] = service
    description = detail.configuration.description
    return Alert.model_validate(
        {
            "id": bounded_id(f"{alarm_arn}:{detail.state.timestamp}", MAX_ALERT_ID_LENGTH, forbidden=""),
            "summary": f"{detail.alarm_name}: {description}" if description else detail.alarm_name,
            "reportTime": detail.state.timestamp,
            "status": "firing",
            "alertSource": {
                "id": bounded_id(detail.alarm_name),
                "name": detail.alarm_name,
                "teams": [{"id": team} for team in alarm_teams(detail, team_tag_key).named] or None,
                "integrationType": "CLOUDWATCH",
            },
            "labels": labels,
        }
    )
