"""What the watch of a fresh deployment reads (§21): the event and, for CI, the pipeline its
integration key opens, in one BatchGetItem."""

from __future__ import annotations

import json
from dataclasses import dataclass

from shared.adapters.store.client import batch_get, storage_call
from shared.domain import keys
from shared.domain.models.deployments import DeploymentEvent


@dataclass(frozen=True)
class EventAndKeyHolder:
    event: DeploymentEvent | None
    key_holder: str | None
    """The id of the pipeline whose integration key was presented, if any."""


@storage_call
def event_and_key_holder(event_id: str, integration_key_hash: str | None) -> EventAndKeyHolder:
    """The event, and the pipeline that holds the key of ``integration_key_hash``: one read,
    strongly consistent, so a rotated key stops opening the health route at once."""
    event_key = keys.event_key(event_id)
    wanted = [event_key]
    if integration_key_hash is not None:
        wanted.append(keys.integration_key_lookup(integration_key_hash))
    found = {str(item["PK"]): item for item in batch_get(wanted)}
    event_item = found.get(event_key.pk)
    holder = found.get(wanted[-1].pk) if integration_key_hash is not None else None
    return EventAndKeyHolder(
        event=DeploymentEvent.model_validate(json.loads(event_item["event"])) if event_item else None,
        key_holder=str(holder["id"]) if holder else None,
    )
