"""Each GitLab event the normaliser reads: when it is no change, and the deployment event it becomes."""

from __future__ import annotations

from typing import Any

from shared.domain.models.deployments import EventKind, Revision
from shared.domain.normalisers.code_hosts import (
    Commit,
    deployment_summary,
    first_commit_at,
    merge_signals,
    merge_summary,
    push_signals,
    push_summary,
    release_summary,
)
from shared.domain.normalisers.common import (
    Delivery,
    NormalisedEvent,
    link,
    not_finished,
    parse_time_field,
    summary_of,
    webhook_details,
)
from shared.domain.normalisers.gitlab.models import (
    DeploymentHook,
    MergeRequestEvent,
    PipelineEvent,
    PushEvent,
    ReleaseEvent,
)
from shared.domain.payloads import Ignored

DELIVERY_HEADERS = {"deliveryId": "x-gitlab-event-uuid", "instance": "x-gitlab-instance"}
FINISHED_STATUSES = ("success", "failed", "canceled")
PIPELINE_OUTCOMES = {"success": "succeeded", "failed": "failed", "canceled": "was canceled"}
_REDACTED = "[REDACTED]"


def _details(delivery: Delivery, **values: Any) -> dict[str, Any]:
    return webhook_details(delivery, "gitlab", DELIVERY_HEADERS, **values)


def _public_email(email: str | None) -> str | None:
    """GitLab sends ``[REDACTED]`` for users without a public email."""
    return email if email and email != _REDACTED else None


def push(push: PushEvent, delivery: Delivery) -> NormalisedEvent:
    repository, branch = push.project.path_with_namespace, push.branch
    head = _head_commit(push)
    count = push.total_commits_count if push.total_commits_count is not None else len(push.commits)
    pusher = push.user_username or push.user_name
    return NormalisedEvent(
        kind=EventKind.PUSH,
        summary=push_summary(pusher, "pushed", count, f"{repository}@{branch}", head),
        timestamp=delivery.received_at,
        natural_key=f"push:{push.project.key(push.project_id)}:{branch}:{push.after}",
        repository=repository,
        commit_sha=push.checkout_sha,
        branch=branch,
        user_name=pusher,
        user_email=_public_email(push.user_email),
        links=link(head.url if head else None, "Head commit"),
        custom_details=_details(
            delivery,
            commits=count,
            projectId=push.project.id or push.project_id,
            firstCommitAt=first_commit_at(push.commits),
        ),
        signals=push_signals(push.commits, head),
    )


def _head_commit(push: PushEvent) -> Commit | None:
    """The commit the branch now points at, or the last one listed when the list was cut short."""
    head = next((commit for commit in push.commits if commit.id == push.checkout_sha), None)
    return head or (push.commits[-1] if push.commits else None)


def merge_request_skipped(event: MergeRequestEvent) -> Ignored | None:
    action = event.object_attributes.action
    if action != "merge":
        return Ignored(f"merge request action {action!r} is not 'merge'", "not_merged")
    return None


def merge_request_branch(event: MergeRequestEvent) -> str:
    return event.object_attributes.target_branch


def merge_request(event: MergeRequestEvent, delivery: Delivery) -> NormalisedEvent:
    merge = event.object_attributes
    repository = event.project.path_with_namespace
    merger = event.user.display_name if event.user else None
    return NormalisedEvent(
        kind=EventKind.MERGE,
        summary=merge_summary(merger, f"MR !{merge.iid}", merge.title, repository, merge.target_branch),
        timestamp=(
            parse_time_field(merge.updated_at, "object_attributes.updated_at")
            if merge.updated_at
            else delivery.received_at
        ),
        natural_key=f"merge:{event.project.key()}:{merge.iid}",
        repository=repository,
        commit_sha=merge.merge_commit_sha,
        branch=merge.target_branch,
        user_name=merger,
        user_email=_public_email(event.user.email if event.user else None),
        links=link(merge.url, f"Merge request !{merge.iid}"),
        custom_details=_details(delivery, mergeRequest=merge.iid, sourceBranch=merge.source_branch),
        signals=merge_signals(merge.title),
    )


