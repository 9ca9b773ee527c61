"""§19's change lead time: a deployment's commits are those of its repository between the
previous deployment's commit and its own; the first of them is timed by what the host told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.delivery_metrics import History, Period, change_fail_rate, change_lead_time_of, rework_rate
from shared.domain.lead_time import lead_time_samples
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.failures import FailureDetection
from shared.domain.normalisers.code_hosts import Commit, first_commit_at
from tests.delivery_histories import START, change, failed

REPOSITORY = "acme/shop"
HOUR = timedelta(hours=1)


def push(event_id: str, hours: float, sha: str, first_commit_hours: float | None = None) -> DeploymentEvent:
    details = {} if first_commit_hours is None else {"firstCommitAt": (START + first_commit_hours * HOUR).isoformat()}
    return change(
        event_id, START + hours * HOUR, EventKind.PUSH, service=None, environment=None,
        repository=REPOSITORY, commit_sha=sha, custom_details=details,
    )  # fmt: skip


def deploy(event_id: str, hours: float, sha: str) -> DeploymentEvent:
    return change(event_id, START + hours * HOUR, repository=f"https://github.com/{REPOSITORY}.git", commit_sha=sha)


def test_a_deployments_commits_start_after_the_previous_deployments_commit() -> None:
    # Given pushes at hours 1 (first commit at 0), 5 and 6 (first commit at 4), a deployment of
    # the first push at hour 2 and one of the last at hour 10
    pushes = [push("p1", 1, "a" * 40, 0), push("p2", 5, "b" * 40), push("p3", 6, "c" * 40, 4)]
    deployments = [deploy("d1", 2, "a" * 40), deploy("d2", 10, "c" * 40)]
    # When the lead times are computed
    samples = lead_time_samples(deployments, {REPOSITORY: pushes})
    # Then the first is from hour 0 and the second from the earliest of p2 and p3: hour 4
    assert [(sample.event_id, sample.minutes, sample.method) for sample in samples] == [
        ("d1", 120.0, "firstCommit"),
        ("d2", 360.0, "firstCommit"),
    ]


def test_only_merges_known_time_the_lead_from_the_merge() -> None:
    # Given a merge at hour 3 and its deployment at hour 5 (short sha)
    merge = change(
        "m",
        START + 3 * HOUR,
        EventKind.MERGE,
        service=None,
        environment=None,
        repository=REPOSITORY,
        commit_sha="d" * 40,
    )
    # When the lead time is computed
    [sample] = lead_time_samples([deploy("d", 5, "d" * 7)], {REPOSITORY: [merge]})
    # Then it is from the merge
    assert (sample.minutes, sample.method) == (120.0, "merge")


def test_a_deployment_whose_commits_are_unknown_has_no_sample() -> None:
    # Given a deployment of a repository whose pushes were never received
    # Then it has no lead time, and the metric says why
    assert lead_time_samples([deploy("d", 5, "e" * 40)], {}) == []
    metric = change_lead_time_of(History.of([deploy("d", 5, "e" * 40)]), Period(START, START + 48 * HOUR))
    assert metric.value is None
    assert metric.reason


def test_the_metric_is_the_median_and_names_its_methods() -> None:
    # Given three deployments with lead times of 1, 2 and 30 hours, two by first commit, one by push
    pushes = [push("p1", 0, "1" * 40, -1), push("p2", 10, "2" * 40, 9), push("p3", 12, "3" * 40)]
    deployments = [deploy("d1", 0, "1" * 40), deploy("d2", 11, "2" * 40), deploy("d3", 42, "3" * 40)]
    samples = lead_time_samples(deployments, {REPOSITORY: pushes})
    # When the metric is computed
    metric = change_lead_time_of(History.of(deployments, samples), Period(START - HOUR, START + 48 * HOUR))
    # Then it is the median, two hours, elite, and says how it was timed
    assert metric.value == pytest.approx(120.0)
    assert metric.method == "from the first commit (2), the push (1)"
    assert metric.band == "elite"


def test_a_pushs_first_commit_is_the_earliest_readable_time() -> None:
    # Given a push's commits, some with times a sender should not send
    commits = [
        Commit(id="a", timestamp="2018-06-15T13:01:51-07:00"),
        Commit(id="b", timestamp="2018-06-15T12:00:00-07:00"),
        Commit(id="c", timestamp=True),
        Commit(id="d", timestamp="not a time"),
    ]
    # Then the earliest readable one is its first commit's time, and none without any
    assert first_commit_at(commits) == "2018-06-15T19:00:00.000Z"
    assert first_commit_at([Commit(id="e", timestamp={"at": 1})]) is None


def test_a_deployment_that_shipped_a_reverted_merge_failed_and_the_one_shipping_the_revert_is_rework() -> None:
    # Given a merge shipped by d1, reverted by a merge that d2 shipped 90 minutes later, and d3
    def merge(event_id: str, hours: float, **fields: object) -> DeploymentEvent:
        return change(
            event_id, START + hours * HOUR, EventKind.MERGE, service=None, environment=None,
            repository=REPOSITORY, **fields,
        )  # fmt: skip

    merges = [
        merge("m1", 1, failure=failed(FailureDetection.REVERT, "m2", 90.0)),
        merge("m2", 2.5, remediates="m1"),
        merge("m3", 5),
    ]
    deployments = [deploy("d1", 1.5, "a" * 40), deploy("d2", 3, "b" * 40), deploy("d3", 6, "c" * 40)]
    # When the delivery metrics are computed
    history = History.of(deployments, lead_time_samples(deployments, {REPOSITORY: merges}))
    window = Period(START, START + timedelta(days=1))
    # Then d1 failed with the merge it shipped (1 of 3), and d2, which shipped the revert, is rework
    fail_rate = change_fail_rate(history, window)
    assert (fail_rate.numerator, fail_rate.denominator, fail_rate.sample_ids) == (1, 3, ["d1"])
    rework = rework_rate(history, window)
    assert (rework.numerator, rework.denominator, rework.sample_ids) == (1, 3, ["d2"])
