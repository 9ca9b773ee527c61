"""The parts of GitLab's webhook payloads that the normaliser reads."""

from __future__ import annotations

from pydantic import Field

from shared.domain.normalisers.code_hosts import Commit, Push
from shared.domain.payloads import PayloadModel

NO_COMMIT = "0" * 40


class Project(PayloadModel):
    id: int | None = None
    path_with_namespace: str

    def key(self, project_id: int | None = None) -> str:
        """Older payloads leave ``id`` out of ``project``: a push still carries ``project_id``,
        and elsewhere the path names the project."""
        known = self.id or project_id
        return str(known) if known else self.path_with_namespace


class User(PayloadModel):
    username: str | None = None
    name: str | None = None
    email: str | None = None

    @property
    def display_name(self) -> str | None:
        return self.username or self.name


class PushEvent(Push):
    checkout_sha: str | None = None
    user_name: str | None = None
    user_username: str | None = None
    user_email: str | None = None
    project_id: int | None = None
    project: Project
    commits: list[Commit] = Field(default_factory=list)
    total_commits_count: int | None = None

    @property
    def deletes_branch(self) -> bool:
        """A deleted branch points at no commit."""
        return self.after == NO_COMMIT or self.checkout_sha is None


class MergeRequest(PayloadModel):
    iid: int
    title: str = ""
    action: str | None = None
    target_branch: str
    source_branch: str | None = None
    url: str | None = None
    merge_commit_sha: str | None = None
    updated_at: str | None = None


class MergeRequestEvent(PayloadModel):
    object_attributes: MergeRequest
    project: Project
    user: User | None = None


class ReleaseCommit(PayloadModel):
    id: str | None = None


class ReleaseEvent(PayloadModel):
    id: int
    tag: str
    name: str | None = None
    url: str | None = None
    action: str
    released_at: str | None = None
    created_at: str | None = None
    project: Project
    commit: ReleaseCommit | None = None


class DeploymentHook(PayloadModel):
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


class Pipeline(PayloadModel):
    id: int
    ref: str | None = None
    tag: bool = False
    sha: str | None = None
    status: str
    finished_at: str | None = None
    url: str | None = None
    source: str | None = None


class PipelineEvent(PayloadModel):
    object_attributes: Pipeline
    project: Project
    user: User | None = None
