"""Argo CD (§15): the body of ilert's documented argocd-notifications template, one
deployment per application and synced revision."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field

from shared.domain.models.common import Link
from shared.domain.models.deployments import EventKind, Revision
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.models.signals import explicit_signal
from shared.domain.normalisers.common import (
    Delivery,
    NormalisedEvent,
    custom_details_of,
    first_line,
    link,
    parse_time_field,
    summary_of,
)
from shared.domain.payloads import Ignored, PayloadModel, parse_payload

PHASE_STATUS = {"Succeeded": "success", "Failed": "failure", "Error": "failure"}
"""The phases ilert's ``on-deployed`` trigger fires on, and what each means for the deployment."""
_PHASE_RANK = {"Error": "1", "Failed": "2", "Succeeded": "3"}
"""Orders two results of one sync in the same second: a retry that succeeded ends the story."""
_LINK_ANNOTATION = "link.argocd.argoproj.io/"
"""Argo CD shows ``link.argocd.argoproj.io/<name>: <url>`` annotations as the application's links."""
_COMMIT_SHA = re.compile(r"^[0-9a-f]{7,64}$")
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>.+)$")


class Metadata(PayloadModel):
    name: str
    namespace: str | None = None
    labels: dict[str, Any] | None = None
    annotations: dict[str, Any] | None = None
    deletion_timestamp: str | None = Field(default=None, alias="deletionTimestamp")


class Source(PayloadModel):
    repo_url: str | None = Field(default=None, alias="repoURL")


class Destination(PayloadModel):
    name: str | None = None
    server: str | None = None
    namespace: str | None = None


class Spec(PayloadModel):
    project: str | None = None
    destination: Destination | None = None
    source: Source | None = None
    sources: list[Source] | None = None


class SyncResult(PayloadModel):
    revision: str | None = None
    revisions: list[str] | None = None


class SyncOperation(PayloadModel):
    revision: str | None = None
    revisions: list[str] | None = None


class InitiatedBy(PayloadModel):
    username: str | None = None
    automated: bool = False


class Operation(PayloadModel):
    sync: SyncOperation | None = None
    rollback: dict[str, Any] | None = None
    """Argo CD's ``RollbackOperation`` (``argocd app rollback``): to an earlier history entry."""
    initiated_by: InitiatedBy | None = Field(default=None, alias="initiatedBy")


class OperationState(PayloadModel):
    phase: str | None = None
    message: str | None = None
    started_at: str | None = Field(default=None, alias="startedAt")
    finished_at: str | None = Field(default=None, alias="finishedAt")
    sync_result: SyncResult | None = Field(default=None, alias="syncResult")
    operation: Operation | None = None


class AppSummary(PayloadModel):
    external_urls: list[Any] | None = Field(default=None, alias="externalURLs")


class AppStatus(PayloadModel):
    operation_state: OperationState | None = Field(default=None, alias="operationState")
    summary: AppSummary | None = None


class Application(PayloadModel):
    metadata: Metadata
    spec: Spec | None = None
    status: AppStatus | None = None


class CommitMetadata(PayloadModel):
    """Argo CD's ``CommitMetadata`` has no JSON tags, so its keys are the Go field names."""

    message: str | None = Field(default=None, alias="Message")
    author: str | None = Field(default=None, alias="Author")
    tags: list[str] | None = Field(default=None, alias="Tags")


class SyncNotification(PayloadModel):
    app: Application
    commit: CommitMetadata | None = None
    repository_name: str | None = Field(default=None, alias="repositoryName")


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    body = parse_payload(SyncNotification, delivery.payload)
    metadata = body.app.metadata
    if metadata.deletion_timestamp:
        return Ignored(f"application {metadata.name} is being deleted", "deleted")
    state = body.app.status.operation_state if body.app.status else None
    phase = state.phase if state else None
    if state is None or phase is None or phase not in PHASE_STATUS:
        return Ignored(f"sync of application {metadata.name} is not finished (phase {phase!r})", "not_terminal")
    return _deployment(body, state, phase, delivery.received_at)


def _deployment(body: SyncNotification, state: OperationState, phase: str, received_at: datetime) -> NormalisedEvent:
    """A finished sync: one deployment of the application at the revisions it synced."""
    app, spec = body.app, body.app.spec or Spec()
    name = app.metadata.name
    repo_url = _repo_url(spec)
    revisions = _synced_revisions(state)
    revision = revisions[0] if revisions else None
    commit_sha = revision if revision and _COMMIT_SHA.match(revision) else None
    environment = _environment(app.metadata, spec.destination)
    finished = state.finished_at or state.started_at
    timestamp = _finished_at(state, received_at)
    user = state.operation.initiated_by.username if state.operation and state.operation.initiated_by else None
    return NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=_summary(name, environment, revision, phase, state.message),
        timestamp=timestamp,
        natural_key=_natural_key(app.metadata, revisions, state),
        revision=Revision(at=timestamp, tiebreak=_PHASE_RANK[phase], identity=f"{phase}@{finished}"),
        repository=_repository(body.repository_name, repo_url),
        service=name,
        environment=environment,
        version=_tag(body.commit) or (None if commit_sha else revision),
        commit_sha=commit_sha,
        status=PHASE_STATUS[phase],
        user_name=user,
        user_email=user,
        signals=explicit_signal(rollback=bool(state.operation and state.operation.rollback is not None)),
        links=[
            *_annotation_links(app.metadata.annotations),
            *_external_links(app.status, environment),
            *_commit_link(repo_url, commit_sha),
        ],
        custom_details=_details(body, spec, state, phase),
    )


