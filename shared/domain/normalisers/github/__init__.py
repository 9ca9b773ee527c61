"""GitHub webhooks (§3.2): push, merged pull request, published release, terminal
deployment status and, when asked for, completed workflow runs.

- ``models``: the parts of GitHub's payloads that are read.
- ``events``: each event's reading, as a row of the table below.
"""

from __future__ import annotations

from shared.domain.normalisers.code_hosts import push_skipped, pushed_branch
from shared.domain.normalisers.common import EventDispatch, EventReader
from shared.domain.normalisers.github import events, models
from shared.domain.payloads import Ignored

normalise = EventDispatch(
    readers={
        "push": EventReader(models.PushEvent, events.push, skip=push_skipped, branch=pushed_branch),
        "pull_request": EventReader(
            models.PullRequestEvent,
            events.pull_request,
            skip=events.pull_request_skipped,
            branch=events.pull_request_branch,
        ),
        "release": EventReader(models.ReleaseEvent, events.release, skip=events.release_skipped),
        "deployment_status": EventReader(
            models.DeploymentStatusEvent, events.deployment_status, skip=events.deployment_status_skipped
        ),
        "workflow_run": EventReader(models.WorkflowRunEvent, events.workflow_run, skip=events.workflow_run_skipped),
    },
    answered={"ping": Ignored("ping", "ping")},
)
