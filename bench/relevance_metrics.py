"""The figures §17 asks of a ranking, as pure functions of its answers and the true culprits.

- hit rate at k and mean reciprocal rank, over alerts that a listed change caused;
- abstention, over alerts no change caused: the share whose ``likelyCause`` is null;
- expected calibration error of ``score`` over 10 equal bins, over every listed change: how far,
  on average, "0.7" is from the share of such changes that were the cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Answer:
    """What a ranker says about one alert: its changes best first, each with its score, and the
    change it names as the likely cause, or ``None`` when none stands out."""

    ranked: list[tuple[str, float]] = field(default_factory=list)
    likely_cause: str | None = None

    @property
    def ids(self) -> list[str]:
        return [change_id for change_id, _ in self.ranked]


@dataclass(frozen=True)
class Outcome:
    """An answer beside the truth: the change that caused the alert, or ``None``."""

    answer: Answer
    culprit: str | None


def _caused(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [outcome for outcome in outcomes if outcome.culprit is not None]


def reciprocal_rank(outcome: Outcome) -> float:
    ids = outcome.answer.ids
    return 1.0 / (ids.index(outcome.culprit) + 1) if outcome.culprit in ids else 0.0


def hit_rate(outcomes: Sequence[Outcome], k: int) -> float | None:
    """The share of caused alerts whose culprit is among the first ``k``; ``None`` without any."""
    caused = _caused(outcomes)
    if not caused:
        return None
    return sum(1 for outcome in caused if outcome.culprit in outcome.answer.ids[:k]) / len(caused)


def mean_reciprocal_rank(outcomes: Sequence[Outcome]) -> float | None:
    caused = _caused(outcomes)
    return sum(reciprocal_rank(outcome) for outcome in caused) / len(caused) if caused else None


def abstention(outcomes: Sequence[Outcome]) -> float | None:
    """The share of alerts no change caused for which no likely cause is named."""
    uncaused = [outcome for outcome in outcomes if outcome.culprit is None]
    if not uncaused:
        return None
    return sum(1 for outcome in uncaused if outcome.answer.likely_cause is None) / len(uncaused)


def calibration_error(outcomes: Sequence[Outcome], bins: int = CALIBRATION_BINS) -> float | None:
    """Expected calibration error: each bin's gap between mean score and share of culprits,
    weighted by how many listed changes fall in it. A score of 1.0 falls in the last bin."""
    totals = [[0, 0.0, 0] for _ in range(bins)]
    for outcome in outcomes:
        for change_id, score in outcome.answer.ranked:
            bucket = totals[min(int(score * bins), bins - 1)]
            bucket[0] += 1
            bucket[1] += score
            bucket[2] += change_id == outcome.culprit
    listed = sum(int(count) for count, _, _ in totals)
    if not listed:
        return None
    return sum(abs(score_sum - hits) / listed for count, score_sum, hits in totals if count)


@dataclass(frozen=True)
class Figures:
    cases: int
    hit_at_1: float | None
    hit_at_3: float | None
    mrr: float | None
    abstention: float | None
    ece: float | None


def figures(outcomes: Sequence[Outcome]) -> Figures:
    return Figures(
        cases=len(outcomes),
        hit_at_1=hit_rate(outcomes, 1),
        hit_at_3=hit_rate(outcomes, 3),
        mrr=mean_reciprocal_rank(outcomes),
        abstention=abstention(outcomes),
        ece=calibration_error(outcomes),
    )