def _repo_url(spec: Spec) -> str | None:
    """The repository of the application's source; of its first source when it has several."""
    source = spec.source or next(iter(spec.sources or []), None)
    return source.repo_url if source else None


def _finished_at(state: OperationState, received_at: datetime) -> datetime:
    """When the sync finished, or started when the notification says no more; else when received."""
    if state.finished_at:
        return parse_time_field(state.finished_at, "app.status.operationState.finishedAt")
    if state.started_at:
        return parse_time_field(state.started_at, "app.status.operationState.startedAt")
    return received_at


def _qualified_name(metadata: Metadata) -> str:
    return f"{metadata.namespace}/{metadata.name}" if metadata.namespace else metadata.name


def _natural_key(metadata: Metadata, revisions: list[str], state: OperationState) -> str | None:
    """One deployment per application and synced revision; a sync that names no revision is
    told apart by when it started."""
    sync_key = ",".join(revisions) or state.started_at
    return f"argocd:{_qualified_name(metadata)}:{sync_key}" if sync_key else None


def _tag(commit: CommitMetadata | None) -> str | None:
    return next(iter(commit.tags or []), None) if commit else None


def _details(body: SyncNotification, spec: Spec, state: OperationState, phase: str) -> dict[str, Any]:
    initiated_by = state.operation.initiated_by if state.operation else None
    commit = body.commit or CommitMetadata()
    destination = spec.destination or Destination()
    return custom_details_of(
        {"source": "argocd", "application": _qualified_name(body.app.metadata), "phase": phase},
        project=spec.project,
        cluster=destination.name or destination.server,
        message=state.message,
        automated=True if initiated_by and initiated_by.automated else None,
        commitAuthor=commit.author,
        commitMessage=first_line(commit.message) or None,
    )


def _synced_revisions(state: OperationState) -> list[str]:
    """What was synced, one revision per source of a multi-source application; a sync that
    failed before it had a result names what it was asked to sync."""
    for candidate in (state.sync_result, state.operation.sync if state.operation else None):
        if candidate and candidate.revision:
            return [candidate.revision]
        if candidate and candidate.revisions:
            return candidate.revisions
    return []


def _environment(metadata: Metadata, destination: Destination | None) -> str | None:
    """An ``environment`` label says it outright; the target namespace is the usual stand-in."""
    label = (metadata.labels or {}).get("environment")
    if isinstance(label, str) and label.strip():
        return label
    return destination.namespace if destination else None


def _summary(name: str, environment: str | None, revision: str | None, phase: str, message: str | None) -> str:
    where = f"to {environment}" if environment else None
    at = f"at {revision[:7] if _COMMIT_SHA.match(revision) else revision}" if revision else None
    if phase == "Succeeded":
        return summary_of("Argo CD synced", name, where, at, f"({phase})")
    reason = first_line(message)
    return summary_of("Argo CD sync of", name, where, at, f"failed ({phase})" + (f": {reason}" if reason else ""))


def _repository(repository_name: str | None, repo_url: str | None) -> str | None:
    """The template's ``FullNameByRepoURL`` gives ``/<name>`` for a URL of one segment (a Helm
    repository): that is no repository, so it is derived again from the URL, as Argo CD does."""
    if repository_name and repository_name.strip() and not repository_name.startswith("/"):
        return repository_name
    location = _web_location(repo_url)
    return "/".join(location[1][:2]) if location and len(location[1]) >= 2 else None


def _web_location(repo_url: str | None) -> tuple[str, list[str]] | None:
    """Host and path segments of an HTTPS or SSH (``git@host:owner/repo.git``) repository URL."""
    if not repo_url:
        return None
    if "://" in repo_url:
        try:
            parsed = urlsplit(repo_url)
            host = parsed.hostname
        except ValueError:
            return None
        path = parsed.path
    else:
        match = _SCP_LIKE.match(repo_url)
        if not match:
            return None
        host, path = match["host"], match["path"]
    parts = [part for part in path.removesuffix(".git").split("/") if part]
    return (host, parts) if host else None


def _commit_link(repo_url: str | None, sha: str | None) -> list[Link]:
    """GitHub and GitLab have a page per commit; other hosts' addresses are not guessed."""
    location = _web_location(repo_url)
    if not location or not sha:
        return []
    host, parts = location
    route = "commit" if "github" in host else "-/commit" if "gitlab" in host else None
    if route is None or len(parts) < 2:
        return []
    return link(f"https://{host}/{'/'.join(parts)}/{route}/{sha}", f"Commit {sha[:7]}")


def _annotation_links(annotations: dict[str, Any] | None) -> list[Link]:
    return [
        found
        for key, value in (annotations or {}).items()
        if key.startswith(_LINK_ANNOTATION) and isinstance(value, str)
        for found in link(value, key.removeprefix(_LINK_ANNOTATION))
    ]


def _external_links(status: AppStatus | None, environment: str | None) -> list[Link]:
    """The addresses Argo CD found on the application's ingresses: the deployed service itself."""
    urls = status.summary.external_urls if status and status.summary else None
    return [found for url in urls or [] if isinstance(url, str) for found in link(url, f"Open {environment or 'app'}")]
