"""Alerts in (§4), the registry of alert resources, and enrichments out (§6)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)

from shared.domain.models.common import ApiModel, ResourceId, ShortText, Team, TeamList, UtcTime, not_blank
from shared.domain.models.deployments import ChangeFacts, EventKind, SenderTime
from shared.domain.models.notifications import TargetView
from shared.domain.models.pipelines import IntegrationType
from shared.domain.models.verdicts import VerdictKind
from shared.domain.payloads import number_as_text
from shared.domain.timestamps import FUTURE_TOLERANCE, utc_now

ALERT_CREATED = "Alert Created"
ALERT_CORRELATED = "Alert Correlated"
ALERT_ENRICHED = "Alert Enriched"
OWN_EVENT_SOURCE = "deployment-events"
"""The ``source`` of the events this system puts on the bus itself."""


MAX_ALERT_ID_LENGTH = 256
AlertId = Annotated[
    str,
    BeforeValidator(number_as_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ALERT_ID_LENGTH),
    AfterValidator(not_blank),
]
LabelValue = Annotated[str, BeforeValidator(number_as_text), StringConstraints(max_length=512)]
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _correlatable(report_time: datetime) -> datetime:
    """An alert's window reaches up to a year back and minutes ahead of it: near datetime's
    limits (year 1, year 9999) it cannot be computed, and the alert would be accepted and then
    fail on the bus forever. A time further ahead than events may be is a sender's mistake too."""
    if report_time > utc_now() + FUTURE_TOLERANCE:
        raise ValueError("is more than a day in the future")
    if report_time < UNIX_EPOCH:
        raise ValueError("is before 1970-01-01, the Unix epoch")
    return report_time


ReportTime = Annotated[SenderTime, AfterValidator(_correlatable)]
MAX_GROUP_KEY_LENGTH = 128
MAX_GROUP_SIZE = 1000
"""A delivery holds at most 1,000 alerts (§22)."""
GroupKey = Annotated[str, StringConstraints(min_length=1, max_length=MAX_GROUP_KEY_LENGTH, pattern=r"^[^#]+$")]
"""Bounded and free of the key separator: it goes into a DynamoDB key (``bounded_id``)."""


class AlertResource(ApiModel):
    """An alert source or escalation policy as the alert names it; teams may be left out."""

    id: ResourceId | None = None
    name: ShortText | None = None
    teams: TeamList | None = None
    integration_type: ShortText | None = None
    """Set by intake (§11): which kind of alert source the alert came through."""


class Alert(ApiModel):
    """The ``detail`` of an ``Alert Created`` event, and the body of ``POST /api/alerts``."""

    id: AlertId
    summary: Annotated[str, StringConstraints(max_length=4096)] | None = None
    report_time: ReportTime
    status: ShortText | None = None
    alert_key: ShortText | None = None
    """ilert's key of the alert, which a comment on it must name (§13)."""
    alert_source: AlertResource | None = None
    escalation_policy: AlertResource | None = None
    group_key: GroupKey | None = None
    """Alertmanager's and Grafana's ``groupKey``, in its id-safe form: the storm it belongs to (§18)."""
    group_size: Annotated[int, Field(ge=1, le=MAX_GROUP_SIZE)] | None = None
    """How many distinct firing alerts the delivery of its group carried (§18)."""
    labels: Annotated[dict[Annotated[str, StringConstraints(max_length=128)], LabelValue], Field(max_length=64)] = (
        Field(default_factory=dict)
    )

    @model_validator(mode="before")
    @classmethod
    def _unwrap_eventbridge_shape(cls, data: Any) -> Any:
        """``POST /api/alerts`` also takes an EventBridge-shaped body with the alert in ``detail``."""
        if isinstance(data, dict) and "id" not in data and isinstance(data.get("detail"), dict):
            return data["detail"]
        return data


class RegisteredResource(ApiModel):
    """Teams registered for an alert source or escalation policy (``PUT`` body)."""

    name: ShortText | None = None
    teams: TeamList = Field(default_factory=list)


class RegisteredResourceResponse(RegisteredResource):
    id: str
    updated_at: UtcTime
    notifications: list[TargetView] | None = None
    """An alert source's notification targets (§13), redacted."""


class Scope(StrEnum):
    TEAM = "TEAM"
    ACCOUNT = "ACCOUNT"


class PipelineRef(ApiModel):
    id: str
    name: str
    integration_type: IntegrationType


class Window(ApiModel):
    from_: UtcTime = Field(alias="from")
    until: UtcTime


LINKS_KEPT = 5
"""An enrichment keeps a deployment's first links only: enough to open the change (§22)."""
CUT_TEXT_LENGTH = 64
"""What each fact and link text is cut to when the essentials alone are too large for the bus."""
CUT_FACTS = ("repository", "service", "environment", "version", "commit_sha", "branch", "status", "summary")


def _cut(text: str | None) -> str | None:
    return text[:CUT_TEXT_LENGTH] if text else text


Confidence = Literal["likely", "possible", "unlikely"]
EVIDENCE_KEPT_WHEN_CUT = 3


class Evidence(ApiModel):
    """One of §17's terms as a responder reads it: what it says, and how much it moved the score."""

    code: str
    weight: float
    """The term's contribution to the change's log-odds: positive for, negative against."""
    text: str


