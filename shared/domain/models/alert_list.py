"""Alerts, listed (§18): what the list shows of each alert, and where an enrichment lists it.

An alert is listed once per owner (the account, its source, its service, each claiming team),
again among the likely ones when it has a likely cause, and once per change it names, so that
every filter of the list, and the alerts of a change, is one partition read newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer
from pydantic.alias_generators import to_camel

from shared.domain import keys
from shared.domain.models.alerts import Confidence, Enrichment, RelatedDeployment, Scope
from shared.domain.models.common import ApiModel, Team, UtcTime
from shared.domain.names import service_key

MAX_LISTED_TEAMS = 10
"""Claiming teams an alert is listed under: with the account, source and service listings, their
likely twins and the changes it names, every listing of an alert fits one transaction (100 items)."""


class ListedSource(ApiModel):
    id: str | None = None
    name: str | None = None
    integration_type: str | None = None


class LikelyCauseSummary(ApiModel):
    id: str
    summary: str
    score: float


class ListedAlert(ApiModel):
    """One row of ``GET /api/alerts``."""

    alert_id: str
    summary: str | None = None
    report_time: UtcTime
    source: ListedSource | None = None
    scope: Scope
    claiming_teams: list[Team]
    likely_cause: LikelyCauseSummary | None = None
    ambiguous: bool = False
    deployments: int
    """How many changes the enrichment lists."""
    verdicts: int = 0
    """How many responders' verdicts the alert has (§18)."""

    @model_serializer(mode="wrap")
    def _omit_missing_values(self, serialize: SerializerFunctionWrapHandler) -> dict[str, object]:
        """As every answer, except ``likelyCause``: its null says "no change stands out"."""
        values: dict[str, object] = serialize(self)
        return {name: value for name, value in values.items() if value is not None or name == "likelyCause"}


class AlertOfChange(ApiModel):
    """One row of ``GET /api/deployment-events/{id}/alerts``: an alert that named the change."""

    alert_id: str
    summary: str | None = None
    report_time: UtcTime
    source: ListedSource | None = None
    score: float
    """The change's score for this alert (§17)."""
    confidence: Confidence | None = None
    is_likely_cause: bool
    after_alert: bool = False


class _Page(BaseModel):
    """``nextCursor`` is null, not absent, on the last page (as §8's)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, defer_build=True)

    next_cursor: str | None


class AlertPage(_Page):
    items: list[ListedAlert]


class AlertsOfChangePage(_Page):
    items: list[AlertOfChange]


@dataclass(frozen=True)
class Listing:
    """One entry of an alert in one listing: its ``listPK`` and what it shows (JSON)."""

    partition: str
    shown: str


@dataclass(frozen=True)
class AlertListing:
    """Every listing entry of one alert, all sorted by ``sort_key``, and what filters combined
    with the partition's own are matched against."""

    sort_key: str
    entries: list[Listing]
    alert_source_id: str | None
    service: str | None
    team_ids: list[str]
    verdicts: int
    """How many of its changes a standing verdict judges (§18), shown by every entry."""


def _owners(enrichment: Enrichment, service: str | None, team_ids: list[str]) -> list[str]:
    source_id = enrichment.alert_source_id
    owners = [keys.ALERT_LISTING_ACCOUNT]
    owners += [keys.alert_listing_owner("SOURCE", source_id)] if source_id else []
    owners += [keys.alert_listing_owner("SERVICE", service)] if service else []
    return owners + [keys.alert_listing_owner("TEAM", team_id) for team_id in team_ids]


def _service_of(enrichment: Enrichment) -> str | None:
    """The alert's ``service`` label, in the form the catalog compares names in (§17)."""
    label = enrichment.alert.labels.get("service", "") if enrichment.alert else ""
    return service_key(label) if label.strip() else None


def _source_of(enrichment: Enrichment) -> ListedSource | None:
    source = enrichment.alert.alert_source if enrichment.alert else None
    return ListedSource(id=source.id, name=source.name, integration_type=source.integration_type) if source else None


def _shown(enrichment: Enrichment, report_time: datetime) -> ListedAlert:
    cause = next((item for item in enrichment.deployments if item.id == enrichment.likely_cause), None)
    return ListedAlert(
        alert_id=enrichment.alert_id,
        summary=enrichment.alert.summary if enrichment.alert else None,
        report_time=report_time,
        source=_source_of(enrichment),
        scope=enrichment.scope,
        claiming_teams=enrichment.claiming_teams,
        likely_cause=LikelyCauseSummary(id=cause.id, summary=cause.summary, score=cause.score) if cause else None,
        ambiguous=enrichment.ambiguous,
        deployments=len(enrichment.deployments),
    )


def _of_change(enrichment: Enrichment, report_time: datetime, change: RelatedDeployment) -> Listing:
    shown = AlertOfChange(
        alert_id=enrichment.alert_id,
        summary=enrichment.alert.summary if enrichment.alert else None,
        report_time=report_time,
        source=_source_of(enrichment),
        score=change.score,
        confidence=change.confidence,
        is_likely_cause=change.id == enrichment.likely_cause,
        after_alert=bool(change.after_alert),
    )
    return Listing(keys.change_alerts_listing(change.id), shown.model_dump_json(by_alias=True))


def listing_of(enrichment: Enrichment) -> AlertListing:
    """Where one enrichment lists its alert: the owners' partitions (and their likely twins) and
    one entry per change it names, each with that change's score."""
    report_time = enrichment.alert.report_time if enrichment.alert else enrichment.correlated_at
    service = _service_of(enrichment)
    team_ids = list(dict.fromkeys(team.id for team in enrichment.claiming_teams))[:MAX_LISTED_TEAMS]
    owners = _owners(enrichment, service, team_ids)
    shown = _shown(enrichment, report_time)
    text = shown.model_dump_json(by_alias=True, exclude={"verdicts"})
    entries = [Listing(keys.alert_listing(owner), text) for owner in owners]
    entries += [Listing(keys.alert_listing(owner, likely=True), text) for owner in owners if shown.likely_cause]
    changes = {change.id: change for change in enrichment.deployments}
    entries += [_of_change(enrichment, report_time, change) for change in changes.values()]
    return AlertListing(
        sort_key=keys.alert_listing_sort_key(report_time, enrichment.alert_source_id, enrichment.alert_id),
        entries=entries,
        alert_source_id=enrichment.alert_source_id,
        service=service,
        team_ids=team_ids,
        verdicts=sum(1 for change in enrichment.deployments if change.verdict is not None),
    )
