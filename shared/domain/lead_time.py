"""§19's change lead time: which commits a deployment carried, and when the first was made.

A deployment's commits are the pushes and merges of its repository after the previous
deployment's commit, up to its own commit (the change that carried its ``commitSha``; without one,
up to the deployment itself). The first commit's time is the ``firstCommitAt`` a GitHub or GitLab
push stores (the earliest of its commits' timestamps); where a push does not say, its time; where
only a merge is known, the merge's time. ``method`` says which were used. A deployment that
carried a change later reverted failed with it, and one that carried the revert is rework.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.failures import Failure
from shared.domain.names import repository_key, service_key
from shared.domain.timestamps import TimestampError, parse_timestamp

FIRST_DEPLOYMENT_LOOKBACK = timedelta(days=30)
"""How far back the commits of a deployment whose previous one is not known are looked for."""
COMMIT_KINDS = frozenset({EventKind.PUSH, EventKind.MERGE})
SHORT_SHA = 7
METHOD_NAMES = {"firstCommit": "the first commit", "push": "the push", "merge": "the merge"}


@dataclass(frozen=True)
class LeadTimeSample:
    event_id: str
    minutes: float
    method: str
    """``firstCommit``, ``push`` or ``merge``: what the earliest of its commits was timed by."""
    carried_failure: Failure | None = None
    """The failure of a change it carried (a merge later reverted, §19): the deployment that
    shipped it failed with it."""
    carried_remediation: bool = False
    """It carried a change that remediates another (a revert): rework."""


def _same_commit(left: str | None, right: str | None) -> bool:
    if not left or not right:
        return False
    left, right = left.strip().casefold(), right.strip().casefold()
    if min(len(left), len(right)) < SHORT_SHA:
        return left == right
    return left.startswith(right) or right.startswith(left)


def _first_commit(change: DeploymentEvent) -> tuple[datetime, str]:
    if change.kind is EventKind.MERGE:
        return change.timestamp, "merge"
    stated = change.custom_details.get("firstCommitAt")
    if stated:
        try:
            return min(parse_timestamp(stated), change.timestamp), "firstCommit"
        except TimestampError:
            pass
    return change.timestamp, "push"


def _anchor(deployment: DeploymentEvent, changes: Sequence[DeploymentEvent]) -> datetime:
    """When the deployment's commit reached its repository, else the deployment's own time."""
    carried = [
        c.timestamp
        for c in changes
        if c.timestamp <= deployment.timestamp and _same_commit(c.commit_sha, deployment.commit_sha)
    ]
    return max(carried, default=deployment.timestamp)


def _group(deployment: DeploymentEvent) -> str:
    return f"service:{service_key(deployment.service)}" if deployment.service else f"repository:{deployment.repository}"


def lead_time_samples(
    deployments: Sequence[DeploymentEvent], changes_by_repository: Mapping[str, Sequence[DeploymentEvent]]
) -> list[LeadTimeSample]:
    """One sample per deployment (oldest first, with the previous ones) whose commits are known."""
    samples = []
    previous_anchor: dict[str, datetime] = {}
    for deployment in sorted(deployments, key=lambda event: (event.timestamp, event.id)):
        if not deployment.repository:
            continue
        changes = [
            c for c in changes_by_repository.get(repository_key(deployment.repository), ()) if c.kind in COMMIT_KINDS
        ]
        upper = _anchor(deployment, changes)
        lower = previous_anchor.get(_group(deployment), deployment.timestamp - FIRST_DEPLOYMENT_LOOKBACK)
        previous_anchor[_group(deployment)] = upper
        carried = [change for change in changes if lower < change.timestamp <= upper]
        if carried:
            first, method = min(_first_commit(change) for change in carried)
            minutes = max((deployment.timestamp - first).total_seconds() / 60, 0.0)
            failure = next((change.failure for change in carried if change.failure is not None), None)
            remediation = any(change.remediates for change in carried)
            samples.append(LeadTimeSample(deployment.id, minutes, method, failure, remediation))
    return samples


def method_of(samples: Sequence[LeadTimeSample]) -> str:
    """Which times the median was made of, most used first, e.g. ``from the first commit (12), the merge (3)``."""
    counts = Counter(sample.method for sample in samples)
    if not counts:
        return "from the first commit, else the push, else the merge"
    if len(counts) == 1:
        return f"from {METHOD_NAMES[next(iter(counts))]}"
    return "from " + ", ".join(f"{METHOD_NAMES[method]} ({count})" for method, count in counts.most_common())
