"""CDEvents (§20): the CD Foundation's events, as Jenkins, Tekton, Keptn and others emit them.

A service deployed, upgraded, rolled back or removed is a change of that service in its
environment; an incident detected is an alert of the pipeline's teams (§4). Specification 0.4
names its version ``context.version``, 0.5 and later ``context.specversion``; every version is
read by the field names, so a later one that keeps them is read too."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pydantic import Field

from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.models.signals import explicit_signal
from shared.domain.normalisers.cloud_events import Carried, carried_cdevent
from shared.domain.normalisers.common import (
    AlertRaised,
    Delivery,
    NormalisedEvent,
    custom_details_of,
    parse_time_field,
    summary_of,
)
from shared.domain.normalisers.package_urls import Artifact, artifact_of
from shared.domain.payloads import Ignored, PayloadModel, parse_payload

if TYPE_CHECKING:
    from shared.domain.models.alerts import Alert

CHANGES = {"deployed": "deployed", "upgraded": "upgraded", "rolledback": "rolled back", "removed": "removed"}
"""The service events that are changes, and how a summary says each."""
ROLLED_BACK = "service.rolledback"
"""``customDetails["cdevents.type"]`` of a rollback: an explicit signal for failure detection."""
_TYPE = re.compile(r"^dev\.cdevents\.(?P<subject>[a-z]+)\.(?P<predicate>[a-z]+)(?:\.\d[\w.+-]*)?$")
"""``dev.cdevents.<subject>.<predicate>.<version of the event's schema>``."""
SHOWN_TYPE_LENGTH = 100
LABEL_LENGTH = 512
SUMMARY_LENGTH = 4096


class Context(PayloadModel):
    id: str = Field(min_length=1)
    source: str | None = None
    type: str
    timestamp: str
    version: str | None = None
    specversion: str | None = None


class Reference(PayloadModel):
    """An environment or a service as a CDEvent names it."""

    id: str | None = None
    source: str | None = None


class Content(PayloadModel):
    environment: Reference | None = None
    service: Reference | None = None
    artifact_id: str | None = Field(default=None, alias="artifactId")
    description: str | None = None


class Subject(PayloadModel):
    id: str = Field(min_length=1)
    source: str | None = None
    content: Content = Field(default_factory=Content)


class CDEvent(PayloadModel):
    context: Context
    subject: Subject


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | AlertRaised | Ignored:
    carried = carried_cdevent(delivery)
    event = parse_payload(CDEvent, carried.cdevent, carried.field_prefix)
    matched = _TYPE.match(event.context.type)
    subject, predicate = (matched["subject"], matched["predicate"]) if matched else ("", "")
    if subject == "service" and predicate in CHANGES:
        return _change(event, predicate, carried)
    if (subject, predicate) == ("incident", "detected"):
        return AlertRaised(_alert(event, pipeline, carried))
    shown = event.context.type[:SHOWN_TYPE_LENGTH]
    return Ignored(f"CDEvent {shown!r} is neither a service change nor a detected incident", "unsupported_event")


def _change(event: CDEvent, predicate: str, carried: Carried) -> NormalisedEvent:
    """One change per event: ``context.id`` (with the source, unique together) is its key, so a
    redelivery is a duplicate."""
    context, subject = event.context, event.subject
    environment = subject.content.environment.id if subject.content.environment else None
    artifact = artifact_of(subject.content.artifact_id)
    where = ("to" if predicate in {"deployed", "upgraded"} else "in", environment) if environment else None
    return NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of(
            "Service", subject.id, CHANGES[predicate], *(where or ()), f"({artifact.label})" if artifact.label else None
        ),
        timestamp=parse_time_field(context.timestamp, carried.field("context.timestamp")),
        natural_key=f"cdevents:{context.source or ''}:{context.id}",
        repository=artifact.repository,
        service=subject.id,
        environment=environment,
        version=artifact.version,
        commit_sha=artifact.commit_sha,
        status="success",
        custom_details=_details(event, f"service.{predicate}", carried.mode, artifact),
        # A rollback remediates the deployment it undid (§19).
        signals=explicit_signal(rollback=f"service.{predicate}" == ROLLED_BACK),
    )


def _details(event: CDEvent, cdevents_type: str, mode: str, artifact: Artifact) -> dict[str, Any]:
    context = event.context
    return custom_details_of(
        {"source": "cdevents", "cdevents.type": cdevents_type, "mode": mode},
        eventType=context.type,
        specVersion=context.specversion or context.version,
        eventSource=context.source,
        eventId=context.id,
        artifactId=event.subject.content.artifact_id,
        imageDigest=artifact.image_digest,
    )


def _alert(event: CDEvent, pipeline: PipelineRecord, carried: Carried) -> Alert:
    """The incident as §4's alert, from the pipeline's teams; its labels say what it is about."""
    from shared.domain.models import alerts  # noqa: PLC0415 - read by incidents only

    context, subject = event.context, event.subject
    if len(subject.id.strip()) > alerts.MAX_ALERT_ID_LENGTH:
        raise InvalidField.of(carried.field("subject.id"), f"is longer than {alerts.MAX_ALERT_ID_LENGTH} characters")
    content = subject.content
    artifact = artifact_of(content.artifact_id)
    labels = custom_details_of(
        {"incident": subject.id},
        service=content.service.id if content.service else None,
        environment=content.environment.id if content.environment else None,
        version=artifact.version,
        commitSha=artifact.commit_sha,
        source=context.source,
    )
    alert = {
        "id": subject.id,
        "summary": (content.description or f"Incident {subject.id} detected")[:SUMMARY_LENGTH],
        "reportTime": parse_time_field(context.timestamp, carried.field("context.timestamp")),
        "alertSource": {
            "id": pipeline.id,
            "name": pipeline.name,
            "teams": [team.to_json_dict() for team in pipeline.teams],
            "integrationType": pipeline.integration_type.value,
        },
        "labels": {name: value[:LABEL_LENGTH] for name, value in labels.items()},
    }
    return parse_payload(alerts.Alert, alert)
