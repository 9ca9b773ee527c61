"""What a change says about earlier changes (§19), kept with it so that a later change, or one
that arrives late, can be matched against it: a merged pull request's title, the commits a push
carried, the title or commits it reverts, and a sender's explicit rollback or fix."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from shared.domain.models.common import ApiModel

MAX_SIGNAL_COMMITS = 20
"""GitHub lists at most 20 commits of a push; what a revert names is as short. Bounded, so the
stored item stays far inside §22's limits."""
SIGNAL_TEXT_LENGTH = 512

SignalText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SIGNAL_TEXT_LENGTH)]
CommitId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=7, max_length=64)]
CommitIds = Annotated[list[CommitId], Field(max_length=MAX_SIGNAL_COMMITS)]


class ChangeSignals(ApiModel):
    """Each field is optional: a normaliser sets what its payload says, nothing else."""

    title: SignalText | None = None
    """A merged pull or merge request's title, which a later ``Revert "<title>"`` names."""
    commits: CommitIds | None = None
    """The commits a push carried, which a later ``This reverts commit <sha>`` names."""
    reverts_title: SignalText | None = None
    reverts_commits: CommitIds | None = None
    rollback: bool | None = None
    """The sender says this change rolled back the one before it (generic ``kind: "rollback"``,
    an Argo CD rollback, and the other sources' own rollback signals)."""
    fixes: SignalText | None = None
    """The sender names the change this one fixes: an event id, or a version."""
    rolled_back: bool | None = None
    """The sender says this change itself failed and was rolled back (an ECS deployment its
    circuit breaker rolled back, an AppConfig deployment rolled back)."""


def explicit_signal(
    *, rollback: bool = False, fixes: str | None = None, rolled_back: bool = False
) -> ChangeSignals | None:
    """The one way a normaliser says "this change remediates another" (``rollback``, ``fixes``)
    or "this change was rolled back" (``rolled_back``): set it as the normalised change's
    ``signals``; detection (``shared.domain.failures``) does the rest."""
    if not rollback and not fixes and not rolled_back:
        return None
    return ChangeSignals(rollback=rollback or None, fixes=fixes or None, rolled_back=rolled_back or None)
