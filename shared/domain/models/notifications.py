"""Notification targets (§13): where an alert source's enrichments are posted. Every secret
in them (a Slack webhook URL, a PagerDuty token, an ilert key, a webhook secret) is write-only."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from shared.domain.models.common import ApiModel, HttpUrl, UtcTime
from shared.domain.models.deployments import Email
from shared.domain.redaction import TargetType, redacted_target

MAX_TARGETS = 5
Secret = Annotated[str, Field(min_length=1, max_length=1024)]
"""Every secret field is also ``repr=False``: debug logs of a request never show it."""


class SlackTarget(ApiModel):
    type: Literal["SLACK"]
    webhook_url: HttpUrl = Field(repr=False)
    """The incoming webhook's URL is its secret."""
    always: bool = False
    """Post even when no deployment is related."""


class PagerDutyTarget(ApiModel):
    type: Literal["PAGERDUTY"]
    api_token: Secret = Field(repr=False)
    from_email: Email


class IlertTarget(ApiModel):
    type: Literal["ILERT"]
    integration_key: Secret = Field(repr=False)


class WebhookTarget(ApiModel):
    type: Literal["WEBHOOK"]
    url: HttpUrl
    secret: Secret = Field(repr=False)


ClaimStatus = Literal["delivered", "failed", "pending"]

NotificationTarget = Annotated[SlackTarget | PagerDutyTarget | IlertTarget | WebhookTarget, Field(discriminator="type")]
NotificationTargets = Annotated[list[NotificationTarget], Field(max_length=MAX_TARGETS)]


@cache
def targets_adapter() -> TypeAdapter[list[NotificationTarget]]:
    """Built on first use, like the models' deferred schemas: cold starts that read no targets skip it."""
    return TypeAdapter(list[NotificationTarget])


def target_of(target: NotificationTarget) -> str:
    """What a target is addressed by, for its id and (redacted) for reads."""
    if isinstance(target, SlackTarget):
        return str(target.webhook_url)
    if isinstance(target, WebhookTarget):
        return str(target.url)
    if isinstance(target, PagerDutyTarget):
        return str(target.from_email)
    return "ilert:" + target.integration_key


def target_id(target: NotificationTarget) -> str:
    """Stable for the same target, so an alert's claim on it survives re-correlation."""
    return hashlib.sha256(f"{target.type}\n{target_of(target)}".encode()).hexdigest()[:24]


class TargetView(ApiModel):
    """A target as reads show it: its type and a redacted address, never a secret."""

    type: str
    target: str
    always: bool | None = None


def view_of(target: NotificationTarget) -> TargetView:
    always = target.always if isinstance(target, SlackTarget) else None
    redacted = redacted_target(TargetType(target.type), target_of(target))
    return TargetView(type=target.type, target=redacted, always=always)


class NotificationStatus(ApiModel):
    """``GET /api/alerts/{id}/notifications``: how one target of an alert was notified."""

    type: str
    target: str
    status: ClaimStatus
    attempts: int
    last_error: str | None = None
    delivered_at: UtcTime | None = None


class NotificationClaim(ApiModel):
    """The stored claim on (alert, target): taken before sending, its outcome recorded after."""

    target_id: str
    type: str
    target: str
    status: ClaimStatus
    attempts: int = 0
    """Requests made to the target, retries included."""
    invocations: int = 0
    """Invocations that took the claim since it was last opened: the last one fails it."""
    holder: str | None = None
    """The random id of the claim's current holder: only it may renew or settle the claim."""
    invocation: str | None = None
    """The Lambda request id that took it last; Lambda keeps it across its own retries, so a
    failed claim is reopened by a redrive (another id), not by a retry of the same invocation."""
    lease_until: datetime | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
