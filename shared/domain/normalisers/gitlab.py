"""GitLab webhooks (SPEC §3.3): push, merge, release creation, finished deployments and, when
asked for, finished pipelines."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.domain.models.deployments import EventKind, Revision
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.normalisers.common import (
    Delivery,
    NormalisedEvent,
    branch_ignored,
    branch_matches,
    count_of,
    custom_details_of,
    event_not_enabled,
    first_line,
    link,
    parse_time_field,
    quoted,
    summary_of,
    unsupported_event,
)
from shared.domain.payloads import Ignored, parse_payload

FINISHED_STATUSES = ("success", "failed", "canceled")
_NO_COMMIT = "0" * 40
_REDACTED = "[REDACTED]"


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class Project(_Payload):
    id: int | None = None
    path_with_namespace: str

    def key(self, project_id: int | None = None) -> str:
        """Older payloads leave ``id`` out of ``project``: a push still carries ``project_id``,
        and elsewhere the path names the project."""
        known = self.id or project_id
        return str(known) if known else self.path_with_namespace


class User(_Payload):
    username: str | None = None
    name: str | None = None
    email: str | None = None

    @property
    def display_name(self) -> str | None:
        return self.username or self.name


class Commit(_Payload):
    id: str
    message: str = ""
    url: str | None = None


class PushEvent(_Payload):
    ref: str
    after: str
    checkout_sha: str | None = None
    user_name: str | None = None
    user_username: str | None = None
    user_email: str | None = None
    project_id: int | None = None
    project: Project
    commits: list[Commit] = []
    total_commits_count: int | None = None


class MergeRequest(_Payload):
    iid: int
    title: str = ""
    action: str | None = None
    target_branch: str
    source_branch: str | None = None
    url: str | None = None
    merge_commit_sha: str | None = None
    updated_at: str | None = None


class MergeRequestEvent(_Payload):
    object_attributes: MergeRequest
    project: Project
    user: User | None = None


class ReleaseCommit(_Payload):
    id: str | None = None


class ReleaseEvent(_Payload):
    id: int
    tag: str
    name: str | None = None
    url: str | None = None
    action: str
    released_at: str | None = None
    created_at: str | None = None
    project: Project
    commit: ReleaseCommit | None = None


class DeploymentHook(_Payload):
    status: str
    status_changed_at: str
    deployment_id: int
    deployable_url: str | None = None
    environment: str | None = None
    environment_external_url: str | None = None
    project: Project
    short_sha: str | None = None
    commit_url: str | None = None
    commit_title: str | None = None
    ref: str | None = None
    user: User | None = None


class Pipeline(_Payload):
    id: int
    ref: str | None = None
    tag: bool = False
    sha: str | None = None
    status: str
    finished_at: str | None = None
    url: str | None = None
    source: str | None = None


class PipelineEvent(_Payload):
    object_attributes: Pipeline
    project: Project
    user: User | None = None


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    name = delivery.event_name
    handler = _HANDLERS.get(name)
    if handler is None:
        return unsupported_event(name)
    if name not in pipeline.event_filters:
        return event_not_enabled(name)
    return handler(delivery, pipeline)


def _delivery_details(delivery: Delivery) -> dict[str, Any]:
    return custom_details_of(
        {"source": "gitlab", "event": delivery.event_name},
        deliveryId=delivery.headers.get("x-gitlab-event-uuid"),
        instance=delivery.headers.get("x-gitlab-instance"),
    )


def _email(value: str | None) -> str | None:
    """GitLab sends ``[REDACTED]`` for users without a public email."""
    return value if value and value != _REDACTED else None


def _push(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    push = parse_payload(PushEvent, delivery.payload)
    if not push.ref.startswith("refs/heads/"):
        return Ignored("tag pushes are not deployments", "tag_push")
    if push.after == _NO_COMMIT or push.checkout_sha is None:
        return Ignored("branch deletion", "branch_deleted")
    branch = push.ref.removeprefix("refs/heads/")
    if not branch_matches(branch, pipeline.branch_filters):
        return branch_ignored(branch)
    repository = push.project.path_with_namespace
    head = next((commit for commit in push.commits if commit.id == push.checkout_sha), None)
    head = head or (push.commits[-1] if push.commits else None)
    count = push.total_commits_count if push.total_commits_count is not None else len(push.commits)
    pusher = push.user_username or push.user_name
    headline = first_line(head.message) if head else ""
    commits = f"{count_of(count, 'commit')} to " if count else "to "
    return NormalisedEvent(
        kind=EventKind.PUSH,
        summary=summary_of(
            f"{pusher or 'Someone'} pushed {commits}{repository}@{branch}" + (f": {headline}" if headline else "")
        ),
        timestamp=delivery.received_at,
        natural_key=f"push:{push.project.key(push.project_id)}:{branch}:{push.after}",
        repository=repository,
        commit_sha=push.checkout_sha,
        branch=branch,
        user_name=pusher,
        user_email=_email(push.user_email),
        links=link(head.url if head else None, "Head commit"),
        custom_details=custom_details_of(
            _delivery_details(delivery), commits=count, projectId=push.project.id or push.project_id
        ),
    )


def _merge_request(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(MergeRequestEvent, delivery.payload)
    merge = event.object_attributes
    if merge.action != "merge":
        return Ignored(f"merge request action {merge.action!r} is not 'merge'", "not_merged")
    if not branch_matches(merge.target_branch, pipeline.branch_filters):
        return branch_ignored(merge.target_branch)
    repository = event.project.path_with_namespace
    merger = event.user.display_name if event.user else None
    return NormalisedEvent(
        kind=EventKind.MERGE,
        summary=summary_of(
            merger or "Someone",
            "merged MR",
            f"!{merge.iid}",
            quoted(merge.title),
            f"into {repository}@{merge.target_branch}",
        ),
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
        user_email=_email(event.user.email) if event.user else None,
        links=link(merge.url, f"Merge request !{merge.iid}"),
        custom_details=custom_details_of(
            _delivery_details(delivery), mergeRequest=merge.iid, sourceBranch=merge.source_branch
        ),
    )


def _release(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    release = parse_payload(ReleaseEvent, delivery.payload)
    if release.action != "create":
        return Ignored(f"release action {release.action!r} is not 'create'", "release_action")
    repository = release.project.path_with_namespace
    title = quoted(release.name) if release.name and release.name != release.tag else ""
    released_at = release.released_at or release.created_at
    return NormalisedEvent(
        kind=EventKind.RELEASE,
        summary=summary_of("Release", release.tag, title, f"published in {repository}"),
        timestamp=parse_time_field(released_at, "released_at") if released_at else delivery.received_at,
        natural_key=f"release:{release.project.key()}:{release.tag}",
        repository=repository,
        version=release.tag,
        commit_sha=release.commit.id if release.commit else None,
        links=link(release.url, f"Release {release.tag}"),
        custom_details=custom_details_of(_delivery_details(delivery), releaseId=release.id),
    )


def _deployment(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    deployment = parse_payload(DeploymentHook, delivery.payload)
    if deployment.status not in FINISHED_STATUSES:
        return Ignored(f"deployment status {deployment.status!r} is not final", "not_final")
    repository = deployment.project.path_with_namespace
    commit_sha = _full_sha(deployment.commit_url) or deployment.short_sha
    deployer = deployment.user.display_name if deployment.user else None
    target = f"{repository}@{deployment.ref or deployment.short_sha or ''}".rstrip("@")
    where = f"to {deployment.environment}" if deployment.environment else ""
    if deployment.status == "success":
        summary = summary_of(deployer or "Someone", "deployed", target, where)
    else:
        outcome = "failed" if deployment.status == "failed" else "was canceled"
        summary = summary_of("Deployment of", target, where, outcome, f"({deployer})" if deployer else None)
    changed_at = parse_time_field(deployment.status_changed_at, "status_changed_at")
    return NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary,
        timestamp=changed_at,
        natural_key=f"deployment:{deployment.project.key()}:{deployment.deployment_id}",
        revision=Revision(
            at=changed_at,
            tiebreak=deployment.status,
            identity=f"{deployment.status}@{deployment.status_changed_at}",
        ),
        repository=repository,
        environment=deployment.environment,
        commit_sha=commit_sha,
        branch=deployment.ref,
        status=deployment.status,
        user_name=deployer,
        user_email=_email(deployment.user.email) if deployment.user else None,
        links=[
            *link(deployment.environment_external_url, f"Open {deployment.environment or 'environment'}"),
            *link(deployment.deployable_url, "Deployment job"),
        ],
        custom_details=custom_details_of(
            _delivery_details(delivery),
            deploymentId=deployment.deployment_id,
            commitTitle=deployment.commit_title,
        ),
    )


def _full_sha(commit_url: str | None) -> str | None:
    """The payload carries only the short SHA; the full one is the tail of ``commit_url``."""
    if not commit_url:
        return None
    tail = commit_url.rstrip("/").rsplit("/", 1)[-1]
    return tail if len(tail) == 40 and all(char in "0123456789abcdef" for char in tail) else None


def _pipeline(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(PipelineEvent, delivery.payload)
    run = event.object_attributes
    if run.status not in FINISHED_STATUSES:
        return Ignored(f"pipeline status {run.status!r} is not final", "not_final")
    repository = event.project.path_with_namespace
    outcome = {"success": "succeeded", "failed": "failed", "canceled": "was canceled"}[run.status]
    finished_at = (
        parse_time_field(run.finished_at, "object_attributes.finished_at") if run.finished_at else delivery.received_at
    )
    target = f"{repository}@{run.ref}" if run.ref else repository
    return NormalisedEvent(
        kind=EventKind.WORKFLOW,
        summary=summary_of("Pipeline", f"#{run.id}", outcome, "on", target),
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
        custom_details=custom_details_of(_delivery_details(delivery), pipelineId=run.id, trigger=run.source),
    )


_HANDLERS = {
    "Push Hook": _push,
    "Merge Request Hook": _merge_request,
    "Release Hook": _release,
    "Deployment Hook": _deployment,
    "Pipeline Hook": _pipeline,
}
