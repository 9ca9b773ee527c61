"""What §17's assessment says in words: a reason per change, built from its strongest evidence,
and, when no change stands out, one sentence saying so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain.models.alerts import Evidence, PipelineRef, RelatedDeployment, Scope
from shared.domain.models.deployments import change_facts
from shared.domain.relevance.model import Assessment, Scored
from shared.domain.relevance.wording import EvidenceCode, described, when_changed

"""How a reason starts; generic events are "deployments" in ilert's sense, whatever they change."""
REASON_CLAUSES = 2
IMPLIED = frozenset({EvidenceCode.TIME, EvidenceCode.KIND})
"""What the sentence's verb and offset say already. A claiming team is always said (ilert's
reason names it), whatever its weight."""


@dataclass(frozen=True)
class Explained:
    """The enrichment's part of an assessment: its deployments and its verdict on them."""

    deployments: list[RelatedDeployment]
    likely_cause: str | None
    ambiguous: bool
    no_likely_cause: str | None


def when(item: Scored, onset: datetime) -> str:
    """``Deployed 14 min before the alert``: the verb of the change's kind and its offset."""
    return when_changed(item.change.kind, item.change.timestamp, onset)


def reason(item: Scored, onset: datetime, scope: Scope) -> str:
    """One sentence: when, by which pipeline, and the strongest evidence for it (or against it)."""
    text = f'{when(item, onset)} by pipeline "{item.change.pipeline_name}"'
    if item.after_alert:
        return f"{text}: most often a response to the alert, so never its likely cause"
    for_it = [
        term.text
        for term, weight in item.evidence
        if (weight > 0 or term.code is EvidenceCode.TEAM) and term.code not in IMPLIED
    ]
    against = [term.text for term, weight in item.evidence if weight < 0 and term.weight not in {"time", "kind"}]
    if for_it:
        text += ", " + " and ".join(for_it[:REASON_CLAUSES])
    elif scope is Scope.ACCOUNT:
        text += " (account-wide, time-based)"
    if against:
        text += f"; but {against[0]}"
    return text


def _described(item: Scored, onset: datetime) -> str:
    return described(item.change.summary, when(item, onset), item.confidence)


def no_likely_cause(assessment: Assessment) -> str | None:
    """Why the enrichment names no change, or ``None`` when it does."""
    if assessment.likely_cause is not None:
        return None
    before = [item for item in assessment.ranked if not item.after_alert]
    if not assessment.ranked:
        return "No change stands out: no change was made in the window before the alert."
    if not before:
        return "No change stands out: every change in the window came after the alert."
    if assessment.ambiguous:
        second = next(item for item in assessment.ranked if item is not before[0])
        pair = f"{_described(before[0], assessment.onset)} and {_described(second, assessment.onset)}"
        return f"No change stands out: {pair} are about as likely."
    return f"No change stands out: the closest is {_described(before[0], assessment.onset)}."


def related(item: Scored, onset: datetime, scope: Scope) -> RelatedDeployment:
    change = item.change
    return RelatedDeployment(
        **change_facts(change),
        id=change.id,
        summary=change.summary,
        pipeline=PipelineRef(
            id=change.pipeline_id, name=change.pipeline_name, integration_type=change.integration_type
        ),
        kind=change.kind,
        timestamp=change.timestamp,
        reason=reason(item, onset, scope),
        score=item.score,
        confidence=item.confidence,
        evidence=[Evidence(code=term.code, weight=round(weight, 2), text=term.text) for term, weight in item.evidence],
        after_alert=True if item.after_alert else None,
    )


def explain(assessment: Assessment, scope: Scope, max_related: int) -> Explained:
    """The best ``max_related`` changes as the enrichment lists them, and its verdict."""
    cause = assessment.likely_cause
    return Explained(
        deployments=[related(item, assessment.onset, scope) for item in assessment.ranked[:max_related]],
        likely_cause=cause.change.id if cause else None,
        ambiguous=assessment.ambiguous,
        no_likely_cause=no_likely_cause(assessment),
    )
