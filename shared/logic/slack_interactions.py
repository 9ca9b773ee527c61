"""``POST /api/v1/slack/interactions`` (§18): a click on a verdict button, checked as Slack signs
it and handed over through the bus as ``Verdict Given``, so Slack has its answer within its
3 seconds whatever recording the verdict takes."""

from __future__ import annotations

from datetime import datetime

from shared.adapters import bus
from shared.adapters.secrets import secure_parameter
from shared.domain.errors import Unauthorized
from shared.domain.models.alerts import OWN_EVENT_SOURCE
from shared.domain.models.bus_events import VERDICT_GIVEN, VerdictGiven
from shared.domain.requests import RawRequest, check_size
from shared.domain.slack_interactions import verdict_of, verify_signature
from shared.observability import logger
from shared.settings import slack_settings


def _signing_secret() -> str:
    """The app's signing secret; without one, no request can be Slack's (401, not a 500)."""
    try:
        return secure_parameter(slack_settings().slack_signing_secret_parameter)
    except Exception as error:  # noqa: BLE001 - named by type: the parameter is missing or unreadable
        logger.warning("the Slack signing secret cannot be read", extra={"error": type(error).__name__})
        raise Unauthorized("Slack interactions are not set up") from None


def take_interaction(request: RawRequest, now: datetime) -> VerdictGiven:
    """Checks, reads and publishes the verdict a click gave; raises 401, 400 or 413."""
    check_size(request)
    verify_signature(request, _signing_secret(), now)
    verdict = verdict_of(request.body)
    bus.publish(OWN_EVENT_SOURCE, VERDICT_GIVEN, verdict.to_json_dict())
    return verdict
