"""Each GitHub event the normaliser reads: when it is no change, and the deployment event it becomes."""

from __future__ import annotations

import re
from typing import Any

from shared.domain.models.deployments import EventKind, Revision
from shared.domain.normalisers.code_hosts import (
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
    quoted,
    summary_of,
    webhook_details,
)
from shared.domain.normalisers.github.models import (
    Deployment,
    DeploymentStatusEvent,
    PullRequestEvent,
    PushEvent,
    ReleaseEvent,
    Workflow,
    WorkflowRunEvent,
)
from shared.domain.payloads import Ignored

DELIVERY_HEADERS = {"deliveryId": "x-github-delivery"}
TERMINAL_DEPLOYMENT_STATES = ("success", "failure", "error")
WORKFLOW_OUTCOMES = {
    "success": "succeeded",
    "failure": "failed",
    "cancelled": "was cancelled",
    "timed_out": "timed out",
}
_VERSION_LIKE = re.compile(r"^v?\d+(\.\d+)+([-+.][0-9A-Za-z.-]+)?$")
_FULL_SHA = re.compile(r"^[0-9a-f]{40}$")


def _details(delivery: Delivery, **values: Any) -> dict[str, Any]:
    return webhook_details(delivery, "github", DELIVERY_HEADERS, **values)


def push(push: PushEvent, delivery: Delivery) -> NormalisedEvent:
    repository, branch = push.repository.full_name, push.branch
    head = push.head_commit or (push.commits[-1] if push.commits else None)
    pusher = _pusher(push)
    target = f"{'new branch ' if push.created else ''}{repository}@{branch}"
    return NormalisedEvent(
        kind=EventKind.PUSH,
        summary=push_summary(pusher, "force-pushed" if push.forced else "pushed", len(push.commits), target, head),
        timestamp=delivery.received_at,
        natural_key=f"push:{repository}:{branch}:{push.after}",
        repository=repository,
        commit_sha=push.after,
        branch=branch,
        user_name=pusher,
        user_email=push.pusher.email if push.pusher else None,
        links=link(push.compare, "Compare changes") or link(head.url if head else None, "Head commit"),
        custom_details=_details(
            delivery, commits=len(push.commits), forced=push.forced, firstCommitAt=first_commit_at(push.commits)
        ),
        signals=push_signals(push.commits, head),
    )


def _pusher(push: PushEvent) -> str | None:
    if push.pusher and push.pusher.name:
        return push.pusher.name
    return push.sender.login if push.sender else None


def pull_request_skipped(event: PullRequestEvent) -> Ignored | None:
    if event.action != "closed" or event.pull_request.merged is not True:
        return Ignored("pull request was not merged", "not_merged")
    return None


def pull_request_branch(event: PullRequestEvent) -> str:
    return event.pull_request.base.ref


def pull_request(event: PullRequestEvent, delivery: Delivery) -> NormalisedEvent:
    pull = event.pull_request
    repository = event.repository.full_name
    merger = pull.merged_by.login if pull.merged_by else (event.sender.login if event.sender else None)
    return NormalisedEvent(
        kind=EventKind.MERGE,
        summary=merge_summary(merger, f"PR #{pull.number}", pull.title, repository, pull.base.ref),
        timestamp=parse_time_field(pull.merged_at or pull.closed_at, "pull_request.merged_at"),
        natural_key=f"merge:{repository}:{pull.number}",
        repository=repository,
        commit_sha=pull.merge_commit_sha,
        branch=pull.base.ref,
        user_name=merger,
        links=link(pull.html_url, f"Pull request #{pull.number}"),
        custom_details=_details(
            delivery,
            pullRequest=pull.number,
            author=pull.user.login if pull.user else None,
            headBranch=pull.head.ref if pull.head else None,
        ),
        signals=merge_signals(pull.title),
    )


def release_skipped(event: ReleaseEvent) -> Ignored | None:
    if event.action != "published":
        return Ignored(f"release action {event.action!r} is not 'published'", "release_action")
    return None


