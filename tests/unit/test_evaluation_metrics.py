"""The figures of §17's "Measured, not asserted", on answers made by hand."""

from __future__ import annotations

import pytest

from bench.relevance_metrics import (
    Answer,
    Outcome,
    abstention,
    calibration_error,
    figures,
    hit_rate,
    mean_reciprocal_rank,
)

FIRST = Outcome(Answer([("a", 0.8), ("b", 0.1)], likely_cause="a"), culprit="a")
SECOND = Outcome(Answer([("a", 0.6), ("b", 0.3)], likely_cause="a"), culprit="b")
FOURTH = Outcome(Answer([("a", 0.4), ("b", 0.3), ("c", 0.2), ("d", 0.1)]), culprit="d")
MISSING = Outcome(Answer([("a", 0.5)]), culprit="z")
NO_CAUSE_NAMED = Outcome(Answer([("a", 0.9)], likely_cause="a"), culprit=None)
NO_CAUSE_ABSTAINED = Outcome(Answer([("a", 0.1)]), culprit=None)


def test_hit_rate_counts_the_culprit_within_the_first_k() -> None:
    # Given culprits ranked first, second, fourth and not at all
    outcomes = [FIRST, SECOND, FOURTH, MISSING]

    # When hit rates are computed, Then each counts the culprits within its first k
    assert hit_rate(outcomes, 1) == 0.25
    assert hit_rate(outcomes, 3) == 0.5


def test_mean_reciprocal_rank_counts_a_missing_culprit_as_zero() -> None:
    # Given culprits ranked first, second, fourth and not at all
    outcomes = [FIRST, SECOND, FOURTH, MISSING]

    # When the mean reciprocal rank is computed
    mrr = mean_reciprocal_rank(outcomes)

    # Then it averages 1, 1/2, 1/4 and 0
    assert mrr == pytest.approx((1 + 0.5 + 0.25 + 0) / 4)


def test_ranking_figures_leave_out_alerts_no_change_caused() -> None:
    # Given one caused alert and two that no change caused
    outcomes = [FIRST, NO_CAUSE_NAMED, NO_CAUSE_ABSTAINED]

    # When the ranking figures are computed, Then only the caused alert counts
    assert hit_rate(outcomes, 1) == 1.0
    assert mean_reciprocal_rank(outcomes) == 1.0


def test_abstention_is_the_share_of_no_cause_alerts_without_a_likely_cause() -> None:
    # Given two alerts no change caused, one named a likely cause, and a caused alert
    outcomes = [NO_CAUSE_NAMED, NO_CAUSE_ABSTAINED, FIRST]

    # When abstention is computed, Then it counts only the no-cause alerts
    assert abstention(outcomes) == 0.5


def test_figures_without_cases_of_their_kind_are_none() -> None:
    # Given only alerts no change caused, When the figures are computed
    measured = figures([NO_CAUSE_ABSTAINED])

    # Then the ranking figures have no value, and abstention has
    assert (measured.hit_at_1, measured.hit_at_3, measured.mrr) == (None, None, None)
    assert measured.abstention == 1.0
    assert abstention([FIRST]) is None


def test_calibration_error_is_zero_when_scores_match_how_often_they_are_right() -> None:
    # Given twenty changes scored 0.35, seven of them culprits
    outcomes = [Outcome(Answer([("a", 0.35)]), culprit="a" if number < 7 else None) for number in range(20)]

    # When the calibration error is computed, Then it is zero
    assert calibration_error(outcomes) == pytest.approx(0.0)


def test_calibration_error_weighs_each_bin_by_how_many_changes_fall_in_it() -> None:
    # Given three changes scored 0.9 that were not the cause, and one scored 0.15 that was
    outcomes = [Outcome(Answer([("a", 0.9)]), culprit=None) for _ in range(3)]
    outcomes.append(Outcome(Answer([("a", 0.15)]), culprit="a"))

    # When the calibration error is computed
    error = calibration_error(outcomes)

    # Then it is 3/4 of a 0.9 gap plus 1/4 of a 0.85 gap
    assert error == pytest.approx(0.75 * 0.9 + 0.25 * 0.85)


def test_a_score_of_one_falls_in_the_last_bin() -> None:
    # Given a change scored 1.0 that was the cause, When the calibration error is computed
    error = calibration_error([Outcome(Answer([("a", 1.0)]), culprit="a")])

    # Then it is calibrated
    assert error == pytest.approx(0.0)


def test_calibration_error_without_listed_changes_is_none() -> None:
    # Given answers that list nothing, When the calibration error is computed, Then it has no value
    assert calibration_error([Outcome(Answer(), culprit=None)]) is None
