"""Deployment events (§3): the facts of a change, the generic API's body and the stored event."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from shared.domain.models.common import ApiModel, Link, UtcTime, not_blank
from shared.domain.models.failures import Failure
from shared.domain.models.pipelines import IntegrationType
from shared.domain.models.signals import ChangeSignals
from shared.domain.timestamps import parse_timestamp

SUMMARY_MAX_LENGTH = 1024
FACT_MAX_LENGTH = 512
MAX_LINKS = 50
CUSTOM_DETAILS_MAX_DEPTH = 32
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EventKind(StrEnum):
    RELEASE = "release"
    MERGE = "merge"
    PUSH = "push"
    DEPLOYMENT = "deployment"
    WORKFLOW = "workflow"
    CUSTOM = "custom"
    FLAG = "flag"
    """A feature flag turned on or off, or what it serves changed, in an environment (§20)."""
    INFRA = "infra"
    """Infrastructure applied, such as a Terraform run (§20)."""


def _valid_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value


def cut_summary(summary: str) -> str:
    return summary[:SUMMARY_MAX_LENGTH]


def _deeper_than(value: object, limit: int) -> bool:
    """Whether objects and arrays nest more than ``limit`` levels; without recursion, so any body
    the JSON parser accepted can be measured."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            pending.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _shallow(custom_details: dict[str, Any]) -> dict[str, Any]:
    """Custom details are stored and listed as sent; pydantic serializes about 250 levels at most,
    so a deeper body was accepted by validation and then failed to be stored (a 500)."""
    if _deeper_than(custom_details, CUSTOM_DETAILS_MAX_DEPTH):
        raise ValueError(f"is nested deeper than {CUSTOM_DETAILS_MAX_DEPTH} levels")
    return custom_details


SenderTime = Annotated[datetime, BeforeValidator(parse_timestamp, json_schema_input_type=float | datetime)]
"""Epoch seconds, epoch milliseconds or ISO-8601, as §3 allows; always UTC once parsed.
The input type documents the numbers too, so OpenAPI clients and the fuzzer send both."""
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320), AfterValidator(_valid_email)]
Summary = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(not_blank), AfterValidator(cut_summary)
]
CustomDetails = Annotated[dict[str, Any], AfterValidator(_shallow)]


FactText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=FACT_MAX_LENGTH), AfterValidator(not_blank)
]
Links = Annotated[list[Link], Field(max_length=MAX_LINKS)]


class ChangeFacts(ApiModel):
    """What a change is, declared once: the generic API's fields, the stored and listed event,
    the normalisers' output and each related deployment of an enrichment all carry these."""

    repository: FactText | None = None
    service: FactText | None = None
    environment: FactText | None = None
    version: FactText | None = None
    commit_sha: FactText | None = None
    branch: FactText | None = None
    status: FactText | None = None
    links: Links = Field(default_factory=list)


class DeploymentFacts(ChangeFacts):
    """The change plus who made it and the sender's free-form details; an enrichment leaves these
    out (they can be large, and a person's address has no place on the bus)."""

    user_name: FactText | None = None
    user_email: Email | None = None
    custom_details: CustomDetails = Field(default_factory=dict)


def change_facts(source: ChangeFacts) -> dict[str, Any]:
    """The change facts of an event or a normalised delivery, to build another model from them."""
    return {name: getattr(source, name) for name in ChangeFacts.model_fields}


def deployment_facts(source: DeploymentFacts) -> dict[str, Any]:
    return {name: getattr(source, name) for name in DeploymentFacts.model_fields}


class GenericEventRequest(DeploymentFacts):
    """The ilert-compatible body of ``POST /api/deployment-events``, plus our structured fields."""

    integration_key: str | None = None
    api_key: str | None = None
    summary: Summary
    timestamp: SenderTime | None = None
    dedup_key: Annotated[str, StringConstraints(min_length=1, max_length=512)] | None = None
    kind: Literal["rollback"] | None = Field(
        default=None,
        description="'rollback': this change rolled back the deployment before it, which is marked failed "
        "(§19); the stored event stays of kind custom.",
    )
    fixes: FactText | None = Field(
        default=None,
        description="The event id, or the version, of the change this one fixes; that change is marked failed (§19).",
    )


class DeploymentEvent(DeploymentFacts):
    """The one shape every source is normalised to, as stored and as listed."""

    id: str
    pipeline_id: str
    pipeline_name: str
    integration_type: IntegrationType
    kind: EventKind
    summary: str
    timestamp: UtcTime
    received_at: UtcTime
    teams: list[str]
    failure: Failure | None = None
    """Set when §19 detects that this change failed."""
    remediates: str | None = None
    """The id of the failed change this one rolled back, reverted or fixed (§19)."""
    signals: ChangeSignals | None = None
    """What this change says of earlier ones, kept so that later changes can be matched (§19)."""


class Revision(BaseModel):
    """Orders the states of one updatable event (a deployment's statuses).

    ``at`` then ``tiebreak`` decide which state is newer; ``identity`` tells a redelivery of the
    stored state (a duplicate) from a different state at the same time.
    """

    at: datetime
    tiebreak: str
    identity: str

    def is_newer_than(self, other: Revision) -> bool:
        return (self.at, self.tiebreak) > (other.at, other.tiebreak)


class EventPage(BaseModel):
    """A page of the overview; ``nextCursor`` is null, not absent, on the last page."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, defer_build=True)

    items: list[DeploymentEvent]
    next_cursor: str | None