def release(event: ReleaseEvent, delivery: Delivery) -> NormalisedEvent:
    release = event.release
    repository = event.repository.full_name
    published_at = release.published_at or release.created_at
    target = release.target_commitish
    return NormalisedEvent(
        kind=EventKind.RELEASE,
        summary=release_summary(
            "Pre-release" if release.prerelease else "Release", release.tag_name, release.name, repository
        ),
        timestamp=parse_time_field(published_at, "release.published_at") if published_at else delivery.received_at,
        natural_key=f"release:{release.id}",
        repository=repository,
        version=release.tag_name,
        branch=target if target and not _FULL_SHA.match(target) else None,
        user_name=release.author.login if release.author else None,
        links=link(release.html_url, f"Release {release.tag_name}"),
        custom_details=_details(delivery, releaseId=release.id, prerelease=release.prerelease),
    )


def deployment_status_skipped(event: DeploymentStatusEvent) -> Ignored | None:
    return not_finished("deployment status", event.deployment_status.state, TERMINAL_DEPLOYMENT_STATES, "terminal")


def deployment_status(event: DeploymentStatusEvent, delivery: Delivery) -> NormalisedEvent:
    status, deployment = event.deployment_status, event.deployment
    repository = event.repository.full_name
    environment = status.environment or deployment.environment
    version, branch = _version_and_branch(deployment)
    deployer = deployment.creator.login if deployment.creator else None
    failure = {"success": None, "failure": "failed"}.get(status.state, "errored")
    ref = version or branch or (deployment.sha or "")[:7]
    created_at = parse_time_field(status.created_at, "deployment_status.created_at")
    return NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=deployment_summary(deployer, repository, ref, environment, failure),
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
        custom_details=_details(
            delivery,
            deploymentId=deployment.id,
            statusId=status.id,
            task=deployment.task,
            description=status.description,
        ),
    )


def _version_and_branch(deployment: Deployment) -> tuple[str | None, str | None]:
    """A deployment's ref may be a branch, a tag or a SHA; a payload ``version`` wins."""
    ref = deployment.ref or ""
    is_branch = bool(ref) and not _VERSION_LIKE.match(ref) and not _FULL_SHA.match(ref)
    payload_version = deployment.payload.get("version") if isinstance(deployment.payload, dict) else None
    if isinstance(payload_version, str | int | float) and str(payload_version):
        return str(payload_version), ref if is_branch else None
    if _VERSION_LIKE.match(ref):
        return ref, None
    return None, ref if is_branch else None


def workflow_run_skipped(event: WorkflowRunEvent) -> Ignored | None:
    if event.action != "completed":
        return Ignored(f"workflow run action {event.action!r} is not 'completed'", "not_final")
    return None


def workflow_run(event: WorkflowRunEvent, delivery: Delivery) -> NormalisedEvent:
    run, workflow = event.workflow_run, event.workflow
    repository = event.repository.full_name
    name = run.name or _workflow_name(workflow)
    conclusion = run.conclusion or "completed"
    target = f"{repository}@{run.head_branch}" if run.head_branch else repository
    number = f"#{run.run_number}" if run.run_number is not None else None
    return NormalisedEvent(
        kind=EventKind.WORKFLOW,
        summary=summary_of(
            "Workflow",
            quoted(name),
            WORKFLOW_OUTCOMES.get(conclusion, conclusion),
            "on",
            target,
            f"(run {number})" if number else None,
        ),
        timestamp=parse_time_field(run.updated_at, "workflow_run.updated_at"),
        natural_key=f"workflow_run:{run.id}:{run.run_attempt}",
        repository=repository,
        commit_sha=run.head_sha,
        branch=run.head_branch,
        status=conclusion,
        user_name=run.actor.login if run.actor else None,
        links=link(run.html_url, f"Workflow run {number}" if number else "Workflow run"),
        custom_details=_details(
            delivery,
            workflowRunId=run.id,
            runAttempt=run.run_attempt,
            trigger=run.event,
            title=run.display_title,
            workflowPath=workflow.path if workflow else None,
        ),
    )


def _workflow_name(workflow: Workflow | None) -> str:
    return (workflow.name if workflow else None) or "workflow"
