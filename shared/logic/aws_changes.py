"""AWS's deployment services (§20): an event of the default bus recorded as a change of the
account's ``AWS`` pipeline, with the teams and environment its resource's tags name.

The function is invoked asynchronously: what it raises is retried and then dead-lettered. So an
event that cannot be read is logged and dropped (retrying cannot mend it), and only a store that
is busy or unreachable is raised, for the retry to succeed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.adapters import resource_tags
from shared.adapters.store import events as event_store
from shared.domain.errors import Busy, DomainError
from shared.domain.ids import bounded_id, event_id_for
from shared.domain.models.common import MAX_OWNER_TEAMS
from shared.domain.models.deliveries import DeliveryEntry, LogOwner
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.models.signals import explicit_signal
from shared.domain.normalisers.aws import FAILURE, AwsChange, read_change
from shared.domain.normalisers.common import NormalisedEvent
from shared.domain.payloads import Ignored
from shared.logic import delivery_log
from shared.logic.intake_deployments import IngestOutcome, record_event
from shared.logic.pipelines import aws_pipeline
from shared.observability import count, logger

TEAM_TAG = "team"
ENVIRONMENT_TAG = "environment"
TAG_SECONDS = 300.0
"""How long a resource's tags are kept in the container's memory: a deployment's states arrive
within minutes and need one lookup, and a changed tag is seen within five minutes."""
MAX_CACHED_RESOURCES = 1000


@dataclass
class TagCache:
    """Tags per resource ARN, for ``TAG_SECONDS``; a failed lookup counts as no tags, and is
    cached too, so that a missing permission does not cost a call per event."""

    lookup: Callable[[str], dict[str, str]]
    clock: Callable[[], float] = time.monotonic
    entries: dict[str, tuple[float, dict[str, str]]] = field(default_factory=dict)

    def tags(self, arn: str) -> dict[str, str]:
        now = self.clock()
        cached = self.entries.get(arn)
        if cached is not None and now - cached[0] < TAG_SECONDS:
            return cached[1]
        try:
            tags = self.lookup(arn)
        except resource_tags.TagLookupFailed as error:
            count("AwsTagLookupFailed", service=arn.split(":")[2] if arn.count(":") > 2 else "unknown")
            logger.warning("tags could not be read; the pipeline's teams apply", extra={"error": str(error)})
            tags = {}
        if len(self.entries) >= MAX_CACHED_RESOURCES:
            self.entries.clear()
        self.entries[arn] = (now, tags)
        return tags

    def clear(self) -> None:
        self.entries.clear()


RESOURCE_TAGS = TagCache(resource_tags.tags_of)


def _tags(read: AwsChange, cache: TagCache) -> dict[str, str]:
    """The tags of every resource the change names, the more specific overriding."""
    merged: dict[str, str] = {}
    for arn in read.tagged:
        merged.update(cache.tags(arn))
    return merged


def tagged_teams(tags: Mapping[str, str]) -> list[str] | None:
    """The ids the ``team`` tag names (comma-separated), each once, as many as a pipeline may have
    (each is one more copy of the change in its transaction); None without one."""
    named = [bounded_id(team) for team in tags.get(TEAM_TAG, "").split(",") if team.strip()]
    return list(dict.fromkeys(named))[:MAX_OWNER_TEAMS] or None


def _after_rollback(pipeline: PipelineRecord, change: NormalisedEvent) -> NormalisedEvent:
    """ECS's circuit breaker rolling back (§19). Under the id of a deployment we hold, that
    deployment is rolled back: a failure, by ECS's word. Under a new id, as ECS does it, the new
    deployment is the rollback: detection marks the deployment before it failed, remediated by it."""
    if "rollbackTo" not in change.custom_details or change.natural_key is None:
        return change
    stored = event_store.get_event(event_id_for(pipeline.id, change.natural_key))
    if stored is None:
        return change.model_copy(update={"signals": explicit_signal(rollback=True)})
    if stored.event.signals is not None and stored.event.signals.rollback:
        return change  # a later state of the rollback itself
    details = {**change.custom_details, "rolledBack": True}
    signals = explicit_signal(rolled_back=True)
    return change.model_copy(update={"status": FAILURE, "custom_details": details, "signals": signals})


def _record(read: AwsChange, received_at: datetime, cache: TagCache) -> tuple[PipelineRecord, IngestOutcome]:
    pipeline = aws_pipeline(read.account, received_at)
    tags = _tags(read, cache)
    environment = tags.get(ENVIRONMENT_TAG) or read.environment
    change = _after_rollback(pipeline, read.change)
    if environment:
        change = change.model_copy(update={"environment": environment[:512]})
    return pipeline, record_event(pipeline, change, received_at, tagged_teams(tags))


def _dropped(error: DomainError) -> IngestOutcome:
    """An event that retrying cannot mend: logged by its error's code and fields, never its values (§22)."""
    fields = [problem.field[:128] for problem in error.problems][:10]
    logger.warning("an AWS event could not be recorded; dropped", extra={"code": error.code, "fields": fields})
    return IngestOutcome(status="ignored", reason=f"dropped ({error.code})", reason_code="dropped")


def take_aws_event(event: Mapping[str, Any], received_at: datetime, cache: TagCache = RESOURCE_TAGS) -> IngestOutcome:
    """One event of the default bus: recorded, ignored, or (unreadable) logged and dropped;
    ``Busy`` is raised for the invocation to be retried."""
    try:
        read = read_change(event)
        if isinstance(read, Ignored):
            count("AwsChanges", outcome=f"ignored:{read.code}")
            return IngestOutcome(status="ignored", reason=read.reason, reason_code=read.code)
        pipeline, outcome = _record(read, received_at, cache)
    except Busy:
        raise
    except DomainError as error:
        count("AwsChanges", outcome=f"rejected:{error.code}")
        return _dropped(error)
    count("AwsChanges", outcome=outcome.metric_outcome)
    delivery_log.record(LogOwner.PIPELINE, pipeline.id, _entry(event, read, received_at, outcome))
    return outcome


def _entry(event: Mapping[str, Any], read: AwsChange, received_at: datetime, outcome: IngestOutcome) -> DeliveryEntry:
    """The AWS pipeline's delivery log (§16), as for a webhook: the status a webhook would have had."""
    return DeliveryEntry(
        received_at=received_at,
        status=outcome.http_status,
        outcome=outcome.status,
        reason=outcome.logged_reason,
        event_type=str(event.get("detail-type", ""))[: delivery_log.MAX_TEXT],
        delivery_id=str(event.get("id", ""))[: delivery_log.MAX_TEXT],
        event_id=outcome.id,
        bytes=len(json.dumps(event, separators=(",", ":"))),
    )
