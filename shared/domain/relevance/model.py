"""§17's model: a log-linear score per change, against a constant "no change caused it".

Each candidate's log-odds is the sum of its evidence terms times their weights; the "none"
option has the constant log-odds ``weights.none``. A softmax over the candidates and "none"
turns them into probabilities that add up to at most 1 for one alert, so a score near 0.7 means
about 7 in 10 such changes are the cause (checked on the evaluation set, not assumed).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.catalog import Catalog
from shared.domain.correlation import Plan
from shared.domain.models.alerts import Alert, Confidence
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.models.verdicts import VerdictKind
from shared.domain.relevance.evidence import AlertFacts, Term, after_alert, terms
from shared.domain.relevance.weights import RelevanceWeights
from shared.domain.relevance.wording import LEAD, LIKELY, POSSIBLE


@dataclass(frozen=True)
class Scored:
    """One candidate with its probability and the evidence behind it, strongest first."""

    change: DeploymentEvent
    probability: float
    evidence: list[tuple[Term, float]]
    after_alert: bool

    @property
    def score(self) -> float:
        """Two decimals, rounded down, so one alert's scores never add up to more than 1."""
        return math.floor(self.probability * 100 + 1e-9) / 100

    @property
    def confidence(self) -> Confidence:
        if self.score >= LIKELY:
            return "likely"
        return "possible" if self.score >= POSSIBLE else "unlikely"


@dataclass(frozen=True)
class Assessment:
    """The candidates best first, and what the alert's enrichment says about them as a whole."""

    onset: datetime
    ranked: list[Scored]
    likely_cause: Scored | None
    ambiguous: bool
    none_probability: float


def log_odds(found: Iterable[Term], weights: RelevanceWeights) -> list[tuple[Term, float]]:
    """Each term with its contribution to the log-odds, strongest first."""
    weighted = [(term, getattr(weights, term.weight) * term.value) for term in found]
    return sorted(weighted, key=lambda pair: abs(pair[1]), reverse=True)


def assess(
    alert: Alert,
    candidates: Iterable[DeploymentEvent],
    plan: Plan,
    catalog: Catalog,
    weights: RelevanceWeights,
    feedback: Mapping[str, VerdictKind] | None = None,
) -> Assessment:
    """Every candidate of the plan's window scored, each once, the most probable first;
    ``feedback``: verdicts on earlier alerts of the same kind, by change id (§18)."""
    facts = AlertFacts.of(alert, plan, catalog, feedback)
    unique = {event.id: event for event in candidates if plan.start <= event.timestamp <= plan.end}
    weighed = [(event, log_odds(terms(facts, event), weights)) for event in unique.values()]
    sums = [sum(contribution for _, contribution in evidence) for _, evidence in weighed]
    top = max([weights.none, *sums])
    exps = [math.exp(total - top) for total in sums]
    total = math.exp(weights.none - top) + sum(exps)
    scored = [
        Scored(event, share / total, evidence, after_alert(facts, event))
        for (event, evidence), share in zip(weighed, exps, strict=True)
    ]
    scored.sort(key=lambda item: (item.probability, item.change.timestamp, item.change.id), reverse=True)
    return Assessment(
        facts.onset, scored, _likely_cause(scored), _ambiguous(scored), math.exp(weights.none - top) / total
    )


def _leader(scored: Sequence[Scored]) -> tuple[Scored | None, float]:
    """The most probable change before the alert, and the best score of any other change."""
    before = [item for item in scored if not item.after_alert]
    if not before:
        return None, 0.0
    leader = before[0]
    others = [item.score for item in scored if item is not leader]
    return leader, max(others, default=0.0)


def _likely_cause(scored: Sequence[Scored]) -> Scored | None:
    leader, runner_up = _leader(scored)
    if leader is None or leader.score < LIKELY or leader.score - runner_up < LEAD:
        return None
    return leader


def _ambiguous(scored: Sequence[Scored]) -> bool:
    leader, runner_up = _leader(scored)
    return leader is not None and leader.score >= POSSIBLE and leader.score - runner_up < LEAD
