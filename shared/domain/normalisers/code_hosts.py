"""What GitHub's and GitLab's events share: a push and the commits it carries, when a push is
no change, and how each kind of change reads as a summary, so that the two sources say the same
thing the same way."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any

from shared.domain.models.signals import MAX_SIGNAL_COMMITS, SIGNAL_TEXT_LENGTH, ChangeSignals
from shared.domain.normalisers.common import count_of, first_line, quoted, summary_of
from shared.domain.payloads import Ignored, PayloadModel
from shared.domain.timestamps import TimestampError, isoformat, parse_timestamp

BRANCH_REF = "refs/heads/"
_REVERT_TITLE = re.compile(r'^Revert "(?P<title>.+)"$', re.DOTALL)
"""The title both hosts give a revert: ``Revert "Fix login"``."""
_REVERTED_COMMIT = re.compile(r"\bThis reverts commit (?P<sha>[0-9a-fA-F]{7,40})\b")
"""The line ``git revert`` writes into the commit message."""


MIN_COMMIT_ID = 7


class Commit(PayloadModel):
    id: str
    message: str = ""
    url: str | None = None
    timestamp: Any = None
    """Read only for §19's lead time: a push whose commit times cannot be read is still a push."""


def first_commit_at(commits: list[Commit]) -> str | None:
    """The earliest time a push's commits were made, for §19's lead time; none when no commit
    says (a host cuts its list at 20 commits, so this is the earliest of those listed)."""
    times = []
    for commit in commits:
        try:
            times.append(parse_timestamp(commit.timestamp))
        except TimestampError:
            continue
    return isoformat(min(times)) if times else None


class Push(PayloadModel):
    """A push to a branch or a tag, as both hosts start it."""

    ref: str
    after: str

    @property
    def branch(self) -> str:
        return self.ref.removeprefix(BRANCH_REF)

    @property
    @abstractmethod
    def deletes_branch(self) -> bool:
        """Whether the push removed the branch rather than moved it: each host says so its own way."""


def push_skipped(push: Push) -> Ignored | None:
    if not push.ref.startswith(BRANCH_REF):
        return Ignored("tag pushes are not deployments", "tag_push")
    if push.deletes_branch:
        return Ignored("branch deletion", "branch_deleted")
    return None


def pushed_branch(push: Push) -> str:
    return push.branch


def push_summary(pusher: str | None, verb: str, commit_count: int, target: str, head: Commit | None) -> str:
    """``Codertocat pushed 1 commit to Codertocat/Hello-World@master: Update README``."""
    commits = f"{count_of(commit_count, 'commit')} to " if commit_count else "to "
    headline = first_line(head.message) if head else ""
    return summary_of(f"{pusher or 'Someone'} {verb} {commits}{target}" + (f": {headline}" if headline else ""))


def merge_summary(merger: str | None, what: str, title: str, repository: str, branch: str) -> str:
    """``Codertocat merged PR #2 "Update the README" into Codertocat/Hello-World@master``."""
    return summary_of(merger or "Someone", "merged", what, quoted(title), f"into {repository}@{branch}")


def release_summary(label: str, tag: str, name: str | None, repository: str) -> str:
    """``Release v1.0.0 "First" published in Codertocat/Hello-World``; a name that only repeats
    the tag is left out."""
    title = quoted(name) if name and name != tag else ""
    return summary_of(label, tag, title, f"published in {repository}")


def deployment_summary(
    deployer: str | None, repository: str, ref: str | None, environment: str | None, failure: str | None
) -> str:
    """``octocat deployed octo/app@v1.2 to production``, or for a deployment that did not succeed
    ``Deployment of octo/app@v1.2 to production failed (octocat)``."""
    target = f"{repository}@{ref or ''}".rstrip("@")
    where = f"to {environment}" if environment else ""
    if failure is None:
        return summary_of(deployer or "Someone", "deployed", target, where)
    return summary_of("Deployment of", target, where, failure, f"({deployer})" if deployer else None)


def _reverted_title(title: str) -> str | None:
    match = _REVERT_TITLE.match(title.strip())
    return match.group("title")[:SIGNAL_TEXT_LENGTH].strip() or None if match else None


def merge_signals(title: str) -> ChangeSignals | None:
    """A merged request's title, which a later revert names, and the title it reverts (§19)."""
    if not title.strip():
        return None
    return ChangeSignals(title=title.strip()[:SIGNAL_TEXT_LENGTH], reverts_title=_reverted_title(title))


def push_signals(commits: Sequence[Commit], head: Commit | None) -> ChangeSignals | None:
    """The commits a push carried, and the commits or title its revert commits name (§19)."""
    carried = [commit.id for commit in commits if len(commit.id) >= MIN_COMMIT_ID][-MAX_SIGNAL_COMMITS:]
    named = [match.group("sha") for commit in commits for match in _REVERTED_COMMIT.finditer(commit.message)]
    if not carried:
        return None
    return ChangeSignals(
        commits=carried,
        reverts_commits=list(dict.fromkeys(named))[:MAX_SIGNAL_COMMITS] or None,
        reverts_title=_reverted_title(first_line(head.message)) if head else None,
    )
