"""PagerDuty Change Events v2 (§15): PagerDuty's own senders work by changing only the host.

A change event has no structured fields of its own; agreed ``custom_details`` keys fill ours."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from shared.domain.errors import InvalidField
from shared.domain.models.common import Link
from shared.domain.models.deployments import CustomDetails, EventKind, cut_summary
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.normalisers.common import Delivery, NormalisedEvent, content_revision, link, parse_time_field
from shared.domain.payloads import Ignored, PayloadModel, number_as_text, parse_payload

FACT_KEYS = {
    "repository": "repository",
    "repo": "repository",
    "environment": "environment",
    "version": "version",
    "commitSha": "commit_sha",
    "commit_sha": "commit_sha",
    "service": "service",
}
"""``custom_details`` keys that are our structured fields; the first of two for one field wins.
``repo`` is where PagerDuty's own GitHub Action puts the repository."""
CREDENTIAL_FIELDS = ("routing_key",)
MISSING = "is missing or blank"
"""PagerDuty's words for a required field it did not get."""


class ChangeLink(PayloadModel):
    href: str | None = None
    text: str | None = None


def _present(summary: object) -> object:
    if summary is None:
        raise ValueError(MISSING)
    return summary


def _not_blank(summary: str) -> str:
    if not summary.strip():
        raise ValueError(MISSING)
    return cut_summary(summary.strip())


class ChangePayload(PayloadModel):
    summary: Annotated[str, BeforeValidator(_present), AfterValidator(_not_blank)] = Field(
        default=None, validate_default=True
    )
    timestamp: Any = None
    source: str | None = None
    custom_details: CustomDetails | None = None


class ChangeEvent(PayloadModel):
    payload: Annotated[ChangePayload, Field(default_factory=dict, validate_default=True)]
    links: list[ChangeLink] | None = None
    dedup_key: Annotated[str, StringConstraints(min_length=1, max_length=512)] | None = None


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(ChangeEvent, delivery.payload)
    payload = event.payload
    timestamp = (
        parse_time_field(payload.timestamp, "payload.timestamp")
        if payload.timestamp is not None
        else delivery.received_at
    )
    details = dict(payload.custom_details or {})
    facts = _facts_from(details)
    if payload.source:
        details.setdefault("source", payload.source)
    return NormalisedEvent(
        kind=EventKind.CUSTOM,
        summary=payload.summary,
        timestamp=timestamp,
        natural_key=f"pagerduty:{event.dedup_key}" if event.dedup_key else None,
        revision=content_revision(delivery.payload, timestamp, CREDENTIAL_FIELDS) if event.dedup_key else None,
        links=_links(event.links or []),
        custom_details=details,
        **facts,
    )


def _facts_from(details: dict[str, Any]) -> dict[str, Any]:
    """Takes the agreed keys out of ``details``: what is left stays custom."""
    facts: dict[str, str] = {}
    for key, fact in FACT_KEYS.items():
        value = number_as_text(details.get(key))
        if isinstance(value, str):
            facts.setdefault(fact, value)
            del details[key]
    return facts


def _links(links: list[ChangeLink]) -> list[Link]:
    return [found for item in links for found in link(item.href, item.text or item.href or "")]


def pagerduty_errors(error: InvalidField) -> list[str]:
    """The ``errors`` of PagerDuty's own 400 answer, such as ``'payload.summary' is missing or blank``."""
    return [f"'{problem.field}' {problem.message[:1].lower()}{problem.message[1:]}" for problem in error.problems]
