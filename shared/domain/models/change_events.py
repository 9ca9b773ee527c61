"""The bus events of a change that forwarding reads (§21), apart from the alerts' so that ingest,
which puts the first, imports nothing of the alerts.

- ``Change Accepted``: ingest took a new or updated change of a pipeline with forwarders (or
  while ``DefaultForwarders`` has any); the change itself, or its id alone when the change would
  not fit an EventBridge event (§22), and the forward function reads the stored one.
- ``Change Failed``: §19 found the change failed; its Grafana annotations get the tag ``failed``.

Only the details: the forward function declares their EventBridge envelopes, so that the
functions putting these events do not load Parser's models (§20's cold start).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from shared.domain.models.common import ApiModel
from shared.domain.models.deployments import DeploymentEvent

SOURCE = "deployment-events"
CHANGE_ACCEPTED = "Change Accepted"
CHANGE_FAILED = "Change Failed"
EventId = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class ChangeAccepted(ApiModel):
    event_id: EventId
    change: DeploymentEvent | None = None
    """None when the change is too large for the bus: read the stored one."""


class ChangeFailed(ApiModel):
    event_id: EventId
