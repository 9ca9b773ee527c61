"""The parts of GitHub's webhook payloads that the normaliser reads."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.domain.normalisers.code_hosts import Commit, Push
from shared.domain.payloads import PayloadModel


class User(PayloadModel):
    login: str


class Repository(PayloadModel):
    full_name: str
    html_url: str | None = None


class Pusher(PayloadModel):
    name: str | None = None
    email: str | None = None


class PushEvent(Push):
    created: bool = False
    deleted: bool = False
    forced: bool = False
    compare: str | None = None
    commits: list[Commit] = Field(default_factory=list)
    head_commit: Commit | None = None
    repository: Repository
    pusher: Pusher | None = None
    sender: User | None = None

    @property
    def deletes_branch(self) -> bool:
        return self.deleted


class BranchRef(PayloadModel):
    ref: str
    sha: str | None = None


class PullRequest(PayloadModel):
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


class PullRequestEvent(PayloadModel):
    action: str
    pull_request: PullRequest
    repository: Repository
    sender: User | None = None


class Release(PayloadModel):
    id: int
    tag_name: str
    name: str | None = None
    html_url: str | None = None
    published_at: str | None = None
    created_at: str | None = None
    prerelease: bool = False
    author: User | None = None
    target_commitish: str | None = None


class ReleaseEvent(PayloadModel):
    action: str
    release: Release
    repository: Repository


class DeploymentStatus(PayloadModel):
    id: int
    state: str
    environment: str | None = None
    created_at: str
    description: str | None = None
    creator: User | None = None
    target_url: str | None = None
    log_url: str | None = None
    environment_url: str | None = None


class Deployment(PayloadModel):
    id: int
    sha: str | None = None
    ref: str | None = None
    environment: str | None = None
    task: str | None = None
    payload: dict[str, Any] | str | None = None
    creator: User | None = None


class DeploymentStatusEvent(PayloadModel):
    deployment_status: DeploymentStatus
    deployment: Deployment
    repository: Repository


class Workflow(PayloadModel):
    name: str | None = None
    path: str | None = None


class WorkflowRun(PayloadModel):
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


class WorkflowRunEvent(PayloadModel):
    action: str
    workflow_run: WorkflowRun
    workflow: Workflow | None = None
    repository: Repository
