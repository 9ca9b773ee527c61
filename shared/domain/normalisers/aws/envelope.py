"""What every AWS service's deployment event shares: EventBridge's envelope, the change read from
it before its tags are known, and the states that order one deployment's events (§20)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from shared.domain.models.deployments import Revision
from shared.domain.normalisers.common import NormalisedEvent, parse_time_field
from shared.domain.payloads import PayloadModel

IN_PROGRESS, SUCCESS, FAILURE = "in_progress", "success", "failure"
CANCELLED = "cancelled"
"""Ended before it changed anything: not a failed change for §19, and not a success either."""
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
ROLLING_BACK = re.compile(r"rolling back to deploymentId (?P<target>[^\s]+?)\.?$")


class AwsEvent(PayloadModel):
    """EventBridge's envelope, as every AWS service puts it on the default bus."""

    id: Name
    detail_type: Name = Field(alias="detail-type")
    source: Name
    account: Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
    time: Name
    region: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,32}$")]
    resources: list[Annotated[str, StringConstraints(max_length=2048)]] = Field(default_factory=list)
    detail: dict[str, Any]


@dataclass(frozen=True)
class AwsChange:
    """A change read from an event, before its tags are known."""

    account: str
    change: NormalisedEvent
    tagged: tuple[str, ...]
    """The ARNs whose ``team`` and ``environment`` tags apply, least specific first."""
    environment: str | None = None
    """The environment when no tag names one (AppConfig's own environment)."""


@dataclass(frozen=True)
class State:
    """One state of a deployment: the status it maps to, and its rank among states of the same second."""

    status: str
    rank: int


def state_revision(state_name: str, state: State, at: str) -> Revision:
    when = parse_time_field(at, "time")
    return Revision(at=when, tiebreak=str(state.rank), identity=f"{state_name}@{when.isoformat()}")


def arn_of(event: AwsEvent, marker: str) -> str | None:
    return next((resource for resource in event.resources if marker in resource), None)


def partition_of(event: AwsEvent) -> str:
    first = event.resources[0] if event.resources else ""
    return first.split(":")[1] if first.count(":") >= 5 and first.split(":")[1] else "aws"


def console_url(event: AwsEvent, path: str) -> str:
    return f"https://{event.region}.console.aws.amazon.com/{path}?region={event.region}"
