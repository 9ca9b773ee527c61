"""Flux (§20): notification-controller's events through its ``generic-hmac`` provider.

A Kustomization or a HelmRelease that reconciled, installed or upgraded is a deployment of the
object at the revision its metadata names; an error is one that failed. Flux repeats an event
at every reconciliation that ends the same way (its rate limit only spaces them), so the object,
the revision and the reason make the natural key: a repeat is a duplicate. An event without a
revision is told apart by its time, so that no later deployment is taken for a repeat."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.models.signals import explicit_signal
from shared.domain.normalisers.common import (
    Delivery,
    NormalisedEvent,
    custom_details_of,
    first_line,
    parse_time_field,
    summary_of,
)
from shared.domain.payloads import Ignored, PayloadModel, parse_payload

DEPLOYED_OBJECTS = frozenset({"Kustomization", "HelmRelease"})
SUCCEEDED = frozenset({"ReconciliationSucceeded", "InstallSucceeded", "UpgradeSucceeded", "RollbackSucceeded"})
"""The reasons of an ``info`` event that mean the object was applied (kustomize- and helm-controller)."""
ENVIRONMENT_KEYS = ("environment", "env")
"""Metadata an Alert's ``eventMetadata`` may add to name the environment; else the namespace is it."""
_GIT_REVISION = re.compile(r"^(?:(?P<ref>.+?)[@/])?(?:sha1:)?(?P<sha>[0-9a-f]{40})$")
"""``main@sha1:<sha>`` (Flux 2.0 and later), ``main/<sha>`` (before), ``sha1:<sha>``, ``<sha>``."""
SHOWN_LENGTH = 100


class InvolvedObject(PayloadModel):
    kind: str
    name: str = Field(min_length=1)
    namespace: str | None = None


class FluxEvent(PayloadModel):
    involved_object: InvolvedObject = Field(alias="involvedObject")
    severity: str
    reason: str
    message: str | None = None
    metadata: dict[str, Any] | None = None
    reporting_controller: str | None = Field(default=None, alias="reportingController")
    timestamp: str


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    event = parse_payload(FluxEvent, delivery.payload)
    kind, reason = event.involved_object.kind, event.reason
    if kind not in DEPLOYED_OBJECTS:
        shown = kind[:SHOWN_LENGTH]
        return Ignored(f"a {shown} is not deployed; only a Kustomization or a HelmRelease is", "not_deployed")
    failed = event.severity == "error" or reason.endswith("Failed")
    if not failed and reason not in SUCCEEDED:
        return Ignored(f"reason {reason[:SHOWN_LENGTH]!r} is neither an applied change nor a failure", "not_final")
    return _deployment(event, failed)


def _deployment(event: FluxEvent, failed: bool) -> NormalisedEvent:
    target = event.involved_object
    metadata = event.metadata or {}
    revision = _revision(metadata)
    branch, commit_sha = _git_revision(revision)
    environment = _text(metadata, *ENVIRONMENT_KEYS) or target.namespace
    qualified = f"{target.namespace}/{target.name}" if target.namespace else target.name
    outcome = f"failed ({event.reason}): {first_line(event.message)}" if failed else f"({event.reason})"
    return NormalisedEvent(
        kind=EventKind.DEPLOYMENT,
        summary=summary_of("Flux", target.kind, qualified, None if failed else "applied", _at(revision), outcome),
        timestamp=parse_time_field(event.timestamp, "timestamp"),
        natural_key=f"flux:{target.kind}:{qualified}:{revision or event.timestamp}:{event.reason}",
        service=target.name,
        environment=environment,
        version=None if commit_sha else revision,
        commit_sha=commit_sha,
        branch=branch,
        status="failure" if failed else "success",
        custom_details=custom_details_of(
            {"source": "flux", "object": f"{target.kind}/{qualified}", "reason": event.reason},
            severity=event.severity,
            revision=revision,
            message=first_line(event.message) or None,
            controller=event.reporting_controller,
            cluster=_text(metadata, "cluster"),
        ),
        # A Helm rollback remediates the release it undid (§19).
        signals=explicit_signal(rollback=event.reason == "RollbackSucceeded"),
    )


def _at(revision: str | None) -> str | None:
    """``at main@731f7ea``: a commit shortened as Git shows it."""
    branch, commit_sha = _git_revision(revision)
    if commit_sha:
        return f"at {branch + '@' if branch else ''}{commit_sha[:7]}"
    return f"at {revision}" if revision else None


def _text(metadata: dict[str, Any], *keys: str) -> str | None:
    return next((value for key in keys if isinstance(value := metadata.get(key), str) and value.strip()), None)


def _revision(metadata: dict[str, Any]) -> str | None:
    """The controller's own ``<group>/revision`` (``kustomize.toolkit.fluxcd.io/revision``,
    ``helm.toolkit.fluxcd.io/revision``), or ``revision`` as older controllers sent it."""
    found = (value for key, value in metadata.items() if key == "revision" or key.endswith(".fluxcd.io/revision"))
    return next((value for value in found if isinstance(value, str) and value.strip()), None)


def _git_revision(revision: str | None) -> tuple[str | None, str | None]:
    """The branch (or tag) and commit of a Git revision; a chart version or an OCI digest has neither."""
    matched = _GIT_REVISION.match(revision or "")
    if not matched:
        return None, None
    ref = matched["ref"]
    return (ref.removeprefix("refs/heads/") if ref else None), matched["sha"]
