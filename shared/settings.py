"""Configuration from environment variables, validated once per container (cold start).

Each concern has its own small model so a function only needs the variables it uses.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from shared.domain.correlation import CorrelationRules
    from shared.domain.models.forwarders import Forwarder
    from shared.domain.models.notifications import NotificationTarget
    from shared.domain.models.outbound import Entry, Skipped
    from shared.domain.relevance.weights import RelevanceWeights


class _EnvironmentSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True, defer_build=True)
    """A missing variable is named, and the environment (which holds credentials) never printed."""


class StoreSettings(_EnvironmentSettings):
    table_name: str = Field(alias="TABLE_NAME", min_length=1)
    retention_days: int = Field(alias="RETENTION_DAYS", default=90, ge=1, le=3650)


class BusSettings(_EnvironmentSettings):
    event_bus_name: str = Field(alias="EVENT_BUS_NAME", min_length=1)
    alert_event_source: str = Field(alias="ALERT_EVENT_SOURCE", min_length=1)


class AccessSettings(_EnvironmentSettings):
    admin_token_parameter: str = Field(alias="ADMIN_TOKEN_PARAMETER", min_length=1)
    public_base_url: str = Field(alias="PUBLIC_BASE_URL", default="")


class CorrelationSettings(_EnvironmentSettings):
    team_lookback_minutes: int = Field(alias="TEAM_LOOKBACK_MINUTES", default=10080, ge=1, le=525600)
    account_lookback_minutes: int = Field(alias="ACCOUNT_LOOKBACK_MINUTES", default=120, ge=1, le=525600)
    max_related_deployments: int = Field(alias="MAX_RELATED_DEPLOYMENTS", default=3, ge=1, le=20)
    relevance_weights: str = Field(alias="RELEVANCE_WEIGHTS", default="")


class FailureSettings(_EnvironmentSettings):
    hotfix_pattern: str = Field(alias="HOTFIX_PATTERN", default="")


class AlertIntakeSettings(_EnvironmentSettings):
    alerts_per_minute: int = Field(alias="ALERTS_PER_MINUTE", default=2000, ge=1000, le=1_000_000)
    """Per alert source (§22); at least one delivery's 1,000 alerts, so one always fits an idle source."""


class SlackSettings(_EnvironmentSettings):
    slack_signing_secret_parameter: str = Field(
        alias="SLACK_SIGNING_SECRET_PARAMETER", default="/deployment-events/slack-signing-secret", min_length=1
    )
    """The SSM SecureString holding the Slack app's signing secret (§18)."""


class SecretsSettings(_EnvironmentSettings):
    secrets_key_arn: str = Field(alias="SECRETS_KEY_ARN", min_length=1)
    """The stack's KMS key that seals secrets at rest (§22)."""


class AlarmSettings(_EnvironmentSettings):
    alarm_team_tag_key: str = Field(alias="ALARM_TEAM_TAG_KEY", default="team", min_length=1)


class WatchSettings(_EnvironmentSettings):
    watch_minutes: int = Field(alias="WATCH_MINUTES", default=30, ge=1, le=1440)
    """How long a fresh production deployment is watched (§21)."""

    @property
    def window(self) -> timedelta:
        return timedelta(minutes=self.watch_minutes)


class NotifySettings(_EnvironmentSettings):
    enrichment_webhook_url: str = Field(alias="ENRICHMENT_WEBHOOK_URL", default="")
    enrichment_webhook_secret_parameter: str = Field(alias="ENRICHMENT_WEBHOOK_SECRET_PARAMETER", default="")
    default_notifications: str = Field(alias="DEFAULT_NOTIFICATIONS", default="")
    pagerduty_api_url: str = Field(alias="PAGERDUTY_API_URL", default="https://api.pagerduty.com")
    ilert_api_url: str = Field(alias="ILERT_API_URL", default="https://api.ilert.com")
    slack_api_url: str = Field(alias="SLACK_API_URL", default="https://slack.com/api/")
    public_base_url: str = Field(alias="PUBLIC_BASE_URL", default="")
    api_url: str = Field(alias="API_URL", default="")
    notifications_per_minute: int = Field(alias="NOTIFICATIONS_PER_MINUTE", default=20, ge=1, le=1000)
    fold_queue_url: str = Field(alias="FOLD_QUEUE_URL", default="")
    """The delay queue that hands each minute's folded alerts back once the minute is over (§18)."""

    @property
    def public_url(self) -> str:
        """Where the alert's page is: ``PublicBaseUrl``, else the API's own URL."""
        return self.public_base_url or self.api_url


class ForwardSettings(_EnvironmentSettings):
    """§21's forwarders: the defaults for pipelines without any, and where the vendors are."""

    default_forwarders: str = Field(alias="DEFAULT_FORWARDERS", default="")
    forwards_by_default: bool = Field(alias="FORWARDS_BY_DEFAULT", default=False)
    """Ingest's one bit of ``DefaultForwarders``: whether it is set, never its secrets."""
    pagerduty_events_url: str = Field(alias="PAGERDUTY_EVENTS_URL", default="https://events.pagerduty.com")
    ilert_api_url: str = Field(alias="ILERT_API_URL", default="https://api.ilert.com")


