"""What §19 says of a change that failed, and of the change that remediated it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import NonNegativeFloat

from shared.domain.models.common import ApiModel


class FailureDetection(StrEnum):
    """How a failure became known: a rollback, a revert or a hotfix seen at ingest, a sender's
    own signal, or a responder's ``CAUSED`` verdict (§18)."""

    ROLLBACK = "ROLLBACK"
    REVERT = "REVERT"
    HOTFIX = "HOTFIX"
    EXPLICIT = "EXPLICIT"
    VERDICT = "VERDICT"


class Failure(ApiModel):
    """Stored on the failed change: who detected it, which change remediated it, how long after."""

    detected_by: FailureDetection
    remediated_by: str | None = None
    """The id of the rollback, revert, hotfix or fix; none for a verdict."""
    recovery_minutes: NonNegativeFloat | None = None
    """From the failed change to its remediation; none while it is not remediated."""
