"""§19's detection rules: which earlier change a change says failed, and how.

Pure functions over one history (the changes of one service and environment, else of one
repository and environment, oldest first), so they are tested without AWS and replayed by the
evaluation exactly as ingest runs them. A change's verdict on earlier changes depends only on
what came before it; a change that arrives late is therefore handled by judging it and every
later change again (``plan_marks``), which also makes a redelivery change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.domain.keys_history import history_of
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.failures import Failure, FailureDetection
from shared.domain.models.signals import ChangeSignals

DEFAULT_HOTFIX_PATTERN = r"(?i)\bhotfix\b"
DEPLOYED_KINDS = frozenset({EventKind.DEPLOYMENT, EventKind.RELEASE, EventKind.CUSTOM})
"""Kinds that put a version into an environment; pushes, merges and workflow runs do not."""
SUCCESSFUL_STATUSES = frozenset({"success", "succeeded", "successful", "deployed", "completed", "ok", "healthy"})
"""A deployment without a status counts as successful (the generic API's usual case)."""
MIN_SHA_PREFIX = 7


@dataclass(frozen=True)
class Change:
    """What detection reads of a stored change, and the marks it carries now."""

    id: str
    kind: str
    timestamp: datetime
    status: str | None = None
    version: str | None = None
    commit_sha: str | None = None
    branch: str | None = None
    signals: ChangeSignals | None = None
    failure: Failure | None = None
    remediates: str | None = None

    @classmethod
    def of_stored(cls, values: Mapping[str, Any]) -> Change:
        """From the stored JSON of an event, without validating the whole event: detection reads
        dozens of them per delivery, and keeps ingest's overhead small."""
        signals, failure = values.get("signals"), values.get("failure")
        return cls(
            id=values["id"],
            kind=values["kind"],
            timestamp=datetime.fromisoformat(values["timestamp"]),
            status=values.get("status"),
            version=values.get("version"),
            commit_sha=values.get("commitSha"),
            branch=values.get("branch"),
            signals=ChangeSignals.model_validate(signals) if signals else None,
            failure=Failure.model_validate(failure) if failure else None,
            remediates=values.get("remediates"),
        )

    @classmethod
    def of_event(cls, event: DeploymentEvent) -> Change:
        return cls.of_stored(event.to_json_dict())

    @property
    def is_successful_deployment(self) -> bool:
        deployed = self.kind in DEPLOYED_KINDS
        return deployed and (self.status is None or self.status.casefold() in SUCCESSFUL_STATUSES)

    @property
    def deployed_as(self) -> str | None:
        """What a rollback compares: the version, else the commit."""
        identity = self.version or self.commit_sha
        return identity.casefold() if identity else None


@dataclass(frozen=True)
class Remediation:
    failed_id: str
    detected_by: FailureDetection


def _deployments(earlier: Sequence[Change]) -> list[Change]:
    return [change for change in earlier if change.is_successful_deployment]


def rollback_target(change: Change, earlier: Sequence[Change]) -> str | None:
    """Datadog's rule: a successful deployment of a version seen before, other than the one just
    before it, rolls back; the first deployment after that earlier one is the failed one
    (V1 → V2 → V3 → V1 marks V2; V1 → V1 is no rollback)."""
    identity = change.deployed_as
    deployments = _deployments(earlier)
    if not change.is_successful_deployment or identity is None or not deployments:
        return None
    if deployments[-1].deployed_as == identity:
        return None
    for index in range(len(deployments) - 2, -1, -1):
        if deployments[index].deployed_as == identity:
            return deployments[index + 1].id
    return None


def _commit_matches(named: str, commit: str | None) -> bool:
    named, commit = named.casefold(), (commit or "").casefold()
    shortest = min(len(named), len(commit))
    return shortest >= MIN_SHA_PREFIX and named[:shortest] == commit[:shortest]


def _carries(change: Change, named: str) -> bool:
    carried = [change.commit_sha, *(change.signals.commits or [] if change.signals else [])]
    return any(_commit_matches(named, commit) for commit in carried)


def revert_target(change: Change, earlier: Sequence[Change]) -> str | None:
    """``Revert "<title>"`` names the merge that carried that title; ``This reverts commit <sha>``
    the latest change that carried that commit."""
    signals = change.signals
    if signals is None:
        return None
    for candidate in reversed(earlier):
        titled = signals.reverts_title and candidate.signals and candidate.signals.title == signals.reverts_title
        if titled or any(_carries(candidate, named) for named in signals.reverts_commits or []):
            return candidate.id
    return None


def _previous_deployment(change: Change, earlier: Sequence[Change]) -> str | None:
    deployments = _deployments(earlier)
    return deployments[-1].id if change.kind in DEPLOYED_KINDS and deployments else None


def _last_deployed(change: Change, earlier: Sequence[Change]) -> str | None:
    """The deployment just before, whatever became of it: the one a rollback undoes is often
    one that failed (ECS's circuit breaker rolls back a deployment it saw fail)."""
    deployed = [candidate for candidate in earlier if candidate.kind in DEPLOYED_KINDS]
    return deployed[-1].id if change.kind in DEPLOYED_KINDS and deployed else None


def explicit_target(change: Change, earlier: Sequence[Change]) -> str | None:
    """The sender's own word: ``fixes`` names an event id or a version (the latest change of that
    version); a rollback undoes the deployment before it, or what Datadog's rule finds."""
    signals = change.signals
    if signals is None:
        return None
    if signals.fixes:
        wanted = signals.fixes.casefold()
        for candidate in reversed(earlier):
            if candidate.id == signals.fixes or (candidate.version or "").casefold() == wanted:
                return candidate.id
    if signals.rollback:
        return rollback_target(change, earlier) or _last_deployed(change, earlier)
    return None


def hotfix_target(change: Change, earlier: Sequence[Change], pattern: re.Pattern[str]) -> str | None:
    """A deployment whose version or branch matches the hotfix pattern fixes the previous one."""
    if not change.is_successful_deployment:
        return None
    named = (change.version or "", change.branch or "")
    return _previous_deployment(change, earlier) if any(pattern.search(text) for text in named) else None


def remediation_of(change: Change, earlier: Sequence[Change], pattern: re.Pattern[str]) -> Remediation | None:
    """The change this one remediates, by the strongest rule that applies: the sender's word,
    then a revert, a rollback, a hotfix."""
    rules = (
        (FailureDetection.EXPLICIT, explicit_target(change, earlier)),
        (FailureDetection.REVERT, revert_target(change, earlier)),
        (FailureDetection.ROLLBACK, rollback_target(change, earlier)),
        (FailureDetection.HOTFIX, hotfix_target(change, earlier, pattern)),
    )
    return next((Remediation(failed, rule) for rule, failed in rules if failed is not None), None)


def recovery_minutes(failed: Change, remediation: Change) -> float:
    return max(0.0, round((remediation.timestamp - failed.timestamp).total_seconds() / 60, 1))


@dataclass(frozen=True)
class Marks:
    """What a change should carry: its own failure, and the change it remediates."""

    failure: Failure | None
    remediates: str | None


def _remediation(
    change: Change, earlier: Sequence[Change], pattern: re.Pattern[str], elsewhere: Mapping[str, Change]
) -> Remediation | None:
    fixes = change.signals.fixes if change.signals else None
    if fixes is not None and fixes in elsewhere:
        return Remediation(elsewhere[fixes].id, FailureDetection.EXPLICIT)
    return remediation_of(change, earlier, pattern)


def _failure_after(failed: Change, remediation: Change, detected_by: FailureDetection) -> Failure | None:
    """The failure the remediation gives: a verdict's is replaced by what says more (who
    remediated it, when), another remediation's first detection stands."""
    standing = failed.failure
    detected = standing is not None and standing.detected_by != FailureDetection.VERDICT
    if standing is not None and detected and standing.remediated_by != remediation.id:
        return standing
    return Failure(
        detected_by=detected_by, remediated_by=remediation.id, recovery_minutes=recovery_minutes(failed, remediation)
    )


def _withdraw(current: dict[str, Change], remediation: Change) -> None:
    """The failure a remediation gave, removed once it no longer remediates that change."""
    withdrawn = current.get(remediation.remediates or "")
    if withdrawn is not None and withdrawn.failure is not None and withdrawn.failure.remediated_by == remediation.id:
        current[withdrawn.id] = replace(withdrawn, failure=None)


def _rolled_back_itself(change: Change) -> Change:
    """A change its sender says was rolled back failed, by the sender's word, whoever remediated
    it (ECS's circuit breaker names no change of ours); a detection that says more stands."""
    if not (change.signals and change.signals.rolled_back):
        return change
    if change.failure is not None and change.failure.detected_by != FailureDetection.VERDICT:
        return change
    return replace(change, failure=Failure(detected_by=FailureDetection.EXPLICIT))


def plan_marks(
    history: Sequence[Change],
    first_judged: int,
    pattern: re.Pattern[str],
    elsewhere: Mapping[str, Change] | None = None,
) -> dict[str, Marks]:
    """The marks to write after a change arrived at ``history[first_judged]`` (oldest first):
    it and every later change are judged again against what precedes them, a failure that the
    new judgement withdraws is removed, and only what differs from the stored marks is
    returned. ``elsewhere``: changes outside this history that a ``fixes`` names by id."""
    elsewhere = elsewhere or {}
    current = {change.id: change for change in (*elsewhere.values(), *history)}
    original = dict(current)
    for index in range(first_judged, len(history)):
        change = current[history[index].id]
        found = _remediation(change, [current[earlier.id] for earlier in history[:index]], pattern, elsewhere)
        target = found.failed_id if found else None
        if change.remediates != target:
            _withdraw(current, change)
        current[change.id] = change = replace(change, remediates=target)
        if found is not None:
            failed = current[found.failed_id]
            current[failed.id] = replace(failed, failure=_failure_after(failed, change, found.detected_by))
        current[change.id] = _rolled_back_itself(current[change.id])
    return {
        change_id: Marks(change.failure, change.remediates)
        for change_id, change in current.items()
        if (change.failure, change.remediates) != (original[change_id].failure, original[change_id].remediates)
    }


def detected_failures(changes: Sequence[DeploymentEvent], pattern: re.Pattern[str]) -> list[DeploymentEvent]:
    """The changes with the marks ingest would have written had they arrived in time order,
    each judged within its history: the evaluation replays a case's changes known at an alert's
    onset with it, so that §17's ``ROLLED_BACK`` sees no more than correlation would."""
    histories: dict[str, list[Change]] = {}
    for event in changes:
        history = history_of(event.service, event.repository, event.environment)
        if history is not None:
            histories.setdefault(history, []).append(Change.of_event(event))
    marks: dict[str, Marks] = {}
    for history_changes in histories.values():
        ordered = sorted(history_changes, key=lambda change: (change.timestamp, change.id))
        marks.update(plan_marks(ordered, 0, pattern))
    return [
        event.model_copy(update={"failure": marks[event.id].failure, "remediates": marks[event.id].remediates})
        if event.id in marks
        else event
        for event in changes
    ]
