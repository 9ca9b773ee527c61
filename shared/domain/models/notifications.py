"""Notification targets (§13): where an alert source's enrichments are posted. Every secret
in them (a Slack webhook URL, a PagerDuty token, an ilert key, a webhook secret) is write-only,
and stored sealed (§22): a stored target keeps in clear only what reads show of it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, TypeAdapter

from shared.domain.models.common import ApiModel, UtcTime
from shared.domain.models.deployments import Email
from shared.domain.models.header_safe import HeaderToken
from shared.domain.models.outbound import HeaderSecret, SealedOutbound, SigningSecret, Skipped, TargetUrl, valid_entries
from shared.domain.models.sealed import Open, Seal, SecretPlace
from shared.domain.redaction import TargetType, redacted_target

MAX_TARGETS = 5
REGISTERED_SOURCE_KIND = "registered-alert-source"
"""The record kind sealed into the targets of an alert source registered by id (§4)."""


class SlackTarget(ApiModel):
    type: Literal["SLACK"]
    webhook_url: TargetUrl = Field(repr=False)
    """The incoming webhook's URL is its secret."""
    always: bool = False
    """Post even when no deployment is related."""


SLACK_BOT_TOKEN_PREFIX = "xoxb-"  # noqa: S105 - a prefix, not a secret
SlackChannel = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[#@]?[A-Za-z0-9._\-]+$")]
"""A channel's id (``C0123ABCD``) or name (``#deploys``), as ``chat.postMessage`` takes it."""


class SlackAppTarget(ApiModel):
    """A Slack app's bot (§18): it posts, keeps the message's ``ts`` and edits it later."""

    type: Literal["SLACK_APP"]
    bot_token: Annotated[HeaderSecret, Field(pattern=rf"^{SLACK_BOT_TOKEN_PREFIX}")] = Field(repr=False)
    """Sent as ``Authorization: Bearer``; only a bot token (``xoxb-``) posts as the app."""
    channel: SlackChannel


class PagerDutyTarget(ApiModel):
    type: Literal["PAGERDUTY"]
    api_token: HeaderSecret = Field(repr=False)
    from_email: Annotated[Email, HeaderToken]
    """PagerDuty's ``From`` header."""


class IlertTarget(ApiModel):
    type: Literal["ILERT"]
    integration_key: HeaderSecret = Field(repr=False)


class WebhookTarget(ApiModel):
    type: Literal["WEBHOOK"]
    url: TargetUrl
    secret: SigningSecret = Field(repr=False)


ClaimStatus = Literal["delivered", "failed", "pending"]

NotificationTarget = Annotated[
    SlackTarget | SlackAppTarget | PagerDutyTarget | IlertTarget | WebhookTarget, Field(discriminator="type")
]
NotificationTargets = Annotated[list[NotificationTarget], Field(max_length=MAX_TARGETS)]


class SealedTarget(SealedOutbound):
    always: bool | None = None


StoredTarget = NotificationTarget | SealedTarget
"""A stored target: sealed, or in plain text when it was stored before targets were sealed."""


@cache
def stored_targets_adapter() -> TypeAdapter[list[StoredTarget]]:
    """Built on first use, like the models' deferred schemas: cold starts that read no targets skip it."""
    return TypeAdapter(list[StoredTarget], config=ConfigDict(hide_input_in_errors=True))


def sealed_target(target: StoredTarget, place: SecretPlace, seal: Seal) -> SealedTarget:
    """The target as it is stored; one already sealed stays as it is."""
    if isinstance(target, SealedTarget):
        return target
    view = view_of(target)
    plaintext = _target_adapter().dump_json(target, by_alias=True).decode()
    return SealedTarget(type=view.type, target=view.target, always=view.always, sealed=seal(plaintext, place))


def opened_target(target: StoredTarget, place: SecretPlace, open_secret: Open) -> NotificationTarget:
    """The target to send to."""
    if not isinstance(target, SealedTarget):
        return target
    return _target_adapter().validate_json(open_secret(target.sealed, place))


@cache
def _target_adapter() -> TypeAdapter[NotificationTarget]:
    return TypeAdapter(NotificationTarget, config=ConfigDict(hide_input_in_errors=True))


TARGET_TYPES = ("SLACK", "SLACK_APP", "PAGERDUTY", "ILERT", "WEBHOOK")


def valid_targets(configured: str) -> tuple[tuple[NotificationTarget, ...], list[Skipped]]:
    """The valid targets of a JSON list (``DefaultNotifications``), each checked on its own, and the entries skipped."""
    return valid_entries(configured, _target_adapter(), TARGET_TYPES)


def target_of(target: NotificationTarget) -> str:
    """What a target is addressed by, for its id and (redacted) for reads."""
    if isinstance(target, SlackTarget):
        return str(target.webhook_url)
    if isinstance(target, WebhookTarget):
        return str(target.url)
    if isinstance(target, PagerDutyTarget):
        return str(target.from_email)
    if isinstance(target, SlackAppTarget):
        return "slack-app:" + target.channel
    return "ilert:" + target.integration_key


def target_id(target: NotificationTarget) -> str:
    """Stable for the same target, so an alert's claim on it survives re-correlation."""
    return hashlib.sha256(f"{target.type}\n{target_of(target)}".encode()).hexdigest()[:24]


class TargetView(ApiModel):
    """A target as reads show it: its type and a redacted address, never a secret."""

    type: str
    target: str
    always: bool | None = None


def view_of(target: StoredTarget) -> TargetView:
    if isinstance(target, SealedTarget):
        return TargetView(type=target.type, target=target.target, always=target.always)
    always = target.always if isinstance(target, SlackTarget) else None
    if isinstance(target, SlackAppTarget):
        return TargetView(type=target.type, target=target.channel)
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
