"""The deployer's direct message (§21): when an alert names a watched deployment as its likely
cause, the person who shipped it hears first, through a ``SLACK_APP`` target of the alert's source.

A follow-up of the notify path (``shared.logic.notify``), claimed once per (alert, deployment) as
any notification is: ``users.lookupByEmail`` on the deployment's ``userEmail``, then
``chat.postMessage`` to the user. A lookup that finds no one (``users_not_found``) is a final
answer about the person: the claim is settled with a note saying so (as a folded notification is,
§18), so no later enrichment of the alert asks again. Other failures (a missing scope, a revoked
token) can be fixed: they fail the claim, which a redrive or a later enrichment tries again.
"""

from __future__ import annotations

from datetime import datetime

from shared.adapters import slack_api
from shared.adapters.notify_http import DeliveryResult
from shared.adapters.store import events as event_store
from shared.domain.models.alerts import Enrichment, RelatedDeployment
from shared.domain.models.notifications import NotificationTarget, SlackAppTarget
from shared.domain.notifications.context import NotificationContext
from shared.domain.watch import not_watched_because, within_watch
from shared.logic.slack_app import Delivery, HeldClaim, Send
from shared.settings import notify_settings, watch_settings

NO_SUCH_USER = "users_not_found"
NO_SUCH_USER_NOTE = "no Slack user has the deployment's e-mail address (users_not_found): no direct message"
CLAIM_PREFIX = "watch."
"""The claim of a direct message: ``watch.<eventId>``, one per (alert, deployment)."""


def _watched_cause(enrichment: Enrichment) -> RelatedDeployment | None:
    """The likely cause, when it is a watched deployment and the alert began in its watch."""
    cause = next((change for change in enrichment.deployments if change.id == enrichment.likely_cause), None)
    if cause is None or enrichment.alert is None:
        return None
    if not_watched_because(cause.kind, cause.environment, cause.status) is not None:
        return None
    return cause if within_watch(cause.timestamp, enrichment.alert.report_time, watch_settings().window) else None


def message_text(cause: RelatedDeployment, context: NotificationContext, alert_onset: datetime) -> str:
    alert = context.alert_summary or context.alert_id
    return (
        f"Your deployment {cause.summary!r} looks like the likely cause of the alert {alert!r} "
        f"(score {cause.score:.2f}), which began at {alert_onset:%H:%M} UTC: {context.page_url}"
    )


def _direct_message(target: SlackAppTarget, email: str, text: str) -> Send:
    def send(claimed: HeldClaim) -> DeliveryResult:
        base_url = notify_settings().slack_api_url
        found = slack_api.lookup_user(target.bot_token, base_url, email, claimed.renew)
        if found.user_id is None and f"({NO_SUCH_USER})" in (found.result.error or ""):
            return DeliveryResult("delivered", found.result.http_status, NO_SUCH_USER_NOTE)
        if found.user_id is None:
            return found.result
        payload = {"channel": found.user_id, "text": text}
        return slack_api.call("chat.postMessage", target.bot_token, base_url, payload, claimed.renew).result

    return send


def deployer_messages(
    enrichment: Enrichment, targets: list[NotificationTarget], context: NotificationContext
) -> list[Delivery]:
    """The direct message to the deployer, through the source's first ``SLACK_APP`` target; none
    when the alert does not make a watched deployment suspect, no Slack app can send it, or the
    deployment names no e-mail (one GetItem of the event, only for a suspect one)."""
    slack_app = next((target for target in targets if isinstance(target, SlackAppTarget)), None)
    cause = _watched_cause(enrichment) if slack_app is not None else None
    if slack_app is None or cause is None or enrichment.alert is None:
        return []
    stored = event_store.get_event(cause.id)
    email = stored.event.user_email if stored else None
    if email is None:
        return []
    text = message_text(cause, context, enrichment.alert.report_time)
    return [(slack_app, f"{CLAIM_PREFIX}{cause.id}", _direct_message(slack_app, email, text))]
