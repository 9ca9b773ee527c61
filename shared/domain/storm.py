"""Alert storms (§18): the alerts of one Alertmanager or Grafana group notified as one message.

A group's state gathers what its alerts' enrichments said: which alerts it has seen, the first
summaries, the changes related to any of them (each once, at its strongest) and the changes named
as likely cause. Its signature is the likely cause and the set of likely and possible changes: a
group that is sent again notifies again only when the signature changed. The alert whose
enrichment completed the group or changed its signature is the group's sender for that signature.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from shared.domain.models.alert_sources import AlertSourceType
from shared.domain.models.alerts import Alert, Enrichment, RelatedDeployment
from shared.domain.notifications.context import GroupView
from shared.domain.notifications.text import cut, one_line
from shared.domain.notifications.verdict import confidence

GROUPED_SOURCES = frozenset({AlertSourceType.ALERTMANAGER.value, AlertSourceType.GRAFANA.value})
SUMMARIES_SHOWN = 10
SUMMARY_MAX = 200
CHANGES_KEPT = 20
"""The strongest changes of the group: more than any message shows (Slack's 50 blocks)."""
SEEN_KEPT = 1000
"""As many alerts as one delivery may hold (§22)."""
NO_CAUSE_IN_GROUP = "No change stands out for the alerts of this group."


def grouped_by(alert: Alert) -> dict[str, Any]:
    """The group an alert belongs to, for Alertmanager's and Grafana's alerts only: a group key
    that reached any other source's alert is not theirs to set."""
    source = alert.alert_source.integration_type if alert.alert_source else None
    if source not in GROUPED_SOURCES or not alert.group_key or not alert.group_size:
        return {}
    return {"group_key": alert.group_key, "group_size": alert.group_size}


def alert_digest(alert_id: str) -> str:
    """What the group keeps of an alert id: 1,000 ids of 256 characters would not fit an item."""
    return hashlib.sha256(alert_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _strongest_first(changes: list[RelatedDeployment]) -> list[RelatedDeployment]:
    """§17's order: by score, then the newer first."""
    return sorted(changes, key=lambda change: (-change.score, -change.timestamp.timestamp(), change.id))


@dataclass(frozen=True)
class GroupState:
    """One group of one alert source, as stored; ``version`` guards each update."""

    version: int = 0
    seen: tuple[str, ...] = ()
    summaries: tuple[str, ...] = ()
    changes: tuple[RelatedDeployment, ...] = ()
    cause_ids: frozenset[str] = field(default_factory=frozenset)
    """Changes some alert of the group named as its likely cause."""
    sent_signature: str | None = None
    sender: str | None = None
    """The alert whose enrichment sends the message of ``sent_signature``."""

    @property
    def likely_cause(self) -> RelatedDeployment | None:
        """The strongest change an alert of the group named as its likely cause."""
        return next((change for change in self.changes if change.id in self.cause_ids), None)

    def signature(self) -> str:
        """The likely cause and the set of likely and possible changes, as a short digest."""
        cause = self.likely_cause
        listed = sorted(change.id for change in self.changes if confidence(change) != "unlikely")
        text = "\n".join([cause.id if cause else "", *listed])
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def merged(self, enrichment: Enrichment, group_size: int) -> GroupState:
        """The group with this enrichment's alert and changes; its sender when it is now complete
        (it has seen as many alerts as the delivery held) and its signature is new."""
        state = self._with_alert(enrichment)._with_changes(enrichment)
        signature = state.signature()
        if len(state.seen) >= group_size and signature != self.sent_signature:
            state = replace(state, sent_signature=signature, sender=enrichment.alert_id)
        return state

    def _with_alert(self, enrichment: Enrichment) -> GroupState:
        digest = alert_digest(enrichment.alert_id)
        if digest in self.seen or len(self.seen) >= SEEN_KEPT:
            return self
        summaries = self.summaries
        if len(summaries) < SUMMARIES_SHOWN:
            summary = enrichment.alert.summary if enrichment.alert else None
            summaries = (*summaries, cut(one_line(summary or f"Alert {enrichment.alert_id}"), SUMMARY_MAX))
        return replace(self, seen=(*self.seen, digest), summaries=summaries)

    def _with_changes(self, enrichment: Enrichment) -> GroupState:
        """Each change once, at its strongest; the strongest ``CHANGES_KEPT``, strongest first."""
        strongest = {change.id: change for change in self.changes}
        for change in enrichment.deployments:
            if change.id not in strongest or change.score > strongest[change.id].score:
                strongest[change.id] = change
        changes = tuple(_strongest_first(list(strongest.values()))[:CHANGES_KEPT])
        causes = self.cause_ids | ({enrichment.likely_cause} if enrichment.likely_cause else set())
        kept = {change.id for change in changes}
        return replace(self, changes=changes, cause_ids=frozenset(cause for cause in causes if cause in kept))

    def sends(self, alert_id: str) -> bool:
        return self.sender == alert_id and self.sent_signature is not None

    def enrichment_for(self, enrichment: Enrichment) -> Enrichment:
        """What the group's message is made from: the sender's enrichment with the group's changes."""
        cause = self.likely_cause
        return enrichment.model_copy(
            update={
                "deployments": list(self.changes),
                "likely_cause": cause.id if cause else None,
                "ambiguous": False,
                "no_likely_cause": None if cause else NO_CAUSE_IN_GROUP,
            }
        )

    def judged(self, enrichment: Enrichment) -> Enrichment:
        """What the group's message shows after a verdict on one of its alerts (§18): that alert's
        changes as the verdict left them (a confirmed cause at 1.0, the others of that alert at 0),
        the group's other changes as they were."""
        judged = {change.id: change for change in enrichment.deployments}
        others = [change for change in self.changes if change.id not in judged]
        changes = _strongest_first([*judged.values(), *others])[:CHANGES_KEPT]
        return enrichment.model_copy(update={"deployments": changes})

    def view(self, group_key: str) -> GroupView:
        return GroupView(group_key, len(self.seen), self.summaries)

    def to_stored(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "seen": list(self.seen),
            "summaries": list(self.summaries),
            "changes": json.dumps([change.model_dump(mode="json", by_alias=True) for change in self.changes]),
            "causeIds": sorted(self.cause_ids),
            "sentSignature": self.sent_signature,
            "sender": self.sender,
        }

    @classmethod
    def from_stored(cls, values: dict[str, Any]) -> GroupState:
        return cls(
            version=int(values.get("version", 0)),
            seen=tuple(values.get("seen", [])),
            summaries=tuple(values.get("summaries", [])),
            changes=tuple(
                RelatedDeployment.model_validate(change) for change in json.loads(values.get("changes", "[]"))
            ),
            cause_ids=frozenset(values.get("causeIds", [])),
            sent_signature=values.get("sentSignature"),
            sender=values.get("sender"),
        )
