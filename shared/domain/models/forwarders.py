"""Forwarders (§21): where every accepted change of a pipeline is sent, once each. Like §13's
notification targets, their secrets (tokens, keys, URLs) are write-only and stored sealed (§22):
a stored forwarder keeps in clear only what reads show of it."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter

from shared.domain.models.common import ApiModel, HttpUrl, UtcTime
from shared.domain.models.outbound import HeaderSecret, SealedOutbound, SigningSecret, Skipped, TargetUrl, valid_entries
from shared.domain.models.sealed import Open, Seal, SecretPlace
from shared.domain.redaction import TargetType, redacted_target

MAX_FORWARDERS = 5
FORWARDER_TYPES = ("GRAFANA_ANNOTATION", "PAGERDUTY_CHANGE", "ILERT_DEPLOYMENT", "DATADOG_EVENT", "WEBHOOK")
GrafanaTag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
DatadogSite = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-]{0,62}[a-z0-9]$")]
"""A Datadog site's domain (``datadoghq.com``, ``us5.datadoghq.com``, ``datadoghq.eu``)."""


class GrafanaAnnotationForwarder(ApiModel):
    type: Literal["GRAFANA_ANNOTATION"]
    url: TargetUrl
    """Grafana's base URL (``https://grafana.example.com``)."""
    token: HeaderSecret = Field(repr=False)
    """A service account token, sent as ``Authorization: Bearer``."""
    dashboard_uid: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,40}$")] | None = None
    tags: Annotated[list[GrafanaTag], Field(max_length=10)] = Field(default_factory=list)


class PagerDutyChangeForwarder(ApiModel):
    type: Literal["PAGERDUTY_CHANGE"]
    routing_key: HeaderSecret = Field(repr=False)


class IlertDeploymentForwarder(ApiModel):
    type: Literal["ILERT_DEPLOYMENT"]
    integration_key: HeaderSecret = Field(repr=False)


class DatadogEventForwarder(ApiModel):
    type: Literal["DATADOG_EVENT"]
    site: DatadogSite | HttpUrl = Field(repr=False)
    """A Datadog site, or a full base URL (a proxy's, a test's)."""
    api_key: HeaderSecret = Field(repr=False)


class WebhookForwarder(ApiModel):
    type: Literal["WEBHOOK"]
    url: TargetUrl
    secret: SigningSecret = Field(repr=False)


Forwarder = Annotated[
    GrafanaAnnotationForwarder
    | PagerDutyChangeForwarder
    | IlertDeploymentForwarder
    | DatadogEventForwarder
    | WebhookForwarder,
    Field(discriminator="type"),
]
Forwarders = Annotated[list[Forwarder], Field(max_length=MAX_FORWARDERS)]


class SealedForwarder(SealedOutbound):
    """A forwarder as stored."""


StoredForwarder = Forwarder | SealedForwarder
"""A stored forwarder: sealed, or in plain text in a record that is about to be sealed."""


class ForwarderView(ApiModel):
    """A forwarder as reads show it: its type and a redacted address, never a secret."""

    type: str
    target: str


@cache
def _forwarder_adapter() -> TypeAdapter[Forwarder]:
    return TypeAdapter(Forwarder, config=ConfigDict(hide_input_in_errors=True))


def address_of(forwarder: Forwarder) -> str:
    """What a forwarder is addressed by, for its id and (redacted) for reads."""
    if isinstance(forwarder, GrafanaAnnotationForwarder | WebhookForwarder):
        return str(forwarder.url)
    if isinstance(forwarder, DatadogEventForwarder):
        return f"{forwarder.site}\n{forwarder.api_key}"
    if isinstance(forwarder, PagerDutyChangeForwarder):
        return forwarder.routing_key
    return forwarder.integration_key


def forwarder_id(forwarder: Forwarder) -> str:
    """Stable for the same forwarder, so a change's claim on it survives a pipeline's update."""
    return hashlib.sha256(f"{forwarder.type}\n{address_of(forwarder)}".encode()).hexdigest()[:24]


def forwarder_view(forwarder: StoredForwarder) -> ForwarderView:
    """A forwarder as reads show it: its type and a redacted address, never a secret."""
    if isinstance(forwarder, SealedForwarder):
        return ForwarderView(type=forwarder.type, target=forwarder.target)
    if isinstance(forwarder, DatadogEventForwarder):
        site = forwarder.site
        shown = redacted_target(TargetType.WEBHOOK, site) if "://" in site else site
        return ForwarderView(type=forwarder.type, target=shown)
    if isinstance(forwarder, GrafanaAnnotationForwarder | WebhookForwarder):
        return ForwarderView(type=forwarder.type, target=redacted_target(TargetType.WEBHOOK, str(forwarder.url)))
    return ForwarderView(type=forwarder.type, target=redacted_target(TargetType.ILERT, address_of(forwarder)))


def sealed_forwarder(forwarder: StoredForwarder, place: SecretPlace, seal: Seal) -> SealedForwarder:
    """The forwarder as it is stored; one already sealed stays as it is."""
    if isinstance(forwarder, SealedForwarder):
        return forwarder
    view = forwarder_view(forwarder)
    plaintext = _forwarder_adapter().dump_json(forwarder, by_alias=True).decode()
    return SealedForwarder(type=view.type, target=view.target, sealed=seal(plaintext, place))


def opened_forwarder(forwarder: StoredForwarder, place: SecretPlace, open_secret: Open) -> Forwarder:
    """The forwarder to send to."""
    if not isinstance(forwarder, SealedForwarder):
        return forwarder
    return _forwarder_adapter().validate_json(open_secret(forwarder.sealed, place))


def valid_forwarders(configured: str) -> tuple[tuple[Forwarder, ...], list[Skipped]]:
    """The valid forwarders of a JSON list (``DefaultForwarders``), each checked on its own, and
    the entries skipped, named by position and type, never by what they hold (§22)."""
    return valid_entries(configured, _forwarder_adapter(), FORWARDER_TYPES, MAX_FORWARDERS)


class ForwardStatus(ApiModel):
    """``GET /api/deployment-events/{id}/forwards``: how one forwarder took the change."""

    type: str
    target: str
    status: Literal["delivered", "failed", "pending"]
    attempts: int
    last_error: str | None = None
    delivered_at: UtcTime | None = None
    failed_tag: Literal["delivered", "failed", "pending"] | None = None
    """A Grafana annotation's ``failed`` tag (§19), once the change was found failed."""
