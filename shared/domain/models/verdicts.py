"""Responders' verdicts on an alert's changes (§18): given, withdrawn, listed with their history."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import StringConstraints

from shared.domain.models.common import ApiModel, UtcTime

MAX_NOTE_LENGTH = 1000
MAX_AUTHOR_LENGTH = 256
MAX_EVENT_ID_LENGTH = 256
"""Longer than any change id; a verdict on one cannot stand."""
ADMIN_AUTHOR = "admin"
"""Who gave a verdict through the API without naming an author: the holder of the admin token."""


class VerdictKind(StrEnum):
    CAUSED = "CAUSED"
    NOT_RELATED = "NOT_RELATED"


class VerdictRequest(ApiModel):
    """The body of ``PUT /api/alerts/{alertId}/deployments/{eventId}/verdict``."""

    verdict: VerdictKind
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)] | None = None
    author: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_AUTHOR_LENGTH)] | None
    ) = None


class Verdict(ApiModel):
    """A verdict as stored and listed: on which change of which alert, by whom and when."""

    event_id: str
    verdict: VerdictKind
    author: str
    given_at: UtcTime
    note: str | None = None


class VerdictChange(Verdict):
    """One entry of a verdict's history: given, or withdrawn (``verdict`` is then the one withdrawn)."""

    action: Literal["given", "withdrawn"]
    at: UtcTime
    """When it was given or withdrawn."""


class VerdictList(ApiModel):
    """``GET /api/alerts/{alertId}/verdicts``: the verdicts standing now, and every change, oldest first."""

    alert_id: str
    alert_source_id: str | None = None
    verdicts: list[Verdict]
    history: list[VerdictChange]