def release_skipped(release: ReleaseEvent) -> Ignored | None:
    if release.action != "create":
        return Ignored(f"release action {release.action!r} is not 'create'", "release_action")
    return None


def release(release: ReleaseEvent, delivery: Delivery) -> NormalisedEvent:
    repository = release.project.path_with_namespace
    released_at = release.released_at or release.created_at
    return NormalisedEvent(
        kind=EventKind.RELEASE,
        summary=release_summary("Release", release.tag, release.name, repository),
        timestamp=parse_time_field(released_at, "released_at") if released_at else delivery.received_at,
        natural_key=f"release:{release.project.key()}:{release.tag}",
        repository=repository,
        version=release.tag,
        commit_sha=release.commit.id if release.commit else None,
        links=link(release.url, f"Release {release.tag}"),
        custom_details=_details(delivery, releaseId=release.id),
    )


def deployment_skipped(deployment: DeploymentHook) -> Ignored | None:
    return not_finished("deployment status", deployment.status, FINISHED_STATUSES)


def deployment(deployment: DeploymentHook, delivery: Delivery) -> NormalisedEvent:
    repository = deployment.project.path_with_namespace
    deployer = deployment.user.display_name if deployment.user else None
    failure = {"success": None, "failed": "failed"}.get(deployment.status, "was canceled")
    changed_at = parse_time_field(deployment.status_changed_at, "status_changed_at")
    return NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=deployment_summary(
            deployer, repository, deployment.ref or deployment.short_sha, deployment.environment, failure
        ),
        timestamp=changed_at,
        natural_key=f"deployment:{deployment.project.key()}:{deployment.deployment_id}",
        revision=Revision(
            at=changed_at,
            tiebreak=deployment.status,
            identity=f"{deployment.status}@{deployment.status_changed_at}",
        ),
        repository=repository,
        environment=deployment.environment,
        commit_sha=_full_sha(deployment.commit_url) or deployment.short_sha,
        branch=deployment.ref,
        status=deployment.status,
        user_name=deployer,
        user_email=_public_email(deployment.user.email if deployment.user else None),
        links=[
            *link(deployment.environment_external_url, f"Open {deployment.environment or 'environment'}"),
            *link(deployment.deployable_url, "Deployment job"),
        ],
        custom_details=_details(delivery, deploymentId=deployment.deployment_id, commitTitle=deployment.commit_title),
    )


def _full_sha(commit_url: str | None) -> str | None:
    """The payload carries only the short SHA; the full one is the tail of ``commit_url``."""
    if not commit_url:
        return None
    tail = commit_url.rstrip("/").rsplit("/", 1)[-1]
    return tail if len(tail) == 40 and all(char in "0123456789abcdef" for char in tail) else None


def pipeline_skipped(event: PipelineEvent) -> Ignored | None:
    return not_finished("pipeline status", event.object_attributes.status, FINISHED_STATUSES)


def pipeline(event: PipelineEvent, delivery: Delivery) -> NormalisedEvent:
    run = event.object_attributes
    repository = event.project.path_with_namespace
    finished_at = (
        parse_time_field(run.finished_at, "object_attributes.finished_at") if run.finished_at else delivery.received_at
    )
    target = f"{repository}@{run.ref}" if run.ref else repository
    return NormalisedEvent(
        kind=EventKind.WORKFLOW,
        summary=summary_of("Pipeline", f"#{run.id}", PIPELINE_OUTCOMES[run.status], "on", target),
        timestamp=finished_at,
        natural_key=f"pipeline:{event.project.key()}:{run.id}",
        revision=Revision(at=finished_at, tiebreak=run.status, identity=f"{run.status}@{run.finished_at}"),
        repository=repository,
        version=run.ref if run.tag else None,
        commit_sha=run.sha,
        branch=None if run.tag else run.ref,
        status=run.status,
        user_name=event.user.display_name if event.user else None,
        links=link(run.url, f"Pipeline #{run.id}"),
        custom_details=_details(delivery, pipelineId=run.id, trigger=run.source),
    )
