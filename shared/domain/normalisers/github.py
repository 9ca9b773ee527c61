"""GitHub webhooks (SPEC §3.2): push, merged pull request, published release, terminal
deployment status and, when asked for, completed workflow runs."""

from __future__ import annotations

import re
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

TERMINAL_DEPLOYMENT_STATES = ("success", "failure", "error")
_VERSION_LIKE = re.compile(r"^v?\d+(\.\d+)+([-+.][0-9A-Za-z.-]+)?$")
_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)


class User(_Payload):
    login: str


class Repository(_Payload):
    full_name: str
    html_url: str | None = None


class Commit(_Payload):
    id: str
    message: str = ""
    url: str | None = None


class Pusher(_Payload):
    name: str | None = None
    email: str | None = None


class PushEvent(_Payload):
    ref: str
    after: str
    created: bool = False
    deleted: bool = False
    forced: bool = False
    compare: str | None = None
    commits: list[Commit] = []
    head_commit: Commit | None = None
    repository: Repository
    pusher: Pusher | None = None
    sender: User | None = None


class BranchRef(_Payload):
    ref: str
    sha: str | None = None


class PullRequest(_Payload):
    number: int
    title: str = ""
    html_url: str | None = None
    merged: bool | None = None
    merged_at: str | None = None
    closed_at: str | None = None
    merge_commit_sha: str | None = None
    base: BranchRef
    head: BranchRef | None = None
    user: User | None = None
    merged_by: User | None = None


class PullRequestEvent(_Payload):
    action: str
    pull_request: PullRequest
    repository: Repository
    sender: User | None = None


class Release(_Payload):
    id: int
    tag_name: str
    name: str | None = None
    html_url: str | None = None
    published_at: str | None = None
    created_at: str | None = None
    prerelease: bool = False
    author: User | None = None
    target_commitish: str | None = None


class ReleaseEvent(_Payload):
    action: str
    release: Release
    repository: Repository


class DeploymentStatus(_Payload):
    id: int
    state: str
    environment: str | None = None
    created_at: str
    description: str | None = None
    creator: User | None = None
    target_url: str | None = None
    log_url: str | None = None
    environment_url: str | None = None


class Deployment(_Payload):
    id: int
    sha: str | None = None
    ref: str | None = None
    environment: str | None = None
    task: str | None = None
    payload: dict[str, Any] | str | None = None
    creator: User | None = None


class DeploymentStatusEvent(_Payload):
    deployment_status: DeploymentStatus
    deployment: Deployment
    repository: Repository


class Workflow(_Payload):
    name: str | None = None
    path: str | None = None


class WorkflowRun(_Payload):
    id: int
    name: str | None = None
    display_title: str | None = None
    run_number: int | None = None
    run_attempt: int = 1
    head_branch: str | None = None
    head_sha: str | None = None
    conclusion: str | None = None
    html_url: str | None = None
    updated_at: str
    event: str | None = None
    actor: User | None = None


class WorkflowRunEvent(_Payload):
    action: str
    workflow_run: WorkflowRun
    workflow: Workflow | None = None
    repository: Repository


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    name = delivery.event_name
    if name == "ping":
        return Ignored("ping", "ping")
    handler = _HANDLERS.get(name)
    if handler is None:
        return unsupported_event(name)
    if name not in pipeline.event_filters:
        return event_not_enabled(name)
    return handler(delivery, pipeline)


def _delivery_details(delivery: Delivery) -> dict[str, Any]:
    return custom_details_of(
        {"source": "github", "event": delivery.event_name}, deliveryId=delivery.headers.get("x-github-delivery")
    )


