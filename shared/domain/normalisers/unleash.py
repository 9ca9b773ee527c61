"""Unleash's webhook addon (§20): each Unleash event as it is stored, ``JSON.stringify(event)``.

A flag enabled or disabled in an environment, or a strategy (its rollout, constraints) added,
updated or removed there, is a change of kind ``flag``. A flag created, tagged or described, or
any event about users, projects or settings, changes nothing served until a flag is enabled: 200,
ignored.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.normalisers.common import Delivery, NormalisedEvent, parse_time_field, summary_of
from shared.domain.normalisers.flags import FlagSettings, catalog_candidates, flag_details, service_from_tags
from shared.domain.payloads import Ignored, PayloadModel, number_as_text, parse_payload

ENABLED = {"enabled": True}
DISABLED = {"enabled": False}
FLAG_CHANGES: dict[str, str] = {
    "feature-environment-enabled": "enabled",
    "feature-environment-disabled": "disabled",
    "feature-strategy-add": "added a strategy to",
    "feature-strategy-update": "updated a strategy of",
    "feature-strategy-remove": "removed a strategy from",
    "feature-environment-variants-updated": "updated the variants of",
    "feature-updated": "updated",
    "feature-archived": "archived",
}
"""The events that change what a flag serves, and how a summary says it. ``feature-updated`` is
what older Unleash versions send for any change of a flag; an archived flag is off everywhere."""
_IMPLIED = {"feature-environment-enabled": (DISABLED, ENABLED), "feature-environment-disabled": (ENABLED, DISABLED)}
"""Enabling and disabling carry no data: the event's type says what was before and after."""


class Tag(PayloadModel):
    type: str | None = None
    value: Any = None


class UnleashEvent(PayloadModel):
    id: int | str | None = None
    type: str
    created_by: str | None = Field(default=None, alias="createdBy")
    created_at: Any = Field(default=None, alias="createdAt")
    data: FlagSettings = None
    pre_data: FlagSettings = Field(default=None, alias="preData")
    tags: list[Tag] | None = None
    feature_name: str | None = Field(default=None, alias="featureName")
    project: str | None = None
    environment: str | None = None


def _service_tags(tags: list[Tag]) -> list[object]:
    """Unleash shows a tag of type ``service`` and value ``payments`` as ``service:payments``; a
    simple tag may say the same in its value."""
    values = [(tag.type, number_as_text(tag.value)) for tag in tags]
    return [f"service:{value}" if kind == "service" and isinstance(value, str) else value for kind, value in values]


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(UnleashEvent, delivery.payload)
    verb = FLAG_CHANGES.get(event.type)
    if verb is None:
        return Ignored(f"Unleash event {event.type!r} changes no flag's serving", "unsupported_event")
    if not event.feature_name:
        return Ignored(f"Unleash event {event.type!r} names no flag", "unsupported_event")
    timestamp = (
        parse_time_field(event.created_at, "createdAt") if event.created_at is not None else delivery.received_at
    )
    before, after = _IMPLIED.get(event.type, (event.pre_data, event.data))
    where = f"in {event.environment}" if event.environment else None
    event_id = number_as_text(event.id)
    return NormalisedEvent(
        kind=EventKind.FLAG,
        summary=summary_of(event.created_by or "Someone", verb, f"the flag {event.feature_name}", where),
        timestamp=timestamp,
        natural_key=f"unleash:{event_id}" if event_id is not None else None,
        service=service_from_tags(_service_tags(event.tags or [])),
        service_candidates=catalog_candidates(event.feature_name, event.project),
        environment=event.environment,
        user_name=event.created_by,
        user_email=event.created_by,
        custom_details=flag_details(
            "unleash",
            event.feature_name,
            event.environment,
            before=before,
            after=after,
            author=event.created_by,
            project=event.project,
            event=event.type,
        ),
    )
