"""Alert storms (§18): a grouped alert's enrichment updates its group, and the group, not the
alert, decides whether a message goes out. Called from ``notify`` before any target is claimed.

The update is optimistic: read the group's version, merge, write only if the version is still the
one read, else read again. Of two enrichments of one group arriving together, the second merges
into what the first wrote, so at most one of them finds the signature new and becomes its sender.
The sender's claims are kept in its alert's partition under the target and the signature, so the
group's message for one signature is sent once per target, fenced as every claim (§22), and shown
by the sender alert's notification statuses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from shared.adapters.store import alert_groups
from shared.domain.models.alerts import AlertAddress, Enrichment
from shared.domain.notifications.context import GroupView, NotificationContext
from shared.domain.storm import GroupState

MERGE_ATTEMPTS = 25
"""One per enrichment that may write the group at the same moment; then the invocation is retried."""


class GroupBusy(Exception):
    """The group changed under every attempt: the invocation is retried, nothing was sent."""


@dataclass(frozen=True)
class GroupNotice:
    """What a grouped alert's enrichment sends: nothing, or the group's message for a signature."""

    sends: bool
    signature: str | None
    enrichment: Enrichment
    """The group's changes over the sender's enrichment: what its message is made from."""
    view: GroupView


def is_grouped(enrichment: Enrichment) -> bool:
    return bool(enrichment.alert and enrichment.alert.group_key and enrichment.alert.group_size)


def group_notice(enrichment: Enrichment, now: datetime) -> GroupNotice | None:
    """The group updated with this enrichment, and whether this alert sends its message; None for
    an alert that belongs to no group (notified alone, as before)."""
    if not is_grouped(enrichment) or enrichment.alert is None:
        return None
    group_key, size = str(enrichment.alert.group_key), int(enrichment.alert.group_size or 1)
    source = enrichment.alert_source_id
    for _ in range(MERGE_ATTEMPTS):
        current = alert_groups.load(source, group_key)
        merged = current.merged(enrichment, size)
        if merged == current or alert_groups.replace_if_current(source, group_key, merged, now):
            return _notice(merged, enrichment, group_key)
    raise GroupBusy("the alert's group changed under every attempt")


@dataclass(frozen=True)
class JudgedMessage:
    """The message a verdict edits, and the alert whose claims keep where it was posted."""

    context: NotificationContext
    posted_by: AlertAddress


def judged_message(enrichment: Enrichment, context: NotificationContext, update: str | None) -> JudgedMessage:
    """After a verdict (``update``) on a grouped alert, its group's message (the count, the
    summaries and the group's changes with the verdict applied), posted by the group's sender;
    read only, so a verdict never makes a group send again. Otherwise the alert's own message."""
    if update is None or not is_grouped(enrichment) or enrichment.alert is None:
        return JudgedMessage(context, enrichment.address)
    group_key = str(enrichment.alert.group_key)
    state = alert_groups.load(enrichment.alert_source_id, group_key)
    grouped = replace(context, enrichment=state.judged(enrichment), group=state.view(group_key))
    sender = AlertAddress(enrichment.alert_source_id, state.sender) if state.sender else enrichment.address
    return JudgedMessage(grouped, sender)


def _notice(state: GroupState, enrichment: Enrichment, group_key: str) -> GroupNotice:
    return GroupNotice(
        sends=state.sends(enrichment.alert_id),
        signature=state.sent_signature,
        enrichment=state.enrichment_for(enrichment),
        view=state.view(group_key),
    )


@dataclass(frozen=True)
class MessagePlan:
    """The message an enrichment's targets get, and how its claims are told apart."""

    context: NotificationContext | None
    """What the message is made from; None for a fold message, which is not limited again."""
    claim_suffix: str = ""
    """Empty for an alert's own message; ``@<signature>`` for a group's (one claim per signature)."""
    limited: bool = True
    """Whether it counts against its target's ``NotificationsPerMinute``."""


def message_plan(enrichment: Enrichment, context: NotificationContext, now: datetime) -> MessagePlan | None:
    """The alert's own message (alerts of no group, as before), the group's, or None when the
    group sends nothing for this enrichment."""
    notice = group_notice(enrichment, now)
    if notice is None:
        return MessagePlan(context)
    if not notice.sends:
        return None
    grouped = replace(context, enrichment=notice.enrichment, group=notice.view)
    return MessagePlan(grouped, f"@{notice.signature}")
