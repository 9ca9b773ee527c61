"""§18: responders' verdicts overrule §17's model on the alert they are given for, and weigh in
on later alerts of the same kind.

``apply_verdicts`` is pure and reversible: a change whose score a verdict overrules keeps the
model's score in ``modelScore`` and gets the verdict's ``FEEDBACK`` evidence first, so applying
another set of verdicts (one withdrawn, one added) starts again from the model's view.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from datetime import datetime

from shared.domain.models.alerts import (
    AlertResource,
    Confidence,
    Enrichment,
    Evidence,
    RelatedDeployment,
    VerdictMark,
)
from shared.domain.models.verdicts import Verdict, VerdictKind
from shared.domain.relevance.wording import LEAD, LIKELY, POSSIBLE, EvidenceCode, described, when_changed

DECISIVE = 20.0
"""The weight a verdict's ``FEEDBACK`` evidence shows: a responder's word overrules every term
(the largest weight ``RelevanceWeights`` allows)."""
CLOUDWATCH = "CLOUDWATCH"


def confidence_of(score: float) -> Confidence:
    if score >= LIKELY:
        return "likely"
    return "possible" if score >= POSSIBLE else "unlikely"


def _restored(deployment: RelatedDeployment) -> RelatedDeployment:
    """The change as the model listed it: its score back, the verdict's evidence gone."""
    if deployment.model_score is None:
        return deployment.model_copy(update={"verdict": None})
    return deployment.model_copy(
        update={
            "score": deployment.model_score,
            "confidence": confidence_of(deployment.model_score),
            "evidence": deployment.evidence[1:],
            "verdict": None,
            "model_score": None,
        }
    )


def _overruled(
    deployment: RelatedDeployment, score: float, evidence: Evidence, verdict: Verdict | None
) -> RelatedDeployment:
    mark = VerdictMark(verdict=verdict.verdict, author=verdict.author, given_at=verdict.given_at) if verdict else None
    return deployment.model_copy(
        update={
            "score": score,
            "confidence": confidence_of(score),
            "evidence": [evidence, *deployment.evidence],
            "verdict": mark,
            "model_score": deployment.score,
        }
    )


def _judged(deployment: RelatedDeployment, verdict: Verdict | None, cause_share: float | None) -> RelatedDeployment:
    """One change under the alert's verdicts; ``cause_share`` is set when some change was confirmed."""
    if verdict is not None and verdict.verdict is VerdictKind.CAUSED:
        text = f"confirmed as the cause by {verdict.author}"
        return _overruled(
            deployment, cause_share or 0.0, Evidence(code=EvidenceCode.FEEDBACK, weight=DECISIVE, text=text), verdict
        )
    if verdict is not None:
        text = f"ruled out by {verdict.author}"
        return _overruled(deployment, 0.0, Evidence(code=EvidenceCode.FEEDBACK, weight=-DECISIVE, text=text), verdict)
    if cause_share is not None:
        text = "another change was confirmed as the cause"
        return _overruled(deployment, 0.0, Evidence(code=EvidenceCode.FEEDBACK, weight=-DECISIVE, text=text), None)
    return deployment


def apply_verdicts(enrichment: Enrichment, verdicts: Sequence[Verdict]) -> Enrichment:
    """The enrichment as the alert's standing verdicts have it (§18). Confirmed changes share the
    probability (two: 0.5 each), the first confirmed being the ``likelyCause``; every other
    change drops to 0. The list keeps the model's order. A change ruled out drops to 0; without a
    confirmed change the likely cause is then decided again by §17's rules on the scores left.
    A verdict on a change the enrichment no longer lists is kept, and applies when it is listed."""
    listed = {deployment.id for deployment in enrichment.deployments}
    standing = {verdict.event_id: verdict for verdict in verdicts if verdict.event_id in listed}
    judged = any(deployment.model_score is not None or deployment.verdict for deployment in enrichment.deployments)
    if not standing and not judged:
        return enrichment
    confirmed = sorted(
        (verdict for verdict in standing.values() if verdict.verdict is VerdictKind.CAUSED),
        key=lambda verdict: (verdict.given_at, verdict.event_id),
    )
    share = math.floor(100 / len(confirmed)) / 100 if confirmed else None
    deployments = [_judged(_restored(item), standing.get(item.id), share) for item in enrichment.deployments]
    if confirmed:
        return enrichment.model_copy(
            update={
                "deployments": deployments,
                "likely_cause": confirmed[0].event_id,
                "ambiguous": False,
                "no_likely_cause": None,
            }
        )
    return _decided_again(enrichment.model_copy(update={"deployments": deployments}))


def _decided_again(enrichment: Enrichment) -> Enrichment:
    """§17's ``likelyCause``, ``ambiguous`` and ``noLikelyCause`` on the listed scores. The list
    keeps the model's order (the page and notifications find the cause by its id), so it is ranked
    here, the model's order breaking ties."""
    ranked = sorted(enrichment.deployments, key=lambda item: -item.score)
    before = [item for item in ranked if not item.after_alert]
    if not before:
        only_after = "No change stands out: every change in the window came after the alert."
        return enrichment.model_copy(update={"likely_cause": None, "ambiguous": False, "no_likely_cause": only_after})
    leader = before[0]
    runner_up = max((item.score for item in ranked if item is not leader), default=0.0)
    likely = leader.score >= LIKELY and leader.score - runner_up >= LEAD
    ambiguous = leader.score >= POSSIBLE and leader.score - runner_up < LEAD
    onset = enrichment.alert.report_time if enrichment.alert else enrichment.window.until
    sentence: str | None = None
    if ambiguous:
        second = next(item for item in ranked if item is not leader)
        sentence = f"No change stands out: {_named(leader, onset)} and {_named(second, onset)} are about as likely."
    elif not likely:
        sentence = f"No change stands out: the closest is {_named(leader, onset)}."
    return enrichment.model_copy(
        update={"likely_cause": leader.id if likely else None, "ambiguous": ambiguous, "no_likely_cause": sentence}
    )


def _named(item: RelatedDeployment, onset: datetime) -> str:
    return described(item.summary, when_changed(item.kind, item.timestamp, onset), confidence_of(item.score))


def alert_kind(labels: Mapping[str, str], alert_source: AlertResource | None) -> str | None:
    """What makes alerts "of the same kind" (§17's ``FEEDBACK``): the alert's name (the label
    ``alertname``, or the CloudWatch alarm's name) and its service, hashed to a key-safe id; None
    for an alert that has no name."""
    folded = {name.casefold(): value for name, value in labels.items() if value}
    name = folded.get("alertname")
    if not name and alert_source is not None and alert_source.integration_type == CLOUDWATCH:
        name = alert_source.name
    if not name:
        return None
    service = (folded.get("service") or "").casefold()
    return hashlib.sha256(f"{name}\n{service}".encode()).hexdigest()[:32]
