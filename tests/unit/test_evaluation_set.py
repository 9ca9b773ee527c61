"""The evaluation set of §17 as committed: every case loads into domain objects, names its origin
and licence, and its culprit is one of its changes; the baseline ranker answers it."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from bench.relevance import RANKERS, baseline_ranker, bench_fields, measure, pattern_slices
from bench.relevance_metrics import Answer
from tests.evaluation.cases import CASES_DIRECTORY, EvaluationCase, case_files, load_cases, load_file, split_of
from tests.evaluation.synthetic import CASES_PER_PATTERN, PATTERNS, draw_case

CASES = load_cases()
SOURCES = (Path(__file__).parents[1] / "evaluation" / "SOURCES.md").read_text(encoding="utf-8")


def test_every_part_of_the_set_is_there_with_both_splits() -> None:
    # Given the committed set, When its parts and splits are listed
    parts = {(case.part, case.split) for case in CASES}

    # Then revert histories, post-mortems and the synthetic suite each have fit and holdout cases
    for part in ("reverts", "postmortems", "synthetic"):
        assert {(part, "fit"), (part, "holdout")} <= parts


def test_case_ids_are_unique() -> None:
    # Given the committed set, When its ids are counted, Then none repeats
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_each_case_names_its_origin_and_licence_and_builds_domain_objects(case: EvaluationCase) -> None:
    # Given a committed case, When it is turned into domain objects
    alert, changes = case.domain_alert, case.domain_changes

    # Then it names where it came from and under which licence, and its culprit is one of its changes
    assert case.origin.strip()
    assert case.licence.strip()
    assert case.culprit is None or case.culprit in {change.id for change in changes}
    assert alert.report_time == case.alert.report_time
    assert case.split == split_of(case.id)


def test_every_case_file_is_listed_in_the_sources() -> None:
    # Given the case files, When the sources are read, Then each file is named there
    for path in case_files():
        assert path.parent.name in SOURCES
        assert path.name in SOURCES


def test_a_culprit_that_is_not_a_change_is_refused(tmp_path: Path) -> None:
    # Given a case whose culprit is not among its changes
    case = {
        "id": "bad",
        "split": "fit",
        "alert": {"reportTime": "2026-01-01T00:00:00Z"},
        "changes": [{"id": "c1", "timestamp": "2026-01-01T00:00:00Z", "kind": "deployment"}],
        "culprit": "c2",
    }
    path = tmp_path / "part" / "file.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"origin": "here", "licence": "none", "cases": [case]}), encoding="utf-8")

    # When it is loaded, Then it is refused
    with pytest.raises(ValidationError, match="culprit c2 is not among its changes"):
        load_file(path)


def test_removing_the_culprit_leaves_an_alert_no_change_caused() -> None:
    # Given a case with a culprit
    case = next(case for case in CASES if case.culprit is not None)

    # When its culprit is removed
    removed = case.without_culprit()

    # Then the culprit is gone from its changes, and nothing caused the alert
    assert removed.culprit is None
    assert case.culprit not in {change.id for change in removed.domain_changes}
    assert len(removed.changes) == len(case.changes) - 1


def test_the_synthetic_suite_is_what_its_generator_draws() -> None:
    # Given the synthetic cases committed, When the generator draws them again
    committed = {case.id: case for case in CASES if case.part == "synthetic"}

    # Then every pattern has its share, and it draws the same cases
    assert len(committed) == CASES_PER_PATTERN * len(PATTERNS)
    first = json.loads((CASES_DIRECTORY / "synthetic" / "rollback.json").read_text(encoding="utf-8"))
    redrawn = draw_case("rollback", 1, random.Random("17-rollback"))
    assert redrawn == first["cases"][0]


def test_the_baseline_names_its_newest_label_match_and_lists_its_changes() -> None:
    # Given an account-wide case: the alert's service deployed 30 minutes before, a bystander 2 minutes before
    case = EvaluationCase.model_validate(
        {
            "id": "hand-made",
            "part": "hand",
            "split": "holdout",
            "origin": "this test",
            "licence": "this project",
            "alert": {"reportTime": "2026-05-01T12:00:00Z", "labels": {"service": "shop"}},
            "changes": [
                {"id": "shop", "timestamp": "2026-05-01T11:30:00Z", "kind": "deployment", "service": "shop"},
                {"id": "other", "timestamp": "2026-05-01T11:58:00Z", "kind": "deployment", "service": "search"},
                {"id": "old", "timestamp": "2026-05-01T08:00:00Z", "kind": "deployment", "service": "shop"},
            ],
            "culprit": "shop",
        }
    )

    # When today's ranking answers it
    answer = baseline_ranker(case)

    # Then the label match comes first and is named, and the change outside the 2-hour window is left out
    assert answer.ids == ["shop", "other"]
    assert answer.likely_cause == "shop"
    assert all(0 <= score <= 1 for _, score in answer.ranked)
    assert case.domain_alert.report_time == datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_the_bench_line_carries_each_figure_per_ranker_part_and_split() -> None:
    # Given the committed set, When every ranker is measured on it
    rows = measure(RANKERS, CASES)
    line = bench_fields(rows)

    # Then the BENCH fields name the ranker, the part, the split and the figure
    assert "relevance_today_synthetic_holdout_hit1=" in line
    assert "relevance_today_reverts_fit_mrr=" in line
    assert "relevance_today_synthetic_holdout_abstain=" in line
    assert "relevance_today_all_holdout_ece=" in line


def oracle(case: EvaluationCase) -> Answer:
    """Knows the answer: the culprit first and named, every other change scored zero."""
    others = [(change.id, 0.0) for change in case.changes if change.id != case.culprit]
    return Answer(ranked=[(case.culprit, 1.0), *others] if case.culprit else others, likely_cause=case.culprit)


def test_a_ranker_plugs_in_and_is_measured_beside_today_on_the_same_cases() -> None:
    # Given a ranker that knows every answer, added beside today's
    rankers = {**RANKERS, "oracle": oracle}

    # When both are measured on the set
    rows = {(row.ranker, row.part, row.split): row for row in measure(rankers, CASES)}

    # Then the oracle is perfect and calibrated, on the same cases today's ranking answers
    perfect = rows[("oracle", "all", "holdout")]
    assert (perfect.measured.hit_at_1, perfect.measured.mrr, perfect.measured.ece) == (1.0, 1.0, 0.0)
    assert perfect.measured.abstention == 1.0
    assert perfect.removed_abstention == 1.0
    assert perfect.measured.cases == rows[("today", "all", "holdout")].measured.cases
    assert rows[("today", "symptom_only", "holdout")].measured.cases > 0


def test_figures_can_be_broken_down_by_pattern() -> None:
    # Given the committed set, When it is measured per pattern
    rows = measure(RANKERS, CASES, pattern_slices(CASES))

    # Then every synthetic pattern and every kind of revert has its rows
    patterns = {row.part for row in rows}
    assert set(PATTERNS) <= patterns
    assert {"cluster", "chart", "several-clusters", "postmortems"} <= patterns
