"""What every alert reader shares: from a source's view of an alert to our ``Alert``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared.domain.ids import bounded_id
from shared.domain.models.alert_sources import AlertSourceParams
from shared.domain.models.alerts import MAX_GROUP_KEY_LENGTH, MAX_GROUP_SIZE, Alert
from shared.domain.models.common import Team
from shared.domain.payloads import parse_payload

MAX_LABELS = 64
MAX_LABEL_NAME = 128
MAX_LABEL_VALUE = 512


@dataclass(frozen=True)
class SourceView:
    """The alert source a delivery came through, as its alerts name it."""

    id: str
    name: str
    integration_type: str
    teams: list[Team]
    params: AlertSourceParams


@dataclass(frozen=True)
class AlertGroup:
    """The group a delivery's alerts belong to (§18): its key in id-safe form, and how many
    distinct firing alerts the delivery carried."""

    key: str
    size: int

    @classmethod
    def of(cls, group_key: str | None, alert_ids: list[str]) -> AlertGroup | None:
        if not group_key or not group_key.strip() or not alert_ids:
            return None
        return cls(bounded_id(group_key, MAX_GROUP_KEY_LENGTH), len(set(alert_ids)))


def clean_labels(labels: Mapping[str, Any]) -> dict[str, str]:
    """What an alert may carry: string values, bounded names and values, at most 64 of them."""
    cleaned: dict[str, str] = {}
    for name, value in labels.items():
        if len(cleaned) == MAX_LABELS:
            break
        if isinstance(name, str) and 0 < len(name) <= MAX_LABEL_NAME and isinstance(value, str | int | float):
            cleaned[name] = str(value)[:MAX_LABEL_VALUE]
    return cleaned


def _first_label(labels: Mapping[str, str], names: list[str]) -> str | None:
    return next((labels[name] for name in names if labels.get(name)), None)


def alert_from(
    source: SourceView,
    *,
    alert_id: str,
    report_time: object,
    summary: str | None,
    labels: Mapping[str, str],
    payload_teams: list[Team] | None = None,
    alert_key: str | None = None,
    group: AlertGroup | None = None,
    field_prefix: str = "",
) -> Alert:
    """The alert as correlation reads it (§11): teams named by the team label win, then
    teams the payload names, then the source's; ``service`` and ``environment`` come from the
    source's label names unless the alert has them."""
    matched = dict(labels)
    service = _first_label(labels, source.params.service_labels)
    environment = _first_label(labels, source.params.environment_labels)
    if service and not matched.get("service"):
        matched["service"] = service
    if environment and not matched.get("environment"):
        matched["environment"] = environment
    named = [team.strip() for team in labels.get(source.params.team_label, "").split(",") if team.strip()]
    teams: list[dict[str, Any]]
    if named:
        teams = [{"id": team} for team in dict.fromkeys(named)]
    else:
        chosen = payload_teams or source.teams
        teams = [team.model_dump() for team in chosen]
    return parse_payload(
        Alert,
        {
            "id": alert_id,
            "summary": (summary or "")[:4096] or None,
            "reportTime": report_time,
            "status": "firing",
            "alertKey": alert_key,
            "groupKey": group.key if group else None,
            # A delivery of more alerts is refused whole (§22's 413), after every alert is read.
            "groupSize": min(group.size, MAX_GROUP_SIZE) if group else None,
            "alertSource": {
                "id": source.id,
                "name": source.name,
                "teams": teams[:50],
                "integrationType": source.integration_type,
            },
            "labels": clean_labels(matched),
        },
        field_prefix,
    )