@cache
def forward_settings() -> ForwardSettings:
    return ForwardSettings.model_validate(os.environ)


@cache
def default_forwarders() -> tuple[Forwarder, ...]:
    """``DefaultForwarders``, read once per container, each invalid entry skipped (§22)."""
    from shared.domain.models.forwarders import valid_forwarders  # noqa: PLC0415 - forward and ingest only

    return _reported("DefaultForwarders", *valid_forwarders(forward_settings().default_forwarders))


@cache
def store_settings() -> StoreSettings:
    return StoreSettings.model_validate(os.environ)


@cache
def bus_settings() -> BusSettings:
    return BusSettings.model_validate(os.environ)


@cache
def access_settings() -> AccessSettings:
    return AccessSettings.model_validate(os.environ)


@cache
def correlation_rules() -> CorrelationRules:
    """§5's lookbacks and limit, §17's weights; imported here only by the function that correlates."""
    from shared.domain.correlation import CorrelationRules  # noqa: PLC0415

    configured = CorrelationSettings.model_validate(os.environ)
    return CorrelationRules(
        team_lookback=timedelta(minutes=configured.team_lookback_minutes),
        account_lookback=timedelta(minutes=configured.account_lookback_minutes),
        max_related=configured.max_related_deployments,
        weights=_relevance_weights(configured.relevance_weights),
    )


def _relevance_weights(text: str) -> RelevanceWeights:
    """``RelevanceWeights``; an invalid value leaves the defaults in place with an error line and
    a metric, so a typo cannot stop correlation (§22)."""
    from shared.domain.errors import DomainError  # noqa: PLC0415
    from shared.domain.relevance.weights import DEFAULT_WEIGHTS, weights_from_json  # noqa: PLC0415
    from shared.observability import count, logger  # noqa: PLC0415

    try:
        return weights_from_json(text)
    except DomainError as error:
        count("RelevanceWeightsInvalid")
        logger.error("RelevanceWeights is invalid; the default weights are used", extra={"problem": error.message})
        return DEFAULT_WEIGHTS


@cache
def hotfix_pattern() -> re.Pattern[str]:
    """``HotfixPattern`` (§19), compiled at the ingest function's start; one that does not compile
    leaves the default in place with an error line and a metric, so a typo cannot stop ingest."""
    from shared.domain.failures import DEFAULT_HOTFIX_PATTERN  # noqa: PLC0415
    from shared.observability import count, logger  # noqa: PLC0415

    configured = FailureSettings.model_validate(os.environ).hotfix_pattern or DEFAULT_HOTFIX_PATTERN
    try:
        return re.compile(configured)
    except re.error as error:
        count("HotfixPatternInvalid")
        logger.error("HotfixPattern is invalid; the default is used", extra={"problem": type(error).__name__})
        return re.compile(DEFAULT_HOTFIX_PATTERN)


@cache
def alert_intake_settings() -> AlertIntakeSettings:
    return AlertIntakeSettings.model_validate(os.environ)


@cache
def slack_settings() -> SlackSettings:
    return SlackSettings.model_validate(os.environ)


@cache
def secrets_settings() -> SecretsSettings:
    return SecretsSettings.model_validate(os.environ)


@cache
def alarm_settings() -> AlarmSettings:
    return AlarmSettings.model_validate(os.environ)


@cache
def watch_settings() -> WatchSettings:
    return WatchSettings.model_validate(os.environ)


@cache
def notify_settings() -> NotifySettings:
    return NotifySettings.model_validate(os.environ)


@cache
def default_notification_targets() -> tuple[NotificationTarget, ...]:
    """``DefaultNotifications``, read once per container, each invalid entry skipped (§22), so
    one mistake cannot stop every notification."""
    from shared.domain.models.notifications import valid_targets  # noqa: PLC0415 - the notify function's only

    return _reported("DefaultNotifications", *valid_targets(notify_settings().default_notifications))


def _reported(parameter: str, entries: tuple[Entry, ...], skipped: list[Skipped]) -> tuple[Entry, ...]:
    """Each skipped entry counted and logged by its position and type, never by what it holds
    (its tokens)."""
    from shared.observability import count, logger  # noqa: PLC0415

    for entry in skipped:
        count(f"{parameter}Skipped")
        logger.warning(
            f"{parameter}: entry skipped",
            extra={"position": entry.position, "type": entry.entry_type, "problems": entry.problems},
        )
    return entries


def reset_settings_cache() -> None:
    """For tests and the local runner, which change the environment between 'cold starts'."""
    loaders = (store_settings, bus_settings, access_settings, correlation_rules, alarm_settings, notify_settings)
    others = (alert_intake_settings, slack_settings, secrets_settings, watch_settings, default_notification_targets)
    for loader in (*loaders, forward_settings, default_forwarders, *others, hotfix_pattern):
        loader.cache_clear()
