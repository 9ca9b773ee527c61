"""``Change Accepted`` on the bus (§21), only where something forwards changes: ingest's hot path
does not grow for pipelines without forwarders while ``DefaultForwarders`` is empty."""

from __future__ import annotations

from shared.adapters import bus
from shared.domain.models.change_events import CHANGE_ACCEPTED, CHANGE_FAILED, SOURCE, ChangeAccepted, ChangeFailed
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.models.pipelines import PipelineRecord
from shared.observability import count, logger
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


def announce_failures(event_ids: list[str]) -> None:
    """``Change Failed`` for each change §19 has just found failed, so that its Grafana
    annotations get the tag ``failed`` (§21). Rare (a failure is marked once), so it is put
    whether or not the change's pipeline forwards; the marks are written already, so a bus that
    refuses is logged and counted, not raised."""
    if not event_ids:
        return
    try:
        details = [ChangeFailed(event_id=event_id).to_json_dict() for event_id in event_ids]
        bus.publish_many(SOURCE, CHANGE_FAILED, details)
    except Exception as error:  # noqa: BLE001 - named by type; the failure itself is stored
        count("ChangeFailedNotAnnounced")
        logger.warning("a failed change was not announced", extra={"error": type(error).__name__})
