"""CloudWatch alarms (§12): a transition to ``ALARM`` on the default bus is one alert.

Teams come from the alarm's propagated tags (``detail.alarmTags``) under the ``AlarmTeamTagKey``
tag, else from the registry under the alarm's name (the alert names the alarm as its alert
source, with no teams, so §4's fallback applies unchanged).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.domain.alert_readers.common import clean_labels
from shared.domain.models.alerts import Alert
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


def alert_from_alarm(detail: AlarmStateChange, alarm_arn: str, team_tag_key: str) -> Alert | None:
    """The alert for a transition to ALARM; None for any other transition."""
    if detail.state.value != ALARM:
        return None
    tags = clean_labels(detail.alarm_tags)
    labels = {name: tags[name] for name in ("service", "environment") if tags.get(name)}
    if "service" not in labels and (service := _service_of(detail)):
        labels["service"] = service
    team_ids = [team.strip() for team in tags.get(team_tag_key, "").split(",") if team.strip()]
    description = detail.configuration.description
    return Alert.model_validate(
        {
            "id": f"{alarm_arn}:{detail.state.timestamp}",
            "summary": f"{detail.alarm_name}: {description}" if description else detail.alarm_name,
            "reportTime": detail.state.timestamp,
            "status": "firing",
            "alertSource": {
                "id": detail.alarm_name,
                "name": detail.alarm_name,
                "teams": [{"id": team} for team in dict.fromkeys(team_ids)] or None,
                "integrationType": "CLOUDWATCH",
            },
            "labels": labels,
        }
    )
