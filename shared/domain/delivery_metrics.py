"""§19's five delivery metrics, computed from the changes of one window (pure: no I/O).

A **deployment** is a change of kind ``deployment`` or ``custom`` (the generic API's: ilert's
deployments) whose status is not unsuccessful or unfinished. A **rollback** is a deployment that
remediates a change whose failure was detected as a rollback; it is no new change, so the change
fail rate leaves it out of its denominator. A deployment **failed** when it carries a
``failure``, or shipped a change that did (a merge later reverted). A **remediation** (rollback,
hotfix or explicit fix) is a deployment that carries ``remediates``, or ships a revert.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.delivery import (
    MAX_SAMPLE_IDS,
    REWORK_BAND_REASON,
    Band,
    DeploymentFrequency,
    Metric,
    WeekPoint,
    change_fail_band,
    frequency_band,
    lead_time_band,
    recovery_band,
)
from shared.domain.lead_time import LeadTimeSample, method_of
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.failures import Failure, FailureDetection

DEPLOYMENT_KINDS = frozenset({EventKind.DEPLOYMENT, EventKind.CUSTOM})
NOT_SUCCESSFUL = frozenset(
    {"failure", "failed", "error", "errored", "cancelled", "canceled", "aborted", "degraded"}
    | {"pending", "queued", "in_progress", "running", "started", "waiting", "inactive", "progressing"}
)
"""Statuses of a deployment that did not (or not yet) succeed; no status is a success, as ilert's."""
WEEK = timedelta(days=7)
DAY_SECONDS = 86_400.0


def is_successful_deployment(event: DeploymentEvent) -> bool:
    return event.kind in DEPLOYMENT_KINDS and (event.status or "").strip().casefold() not in NOT_SUCCESSFUL


@dataclass(frozen=True)
class Period:
    start: datetime
    until: datetime

    @property
    def days(self) -> float:
        return max((self.until - self.start).total_seconds(), 1.0) / DAY_SECONDS

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment <= self.until

    def weeks(self) -> list[Period]:
        """Seven-day periods from the start; the last one ends with the window."""
        starts = []
        moment = self.start
        while moment < self.until:
            starts.append(moment)
            moment += WEEK
        return [Period(start, min(start + WEEK, self.until)) for start in starts]


@dataclass(frozen=True)
class History:
    """The successful deployments of a window, oldest first, and what the metrics need of them."""

    deployments: list[DeploymentEvent]
    rollback_ids: frozenset[str]
    lead_times: dict[str, LeadTimeSample]

    @classmethod
    def of(cls, changes: Sequence[DeploymentEvent], lead_times: Sequence[LeadTimeSample] = ()) -> History:
        deployments = sorted((change for change in changes if is_successful_deployment(change)), key=_when)
        return cls(deployments, _rollback_ids(changes, deployments), {sample.event_id: sample for sample in lead_times})

    def within(self, period: Period) -> History:
        return History([d for d in self.deployments if period.holds(d.timestamp)], self.rollback_ids, self.lead_times)

    def failure_of(self, deployment: DeploymentEvent) -> Failure | None:
        """Its own failure, else that of a change it carried (a merge later reverted)."""
        carried = self.lead_times.get(deployment.id)
        return deployment.failure or (carried.carried_failure if carried else None)

    def carried_remediation(self, deployment: DeploymentEvent) -> bool:
        carried = self.lead_times.get(deployment.id)
        return bool(carried and carried.carried_remediation)


@dataclass(frozen=True)
class Figure:
    """A metric's value on one period, before its band and series."""

    value: float | None
    numerator: float
    denominator: float
    sample_ids: list[str]
    reason: str | None = None


def _rollback_ids(changes: Sequence[DeploymentEvent], deployments: Sequence[DeploymentEvent]) -> frozenset[str]:
    """The deployments that rolled back a failed change: named by its failure, or naming it."""
    rolled_back = {
        change.id: change.failure.remediated_by
        for change in changes
        if change.failure and change.failure.detected_by is FailureDetection.ROLLBACK
    }
    named = {remediation for remediation in rolled_back.values() if remediation}
    return frozenset(named | {change.id for change in deployments if change.remediates in rolled_back})


def _when(event: DeploymentEvent) -> tuple[datetime, str]:
    return event.timestamp, event.id