def _push(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    push = parse_payload(PushEvent, delivery.payload)
    if not push.ref.startswith("refs/heads/"):
        return Ignored("tag pushes are not deployments", "tag_push")
    if push.deleted:
        return Ignored("branch deletion", "branch_deleted")
    branch = push.ref.removeprefix("refs/heads/")
    if not branch_matches(branch, pipeline.branch_filters):
        return branch_ignored(branch)
    repository = push.repository.full_name
    head = push.head_commit or (push.commits[-1] if push.commits else None)
    pusher = push.pusher.name if push.pusher and push.pusher.name else (push.sender.login if push.sender else None)
    verb = "force-pushed" if push.forced else "pushed"
    commits = f"{count_of(len(push.commits), 'commit')} to " if push.commits else "to "
    target = f"{'new branch ' if push.created else ''}{repository}@{branch}"
    headline = first_line(head.message) if head else ""
    summary = summary_of(f"{pusher or 'Someone'} {verb} {commits}{target}" + (f": {headline}" if headline else ""))
    return NormalisedEvent(
        kind=EventKind.PUSH,
        summary=summary,
        timestamp=delivery.received_at,
        natural_key=f"push:{repository}:{branch}:{push.after}",
        repository=repository,
        commit_sha=push.after,
        branch=branch,
        user_name=pusher,
        user_email=push.pusher.email if push.pusher else None,
        links=link(push.compare, "Compare changes") or link(head.url if head else None, "Head commit"),
        custom_details=custom_details_of(_delivery_details(delivery), commits=len(push.commits), forced=push.forced),
    )


def _pull_request(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(PullRequestEvent, delivery.payload)
    pull = event.pull_request
    if event.action != "closed" or pull.merged is not True:
        return Ignored("pull request was not merged", "not_merged")
    if not branch_matches(pull.base.ref, pipeline.branch_filters):
        return branch_ignored(pull.base.ref)
    repository = event.repository.full_name
    merger = pull.merged_by.login if pull.merged_by else (event.sender.login if event.sender else None)
    return NormalisedEvent(
        kind=EventKind.MERGE,
        summary=summary_of(
            merger or "Someone",
            "merged PR",
            f"#{pull.number}",
            quoted(pull.title),
            f"into {repository}@{pull.base.ref}",
        ),
        timestamp=parse_time_field(pull.merged_at or pull.closed_at, "pull_request.merged_at"),
        natural_key=f"merge:{repository}:{pull.number}",
        repository=repository,
        commit_sha=pull.merge_commit_sha,
        branch=pull.base.ref,
        user_name=merger,
        links=link(pull.html_url, f"Pull request #{pull.number}"),
        custom_details=custom_details_of(
            _delivery_details(delivery),
            pullRequest=pull.number,
            author=pull.user.login if pull.user else None,
            headBranch=pull.head.ref if pull.head else None,
        ),
    )


def _release(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(ReleaseEvent, delivery.payload)
    if event.action != "published":
        return Ignored(f"release action {event.action!r} is not 'published'", "release_action")
    release = event.release
    repository = event.repository.full_name
    title = quoted(release.name) if release.name and release.name != release.tag_name else ""
    published_at = release.published_at or release.created_at
    return NormalisedEvent(
        kind=EventKind.RELEASE,
        summary=summary_of(
            "Pre-release" if release.prerelease else "Release", release.tag_name, title, f"published in {repository}"
        ),
        timestamp=parse_time_field(published_at, "release.published_at") if published_at else delivery.received_at,
        natural_key=f"release:{release.id}",
        repository=repository,
        version=release.tag_name,
        branch=release.target_commitish
        if release.target_commitish and not _FULL_SHA.match(release.target_commitish)
        else None,
        user_name=release.author.login if release.author else None,
        links=link(release.html_url, f"Release {release.tag_name}"),
        custom_details=custom_details_of(
            _delivery_details(delivery), releaseId=release.id, prerelease=release.prerelease
        ),
    )


def _deployment_status(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(DeploymentStatusEvent, delivery.payload)
    status, deployment = event.deployment_status, event.deployment
    if status.state not in TERMINAL_DEPLOYMENT_STATES:
        return Ignored(f"deployment status {status.state!r} is not terminal", "not_final")
    repository = event.repository.full_name
    environment = status.environment or deployment.environment
    version, branch = _version_and_branch(deployment)
    deployer = deployment.creator.login if deployment.creator else None
    target = f"{repository}@{version or branch or (deployment.sha or '')[:7]}".rstrip("@")
    where = f"to {environment}" if environment else ""
    if status.state == "success":
        summary = summary_of(deployer or "Someone", "deployed", target, where)
    else:
        outcome = "failed" if status.state == "failure" else "errored"
        summary = summary_of("Deployment of", target, where, outcome, f"({deployer})" if deployer else None)
    created_at = parse_time_field(status.created_at, "deployment_status.created_at")
    return NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary,
        timestamp=created_at,
        natural_key=f"deployment:{deployment.id}",
        revision=Revision(at=created_at, tiebreak=f"{status.id:020d}", identity=str(status.id)),
        repository=repository,
        environment=environment,
        version=version,
        commit_sha=deployment.sha,
        branch=branch,
        status=status.state,
        user_name=deployer,
        links=[
            *link(status.environment_url, f"Open {environment or 'environment'}"),
            *(link(status.log_url, "Deployment log") or link(status.target_url, "Deployment log")),
        ],
        custom_details=custom_details_of(
            _delivery_details(delivery),
            deploymentId=deployment.id,
            statusId=status.id,
            task=deployment.task,
            description=status.description,
        ),
    )


def _version_and_branch(deployment: Deployment) -> tuple[str | None, str | None]:
    """A deployment's ref may be a branch, a tag or a SHA; a payload ``version`` wins."""
    payload_version = deployment.payload.get("version") if isinstance(deployment.payload, dict) else None
    ref = deployment.ref or ""
    if isinstance(payload_version, str | int | float) and str(payload_version):
        return str(payload_version), (
            ref if ref and not _VERSION_LIKE.match(ref) and not _FULL_SHA.match(ref) else None
        )
    if _VERSION_LIKE.match(ref):
        return ref, None
    if not ref or _FULL_SHA.match(ref):
        return None, None
    return None, ref


def _workflow_run(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(WorkflowRunEvent, delivery.payload)
    if event.action != "completed":
        return Ignored(f"workflow run action {event.action!r} is not 'completed'", "not_final")
    run = event.workflow_run
    repository = event.repository.full_name
    name = run.name or (event.workflow.name if event.workflow else None) or "workflow"
    outcome = {"success": "succeeded", "failure": "failed", "cancelled": "was cancelled", "timed_out": "timed out"}
    conclusion = run.conclusion or "completed"
    target = f"{repository}@{run.head_branch}" if run.head_branch else repository
    number = f"(run #{run.run_number})" if run.run_number is not None else None
    return NormalisedEvent(
        kind=EventKind.WORKFLOW,
        summary=summary_of("Workflow", quoted(name), outcome.get(conclusion, conclusion), "on", target, number),
        timestamp=parse_time_field(run.updated_at, "workflow_run.updated_at"),
        natural_key=f"workflow_run:{run.id}:{run.run_attempt}",
        repository=repository,
        commit_sha=run.head_sha,
        branch=run.head_branch,
        status=conclusion,
        user_name=run.actor.login if run.actor else None,
        links=link(run.html_url, f"Workflow run #{run.run_number}" if run.run_number is not None else "Workflow run"),
        custom_details=custom_details_of(
            _delivery_details(delivery),
            workflowRunId=run.id,
            runAttempt=run.run_attempt,
            trigger=run.event,
            title=run.display_title,
            workflowPath=event.workflow.path if event.workflow else None,
        ),
    )


_HANDLERS = {
    "push": _push,
    "pull_request": _pull_request,
    "release": _release,
    "deployment_status": _deployment_status,
    "workflow_run": _workflow_run,
}
