"""The words and thresholds §17's ranking shares with what is built on it: the evidence codes,
how likely "likely" and "possible" are, and the sentences naming a change. Apart from the scoring,
so that a verdict applied to a stored enrichment (§18), or a message made of one (§13), loads
none of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.models.deployments import EventKind

LIKELY = 0.5
POSSIBLE = 0.15
LEAD = 0.15
"""How far the likely cause must lead the next change, and how close two changes must be for an
alert to be ambiguous."""
SUMMARY_IN_SENTENCE = 80


class EvidenceCode(StrEnum):
    TIME = "TIME"
    SERVICE = "SERVICE"
    DEPENDENCY = "DEPENDENCY"
    VERSION = "VERSION"
    ENVIRONMENT = "ENVIRONMENT"
    TEAM = "TEAM"
    KIND = "KIND"
    ROLLED_BACK = "ROLLED_BACK"
    FEEDBACK = "FEEDBACK"


VERBS = {
    EventKind.DEPLOYMENT: "Deployed",
    EventKind.RELEASE: "Released",
    EventKind.MERGE: "Merged",
    EventKind.PUSH: "Pushed",
    EventKind.WORKFLOW: "Finished",
    EventKind.CUSTOM: "Deployed",
    EventKind.FLAG: "Changed a flag",
    EventKind.INFRA: "Applied",
}


def describe_offset(offset: timedelta) -> str:
    """``14 min``, ``2 h 5 min``, ``3 days``: how far a deployment is from the alert."""
    minutes = int(abs(offset).total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{hours // 24} days"


def when_changed(kind: EventKind, timestamp: datetime, onset: datetime) -> str:
    offset = onset - timestamp
    verb = VERBS[kind]
    if abs(offset) < timedelta(seconds=30):
        return f"{verb} at the time of the alert"
    side = "before" if offset > timedelta(0) else "after"
    return f"{verb} {describe_offset(offset)} {side} the alert"


def described(summary: str, moment: str, confidence: str) -> str:
    """A change as the ``noLikelyCause`` sentence names it: its summary, when, and how likely."""
    if len(summary) > SUMMARY_IN_SENTENCE:
        summary = summary[: SUMMARY_IN_SENTENCE - 1] + "…"
    return f'"{summary}" ({moment[0].lower()}{moment[1:]}, {confidence})'
