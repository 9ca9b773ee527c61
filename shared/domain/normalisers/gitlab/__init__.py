"""GitLab webhooks (§3.3): push, merge, release creation, finished deployments and, when
asked for, finished pipelines.

- ``models``: the parts of GitLab's payloads that are read.
- ``events``: each event's reading, as a row of the table below.
"""

from __future__ import annotations

from shared.domain.normalisers.code_hosts import push_skipped, pushed_branch
from shared.domain.normalisers.common import EventDispatch, EventReader
from shared.domain.normalisers.gitlab import events, models

normalise = EventDispatch(
    readers={
        "Push Hook": EventReader(models.PushEvent, events.push, skip=push_skipped, branch=pushed_branch),
        "Merge Request Hook": EventReader(
            models.MergeRequestEvent,
            events.merge_request,
            skip=events.merge_request_skipped,
            branch=events.merge_request_branch,
        ),
        "Release Hook": EventReader(models.ReleaseEvent, events.release, skip=events.release_skipped),
        "Deployment Hook": EventReader(models.DeploymentHook, events.deployment, skip=events.deployment_skipped),
        "Pipeline Hook": EventReader(models.PipelineEvent, events.pipeline, skip=events.pipeline_skipped),
    }
)
