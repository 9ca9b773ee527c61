"""AWS's own deployment services on the default bus (§20): CodeDeploy, ECS, CodePipeline and
AppConfig state changes read as changes of the account's ``AWS`` pipeline.

Each event names one deployment (or execution) and its state; its later states update the same
record, ordered by time and then by how far along the state is. Teams and the environment come
from the resource's tags, which the event rarely carries: the change names the ARNs whose tags
are looked up, least specific first.

- ``envelope``: EventBridge's envelope, the change read from it, a state's rank.
- ``ecs``: ECS service deployments, and the circuit breaker's rollbacks.
- ``codesuite``: CodeDeploy deployments and CodePipeline executions.
- ``appconfig``: AppConfig deployments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.domain.normalisers.aws.appconfig import APPCONFIG_STATES, read_appconfig
from shared.domain.normalisers.aws.codesuite import read_codedeploy, read_codepipeline
from shared.domain.normalisers.aws.ecs import read_ecs
from shared.domain.normalisers.aws.envelope import FAILURE, AwsChange, AwsEvent
from shared.domain.payloads import Ignored, parse_payload

__all__ = ["FAILURE", "READERS", "AwsChange", "read_change"]

Reader = Callable[[AwsEvent], "AwsChange | Ignored"]
READERS: dict[tuple[str, str], Reader] = {
    ("aws.ecs", "ECS Deployment State Change"): read_ecs,
    ("aws.codedeploy", "CodeDeploy Deployment State-change Notification"): read_codedeploy,
    ("aws.codepipeline", "CodePipeline Pipeline Execution State Change"): read_codepipeline,
    **{("aws.appconfig", detail_type): read_appconfig for detail_type in APPCONFIG_STATES},
}
"""One row per event the template's rules deliver; any other event is ignored."""


def read_change(event: Mapping[str, Any]) -> AwsChange | Ignored:
    """The change an event reports; ``InvalidField`` naming the field when it cannot be read."""
    envelope = parse_payload(AwsEvent, event)
    reader = READERS.get((envelope.source, envelope.detail_type))
    if reader is None:
        what = f"event {envelope.detail_type!r} of {envelope.source!r}"
        return Ignored(f"{what} is not a deployment", "unsupported_event")
    return reader(envelope)