class VerdictMark(ApiModel):
    """A responder's verdict on a listed change (§18), as the page and notifications show it."""

    verdict: VerdictKind
    author: str
    given_at: UtcTime


class RelatedDeployment(ChangeFacts):
    id: str
    summary: str
    pipeline: PipelineRef
    kind: EventKind
    timestamp: UtcTime
    reason: str
    score: float = Field(ge=0, le=1)
    """The estimated probability that this change caused the alert (§17)."""
    confidence: Confidence | None = None
    """Absent only from enrichments stored before §17's scores."""
    evidence: list[Evidence] = Field(default_factory=list)
    after_alert: Literal[True] | None = None
    """Set on a change that started after the alert's onset: shown, never the likely cause."""
    verdict: VerdictMark | None = None
    """A responder's verdict on this change for this alert (§18)."""
    model_score: float | None = Field(default=None, ge=0, le=1)
    """The model's score when verdicts overrule it (§18), kept so that withdrawing restores it."""

    def essentials(self) -> RelatedDeployment:
        """The deployment with its first links only: 50 links of 2 KB each would fill the bus."""
        return self.model_copy(update={"links": self.links[:LINKS_KEPT]})

    def cut(self) -> RelatedDeployment:
        """The essentials with every fact and link text cut to a few words."""
        links = [link.model_copy(update={"text": _cut(link.text)}) for link in self.links[:LINKS_KEPT]]
        cut_facts = {name: _cut(getattr(self, name)) for name in CUT_FACTS}
        return self.model_copy(update={"links": links, "evidence": self.evidence[:EVIDENCE_KEPT_WHEN_CUT], **cut_facts})


class AlertContext(ApiModel):
    """The alert an enrichment is about, as correlated: where it came from, the labels it was
    matched with, and what its notifications need (ilert's ``alertKey``)."""

    summary: str | None = None
    report_time: UtcTime
    alert_source: AlertResource | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    alert_key: str | None = None
    group_key: str | None = None
    """Set for Alertmanager's and Grafana's alerts: their notifications go out per group (§18)."""
    group_size: int | None = None


EnrichmentUpdate = Literal["verdict"]
_NULL_KEPT = frozenset({"likelyCause", "likely_cause"})


class AlertAddress(NamedTuple):
    """Where an alert's items are: the source it came through (None: it named none) and its id (§22)."""

    alert_source_id: str | None
    alert_id: str


class Enrichment(ApiModel):
    """What an alert is enriched with: stored, served, and published as ``Alert Enriched``."""

    alert_id: str
    alert: AlertContext | None = None
    """Absent only from enrichments stored before alerts carried their context."""
    scope: Scope
    claiming_teams: list[Team]
    window: Window
    deployments: list[RelatedDeployment]
    correlated_at: UtcTime
    likely_cause: str | None = None
    """The id of the change that most likely caused the alert, or null when none stands out (§17)."""
    ambiguous: bool = False
    no_likely_cause: str | None = None
    """Why no change is named, in one sentence, when ``likely_cause`` is null."""
    update: EnrichmentUpdate | None = None
    """On the bus only: what made an enrichment be published again (§18); never stored."""

    @model_serializer(mode="wrap")
    def _omit_missing_values(self, serialize: SerializerFunctionWrapHandler) -> dict[str, object]:
        """As every answer, except ``likelyCause``: its null says "no change stands out"."""
        values: dict[str, object] = serialize(self)
        return {name: value for name, value in values.items() if value is not None or name in _NULL_KEPT}

    @property
    def alert_source_id(self) -> str | None:
        """The source the alert came through, whose namespace it is stored in (§22)."""
        source = self.alert.alert_source if self.alert else None
        return source.id if source else None

    @property
    def address(self) -> AlertAddress:
        return AlertAddress(self.alert_source_id, self.alert_id)

    def json_bytes(self) -> int:
        return len(self.model_dump_json(by_alias=True).encode("utf-8"))

    def bounded(self, max_bytes: int) -> Enrichment:
        """What correlation keeps and publishes (§22): each deployment's essentials, and if
        those are still over ``max_bytes``, their facts cut. Past that (an alert with the largest
        labels), the event carries an ``EnrichmentReference`` instead."""
        essentials = self.model_copy(update={"deployments": [item.essentials() for item in self.deployments]})
        if essentials.json_bytes() <= max_bytes:
            return essentials
        return self.model_copy(update={"deployments": [item.cut() for item in self.deployments]})

    def reference(self) -> EnrichmentReference:
        return EnrichmentReference(
            alert_id=self.alert_id,
            alert_source_id=self.alert_source_id,
            correlated_at=self.correlated_at,
            stored=True,
            update=self.update,
        )


class EnrichmentReference(ApiModel):
    """An enrichment too large for the bus, as its event carries it: the alert it is about, and
    ``stored``; the consumer reads the stored enrichment, under the alert's source (§22)."""

    alert_id: str
    alert_source_id: str | None = None
    correlated_at: UtcTime
    stored: Literal[True]
    update: EnrichmentUpdate | None = None


EnrichmentOnBus = EnrichmentReference | Enrichment
"""The ``detail`` of ``Alert Correlated`` and ``Alert Enriched``: the enrichment, or a reference to it."""


class AlertAccepted(ApiModel):
    """``POST /api/alerts`` answers 202 with this once the alert is on the bus."""

    status: str = "accepted"
    alert_id: str
    event_id: str