def _ratio(numerator: list[str], denominator: int, none_reason: str) -> Figure:
    if denominator == 0:
        return Figure(None, len(numerator), 0, [], none_reason)
    return Figure(len(numerator) / denominator, len(numerator), denominator, numerator[:MAX_SAMPLE_IDS])


def _median(samples: dict[str, float], none_reason: str) -> Figure:
    if not samples:
        return Figure(None, 0, 0, [], none_reason)
    return Figure(statistics.median(samples.values()), len(samples), len(samples), list(samples)[:MAX_SAMPLE_IDS])


NO_DEPLOYMENT = "no successful deployment in the window"


def frequency(history: History, period: Period) -> Figure:
    ids = [deployment.id for deployment in history.deployments]
    if not ids:
        return Figure(None, 0, round(period.days, 3), [], NO_DEPLOYMENT)
    return Figure(len(ids) / period.days, len(ids), round(period.days, 3), ids[:MAX_SAMPLE_IDS])


def median_hours_between(history: History) -> float | None:
    times = [deployment.timestamp for deployment in history.deployments]
    gaps = [(later - earlier).total_seconds() / 3600 for earlier, later in itertools.pairwise(times)]
    return statistics.median(gaps) if gaps else None


def lead_time(history: History, _: Period) -> Figure:
    samples = {d.id: history.lead_times[d.id].minutes for d in history.deployments if d.id in history.lead_times}
    return _median(samples, "no deployment in the window whose commits are known (push or merge events)")


def change_fail_rate(history: History, _: Period) -> Figure:
    changes = [d for d in history.deployments if d.id not in history.rollback_ids]
    failed = [d.id for d in changes if history.failure_of(d) is not None]
    return _ratio(failed, len(changes), "no deployment in the window other than rollbacks")


def recovery_time(history: History, _: Period) -> Figure:
    failures = {d.id: history.failure_of(d) for d in history.deployments}
    samples = {
        event_id: failure.recovery_minutes
        for event_id, failure in failures.items()
        if failure is not None and failure.recovery_minutes is not None
    }
    return _median(samples, "no failed deployment in the window was remediated")


def rework_rate(history: History, _: Period) -> Figure:
    remediations = [d.id for d in history.deployments if d.remediates or history.carried_remediation(d)]
    return _ratio(remediations, len(history.deployments), NO_DEPLOYMENT)


Definition = Callable[[History, Period], Figure]


def _metric(
    definition: Definition, history: History, window: Period, band: Callable[[float], Band] | None, **fields: str
) -> dict[str, object]:
    """The figure over the window with its band, and the same definition week by week."""
    figure = definition(history.within(window), window)
    series = []
    for week in window.weeks():
        point = definition(history.within(week), week)
        series.append(
            WeekPoint(start=week.start, value=point.value, numerator=point.numerator, denominator=point.denominator)
        )
    values: dict[str, object] = {
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "sample_ids": figure.sample_ids,
        "reason": figure.reason,
        "series": series,
        **fields,
    }
    if figure.value is not None and band is not None:
        values["band"] = band(figure.value)
    return values


def deployment_frequency_of(history: History, window: Period) -> DeploymentFrequency:
    fields = _metric(
        frequency, history, window, frequency_band, unit="deployments per day", method="successful deployments ÷ days"
    )
    return DeploymentFrequency.model_validate(
        {**fields, "median_hours_between": median_hours_between(history.within(window))}
    )


def change_lead_time_of(history: History, window: Period) -> Metric:
    in_window = history.within(window)
    method = method_of([history.lead_times[d.id] for d in in_window.deployments if d.id in history.lead_times])
    return Metric.model_validate(_metric(lead_time, history, window, lead_time_band, unit="minutes", method=method))


def change_fail_rate_of(history: History, window: Period) -> Metric:
    method = "deployments with a failure ÷ deployments, rollbacks left out"
    return Metric.model_validate(
        _metric(change_fail_rate, history, window, change_fail_band, unit="ratio", method=method)
    )


def recovery_time_of(history: History, window: Period) -> Metric:
    fields = _metric(recovery_time, history, window, recovery_band, unit="minutes", method="median recoveryMinutes")
    return Metric.model_validate(fields)


def rework_rate_of(history: History, window: Period) -> Metric:
    method = "rollbacks, hotfixes and explicit fixes ÷ deployments"
    fields = _metric(rework_rate, history, window, None, unit="ratio", method=method)
    if fields["value"] is not None:
        fields["band_reason"] = REWORK_BAND_REASON
    return Metric.model_validate(fields)
