"""``Change Accepted`` on the bus (§21), only where something forwards changes: ingest's hot path
does not grow for pipelines without forwarders while ``DefaultForwarders`` is empty."""

from __future__ import annotations

from shared.adapters import bus
from shared.domain.models.change_events import CHANGE_ACCEPTED, SOURCE, ChangeAccepted
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.models.pipelines import PipelineRecord
from shared.settings import default_forwarders, forward_settings


def forwards(pipeline: PipelineRecord) -> bool:
    """Ingest knows ``DefaultForwarders`` is set by ``FORWARDS_BY_DEFAULT`` (the template keeps its
    secrets from ingest); where the list itself is at hand (one process, locally), by the list."""
    return pipeline.forwards or forward_settings().forwards_by_default or bool(default_forwarders())


def announce(pipeline: PipelineRecord, event: DeploymentEvent, stored: bool) -> None:
    """The change for the forward function: itself when this delivery stored it, else (a
    duplicate, whose first delivery may have failed before announcing it) its id, and the forward
    function reads it. Forwarding is once per change and forwarder whatever is announced twice."""
    if not forwards(pipeline):
        return
    detail = ChangeAccepted(event_id=event.id, change=event if stored else None).to_json_dict()
    if not bus.fits(SOURCE, CHANGE_ACCEPTED, detail):
        detail = ChangeAccepted(event_id=event.id).to_json_dict()
    bus.publish(SOURCE, CHANGE_ACCEPTED, detail)
