"""§19's five delivery metrics, each against a history computed by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.delivery import (
    REWORK_BAND_REASON,
    Band,
    change_fail_band,
    frequency_band,
    lead_time_band,
    recovery_band,
)
from shared.domain.delivery_metrics import (
    History,
    Period,
    change_fail_rate_of,
    deployment_frequency_of,
    recovery_time_of,
    rework_rate_of,
)
from shared.domain.models.deployments import EventKind
from shared.domain.models.failures import FailureDetection
from tests.delivery_histories import START, change, daily_deployments, failed

FOUR_WEEKS = Period(START, START + timedelta(days=28))


def test_change_fail_rate_is_failed_deployments_over_deployments() -> None:
    # Given 23 deployments, 4 of which failed, and no rollback
    history = History.of(daily_deployments(23, failed_indexes=frozenset({2, 5, 11, 17})))
    # When the change fail rate is computed
    metric = change_fail_rate_of(history, FOUR_WEEKS)
    # Then it is 4/23, made of those four
    assert (metric.numerator, metric.denominator) == (4, 23)
    assert metric.value == pytest.approx(4 / 23)
    assert metric.sample_ids == ["d02", "d05", "d11", "d17"]
    assert metric.band is Band.LOW


def test_a_rollback_is_not_in_the_change_fail_rates_denominator() -> None:
    # Given five deployments, the third failed and rolled back by a sixth
    deployments = daily_deployments(5)
    rollback = change("rollback", START + timedelta(days=2, hours=13), remediates="d02")
    deployments[2] = deployments[2].model_copy(
        update={"failure": failed(FailureDetection.ROLLBACK, remediated_by="rollback", minutes=60)}
    )
    history = History.of([*deployments, rollback])
    # When the change fail rate and the rework rate are computed
    fail_rate = change_fail_rate_of(history, FOUR_WEEKS)
    rework = rework_rate_of(history, FOUR_WEEKS)
    # Then the rollback is no deployment of the fail rate, but is rework among all six
    assert (fail_rate.numerator, fail_rate.denominator) == (1, 5)
    assert (rework.numerator, rework.denominator, rework.sample_ids) == (1, 6, ["rollback"])


def test_a_rollback_is_known_from_its_failed_change_alone() -> None:
    # Given a failed change that names its rollback, which does not carry remediates
    deployments = [
        change("v1", START + timedelta(hours=1), failure=failed(FailureDetection.ROLLBACK, "back", 10)),
        change("v2", START + timedelta(hours=2)),
        change("back", START + timedelta(hours=3)),
    ]
    # Then the rollback is still left out of the denominator
    assert change_fail_rate_of(History.of(deployments), FOUR_WEEKS).denominator == 2


def test_rework_counts_rollbacks_hotfixes_and_explicit_fixes() -> None:
    # Given eight deployments: a rollback, a hotfix and an explicit fix among them
    deployments = daily_deployments(5)
    deployments[0] = deployments[0].model_copy(update={"failure": failed(FailureDetection.ROLLBACK, "r", 5)})
    deployments[1] = deployments[1].model_copy(update={"failure": failed(FailureDetection.HOTFIX, "h", 50)})
    deployments[2] = deployments[2].model_copy(update={"failure": failed(FailureDetection.EXPLICIT, "x", 500)})
    fixes = [
        change(fix, START + timedelta(days=6, hours=index), remediates=f"d0{index}") for index, fix in enumerate("rhx")
    ]
    # When the rework rate is computed
    metric = rework_rate_of(History.of([*deployments, *fixes]), FOUR_WEEKS)
    # Then it is 3/8, with no band, since DORA publishes none
    assert (metric.numerator, metric.denominator, metric.value) == (3, 8, 3 / 8)
    assert metric.band is None
    assert metric.band_reason == REWORK_BAND_REASON


def test_recovery_time_is_the_median_of_recovery_minutes() -> None:
    # Given three failed deployments recovered in 10, 30 and 600 minutes, and one not yet
    deployments = daily_deployments(4)
    for index, minutes in enumerate((10.0, 600.0, 30.0, None)):
        deployments[index] = deployments[index].model_copy(
            update={"failure": failed(FailureDetection.HOTFIX, f"fix{index}" if minutes else None, minutes)}
        )
    # When the recovery time is computed
    metric = recovery_time_of(History.of(deployments), FOUR_WEEKS)
    # Then it is 30 minutes: elite
    assert (metric.value, metric.numerator, metric.band) == (30.0, 3, Band.ELITE)
    assert metric.sample_ids == ["d00", "d01", "d02"]


def test_deployment_frequency_is_per_day_with_the_median_gap() -> None:
    # Given 14 successful deployments a day apart, one failed status and one push
    deployments = daily_deployments(14)
    deployments.append(change("broken", START + timedelta(days=3), status="failure"))
    deployments.append(change("push", START + timedelta(days=4), kind=EventKind.PUSH))
    # When the deployment frequency is computed over four weeks
    metric = deployment_frequency_of(History.of(deployments), FOUR_WEEKS)
    # Then it is 14 / 28 per day, a day apart, high; each week has its point
    assert (metric.value, metric.numerator, metric.denominator) == (0.5, 14, 28)
    assert metric.median_hours_between == 24
    assert metric.band is Band.HIGH
    assert [point.numerator for point in metric.series] == [7, 7, 0, 0]
    assert [point.value for point in metric.series] == [1.0, 1.0, None, None]


def test_the_series_has_one_point_per_week_and_a_short_last_one() -> None:
    # Given a window of ten days, with the 4 failures in the second week
    window = Period(START, START + timedelta(days=10))
    history = History.of(daily_deployments(10, failed_indexes=frozenset({7, 8})))
    # When the change fail rate is computed
    metric = change_fail_rate_of(history, window)
    # Then there are two points, the last of three days
    assert [point.start for point in metric.series] == [START, START + timedelta(days=7)]
    assert [(point.numerator, point.denominator) for point in metric.series] == [(0, 7), (2, 3)]


def test_too_little_data_is_a_null_with_its_reason() -> None:
    # Given a window without any deployment
    history = History.of([change("push", START, kind=EventKind.PUSH)])
    # When every metric is computed
    metrics = [
        metric(history, FOUR_WEEKS)
        for metric in (deployment_frequency_of, change_fail_rate_of, recovery_time_of, rework_rate_of)
    ]
    # Then each is null, says why, and has no band; the answer states the null
    assert all(metric.value is None and metric.reason and metric.band is None for metric in metrics)
    assert all(metric.to_json_dict()["value"] is None for metric in metrics)
    assert metrics[0].model_dump(mode="json", by_alias=True)["series"][0] == {
        "start": "2026-11-02T00:00:00.000Z",
        "value": None,
        "numerator": 0,
        "denominator": 7,
    }


def test_deployments_outside_the_window_do_not_count() -> None:
    # Given two deployments before the window and one in it
    deployments = [change("old1", START - timedelta(days=2)), change("old2", START - timedelta(days=1))]
    deployments.append(change("now", START + timedelta(days=1)))
    # Then only the one in the window is counted
    assert deployment_frequency_of(History.of(deployments), FOUR_WEEKS).numerator == 1


@pytest.mark.parametrize(
    ("per_day", "band"),
    [(3.0, Band.ELITE), (1.0, Band.ELITE), (0.5, Band.HIGH), (1 / 7, Band.HIGH), (0.1, Band.MEDIUM), (0.01, Band.LOW)],
)
def test_frequency_bands(per_day: float, band: Band) -> None:
    # Given a frequency, Then its band is DORA's 2023 cluster
    assert frequency_band(per_day) is band


@pytest.mark.parametrize(
    ("minutes", "band"),
    [
        (60, Band.ELITE),
        (24 * 60, Band.ELITE),
        (3 * 24 * 60, Band.HIGH),
        (20 * 24 * 60, Band.MEDIUM),
        (90 * 24 * 60, Band.LOW),
    ],
)
def test_lead_time_bands(minutes: float, band: Band) -> None:
    # Given a lead time, Then its band is DORA's 2023 cluster
    assert lead_time_band(minutes) is band


@pytest.mark.parametrize(
    ("rate", "band"), [(0.0, Band.ELITE), (0.05, Band.ELITE), (0.08, Band.HIGH), (0.15, Band.MEDIUM), (0.4, Band.LOW)]
)
def test_change_fail_bands(rate: float, band: Band) -> None:
    # Given a change fail rate, Then each cluster's published rate is the highest of its band
    assert change_fail_band(rate) is band


@pytest.mark.parametrize(
    ("minutes", "band"), [(59, Band.ELITE), (61, Band.HIGH), (2 * 24 * 60, Band.MEDIUM), (30 * 24 * 60, Band.LOW)]
)
def test_recovery_bands(minutes: float, band: Band) -> None:
    # Given a recovery time, Then its band is DORA's 2023 cluster
    assert recovery_band(minutes) is band
