"""Which change caused the alert (§17), measured: every ranker of ``RANKERS`` answers every case of
the evaluation set (tests/evaluation), and the figures are printed per part and split, each ranker
beside the others on the same cases in the same run.

A ranker is any function from an ``EvaluationCase`` to an ``Answer``; add one to ``RANKERS``.
``python -m bench.relevance`` prints these figures alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bench import baseline_ranking
from bench.relevance_metrics import Answer, Figures, Outcome, abstention, figures
from shared.domain.correlation import CorrelationRules, Plan, alert_teams, plan_for
from shared.domain.failures import DEFAULT_HOTFIX_PATTERN, detected_failures
from shared.domain.models.alerts import Scope
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.relevance.model import assess
from shared.domain.relevance.weights import DEFAULT_WEIGHTS
from shared.settings import CorrelationSettings
from tests.evaluation.cases import EvaluationCase, load_cases

Ranker = Callable[[EvaluationCase], Answer]


def _today_rules() -> CorrelationRules:
    """The template's default lookbacks; every in-window change listed (``MaxRelatedDeployments``
    at its maximum, 20), so that a culprit ranked fourth still counts in the mean reciprocal rank."""
    defaults = CorrelationSettings.model_validate({})
    return CorrelationRules(
        team_lookback=timedelta(minutes=defaults.team_lookback_minutes),
        account_lookback=timedelta(minutes=defaults.account_lookback_minutes),
        max_related=20,
    )


TODAY_RULES = _today_rules()
HOTFIX_PATTERN = re.compile(DEFAULT_HOTFIX_PATTERN)


def planned(case: EvaluationCase) -> tuple[Plan, list[DeploymentEvent]]:
    """§5's plan for the case's alert, and the candidates the store would read for it (the
    claiming teams' changes in TEAM scope, every change in ACCOUNT scope), each with the failure
    §19's detection would have found by the alert's onset, from the changes known then only."""
    alert = case.domain_alert
    owners = {team for change in case.changes for team in change.pipeline_teams}
    plan = plan_for(alert, alert_teams(alert), owners, TODAY_RULES)
    claiming = {team.id for team in plan.claiming_teams}
    known = [event for event in case.domain_changes if event.timestamp <= alert.report_time]
    marked = {event.id: event for event in detected_failures(known, HOTFIX_PATTERN)}
    candidates = [
        marked.get(event.id, event)
        for event in case.domain_changes
        if plan.scope is Scope.ACCOUNT or claiming.intersection(event.teams)
    ]
    return plan, candidates


def baseline_ranker(case: EvaluationCase) -> Answer:
    """Today's ranking (labels first, then newest), as §17 found it. It always names its first
    change; its score stands in for a probability."""
    plan, candidates = planned(case)
    ranked = baseline_ranking.rank(case.domain_alert, candidates, plan, TODAY_RULES.max_related)
    return Answer(ranked=ranked, likely_cause=ranked[0][0] if ranked else None)


def model_ranker(case: EvaluationCase) -> Answer:
    """§17's model with the default weights and the case's catalog."""
    plan, candidates = planned(case)
    assessment = assess(case.domain_alert, candidates, plan, case.domain_catalog, DEFAULT_WEIGHTS)
    ranked = [(item.change.id, item.probability) for item in assessment.ranked[: TODAY_RULES.max_related]]
    cause = assessment.likely_cause
    return Answer(ranked=ranked, likely_cause=cause.change.id if cause else None)


RANKERS: dict[str, Ranker] = {"today": baseline_ranker, "model": model_ranker}
"""Every ranker measured, by the name its figures carry on the BENCH line."""

SPLITS = ("fit", "holdout")


@dataclass(frozen=True)
class Row:
    """The figures of one ranker on one part and split: ranking and calibration over the cases as
    they are, abstention also over the same alerts with their culprit removed."""

    ranker: str
    part: str
    split: str
    measured: Figures
    removed_abstention: float | None


Slices = dict[str, Callable[[EvaluationCase], bool]]


def _where(key: Callable[[EvaluationCase], object], value: object) -> Callable[[EvaluationCase], bool]:
    return lambda case: key(case) == value


def _part(case: EvaluationCase) -> str:
    return case.part


def _pattern(case: EvaluationCase) -> str:
    return case.pattern or case.part


def part_slices(cases: Sequence[EvaluationCase]) -> Slices:
    """Each part of the set; the alerts that name only the user-facing symptom service, from every
    part; and the whole set."""
    parts = {part: _where(_part, part) for part in sorted({case.part for case in cases})}
    return {**parts, "symptom_only": lambda case: case.symptom_only, "all": lambda case: True}


def pattern_slices(cases: Sequence[EvaluationCase]) -> Slices:
    """Each pattern a case stands for (a synthetic pattern, a kind of revert), to see where a ranker fails."""
    return {pattern: _where(_pattern, pattern) for pattern in sorted({_pattern(case) for case in cases})}


def measure(rankers: dict[str, Ranker], cases: Sequence[EvaluationCase], slices: Slices | None = None) -> list[Row]:
    """Each ranker answers each case once, and once more with its culprit removed."""
    removed = {case.id: case.without_culprit() for case in cases if case.culprit is not None}
    rows = []
    for name, ranker in rankers.items():
        outcomes = {case.id: Outcome(answer=ranker(case), culprit=case.culprit) for case in cases}
        removed_outcomes = {case_id: Outcome(answer=ranker(case), culprit=None) for case_id, case in removed.items()}
        for part, belongs in (slices or part_slices(cases)).items():
            for split in SPLITS:
                chosen = [case.id for case in cases if case.split == split and belongs(case)]
                rows.append(
                    Row(
                        ranker=name,
                        part=part,
                        split=split,
                        measured=figures([outcomes[case_id] for case_id in chosen]),
                        removed_abstention=abstention([removed_outcomes[i] for i in chosen if i in removed_outcomes]),
                    )
                )
    return rows


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


FIGURE_NAMES = ("hit1", "hit3", "mrr", "abstain", "abstain_removed", "ece")


def _values(row: Row) -> tuple[float | None, ...]:
    measured = row.measured
    return (
        measured.hit_at_1,
        measured.hit_at_3,
        measured.mrr,
        measured.abstention,
        row.removed_abstention,
        measured.ece,
    )


def table(rows: Sequence[Row]) -> list[str]:
    header = f"  {'ranker':<8} {'part':<26} {'split':<8} {'cases':>5} " + " ".join(f"{n:>15}" for n in FIGURE_NAMES)
    lines = [header]
    for row in rows:
        values = " ".join(f"{_shown(value):>15}" for value in _values(row))
        lines.append(f"  {row.ranker:<8} {row.part:<26} {row.split:<8} {row.measured.cases:>5} {values}")
    return lines


def bench_fields(rows: Sequence[Row]) -> str:
    """``relevance_<ranker>_<part>_<split>_<figure>=<value>`` for every figure that has a value."""
    return " ".join(
        f"relevance_{row.ranker}_{row.part}_{row.split}_{name}={value:.2f}"
        for row in rows
        for name, value in zip(FIGURE_NAMES, _values(row), strict=True)
        if value is not None
    )


def run() -> list[Row]:
    return measure(RANKERS, load_cases())


HEADING = "Which change caused the alert (§17), per part of tests/evaluation and split:"


def main() -> None:
    cases = load_cases()
    rows = measure(RANKERS, cases)
    print(HEADING)
    print("\n".join(table(rows)))
    print("By pattern:")
    print("\n".join(table(measure(RANKERS, cases, pattern_slices(cases)))))
    print(f"BENCH {bench_fields(rows)}")


if __name__ == "__main__":
    main()
