"""The Flux reader (§20) against notification-controller's documented generic webhook body
(tests/fixtures/changes/flux). Flux publishes no success body: the successes below are the same
event with the severity, reason and revision its controllers document for one (SOURCES.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers import flux
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from shared.domain.payloads import Ignored
from tests.fixture_files import fixture_json
from tests.records import RECEIVED_AT, pipeline_record

FAILED = "changes/flux/generic.kustomization-validation-failed.providers-docs.json"
COMMIT = "731f7eaddfb6af01cb2173e18f0f75b0ba780ef1"


def read(payload: dict[str, Any]) -> NormalisedEvent | Ignored:
    return flux.normalise(Delivery("flux-event", payload, {}, RECEIVED_AT), pipeline_record(IntegrationType.FLUX))


def changed(payload: dict[str, Any]) -> NormalisedEvent:
    result = read(payload)
    assert isinstance(result, NormalisedEvent), result
    return result


def failed_body() -> dict[str, Any]:
    body: dict[str, Any] = fixture_json(FAILED)
    return body


def succeeded_body(revision: str = f"main@sha1:{COMMIT}") -> dict[str, Any]:
    """kustomize-controller's success: severity info, ReconciliationSucceeded, the revision."""
    body = failed_body()
    body.update(severity="info", reason="ReconciliationSucceeded", message="Reconciliation finished in 1.2s")
    body["metadata"] = {"kustomize.toolkit.fluxcd.io/revision": revision}
    return body


def test_a_failed_validation_is_a_failed_deployment() -> None:
    # When the documented ValidationFailed event arrives
    event = changed(failed_body())
    # Then it is a failed deployment of the Kustomization in its namespace, at the revision's commit
    assert event.kind is EventKind.DEPLOYMENT
    assert (event.service, event.environment, event.status) == ("webapp", "apps", "failure")
    assert (event.branch, event.commit_sha, event.version) == ("main", COMMIT, None)
    assert event.timestamp == datetime(2022, 10, 28, 7, 26, 19, tzinfo=UTC)
    assert event.summary == (
        "Flux Kustomization apps/webapp at main@731f7ea failed (ValidationFailed): "
        "service/apps/webapp validation error: spec.type: Unsupported value: Ingress"
    )
    assert event.custom_details["controller"] == "kustomize-controller"


def test_a_reconciliation_that_succeeded_is_a_deployment() -> None:
    event = changed(succeeded_body())
    assert event.status == "success"
    assert event.summary == "Flux Kustomization apps/webapp applied at main@731f7ea (ReconciliationSucceeded)"
    assert (event.branch, event.commit_sha) == ("main", COMMIT)


def test_a_helm_release_upgraded_is_a_deployment_of_its_chart_version() -> None:
    # Given helm-controller's UpgradeSucceeded for a HelmRelease at chart version 6.5.4
    body = succeeded_body()
    body["involvedObject"].update(kind="HelmRelease", name="podinfo", namespace="flux-system")
    body.update(reason="UpgradeSucceeded", metadata={"helm.toolkit.fluxcd.io/revision": "6.5.4"})
    # Then it is the release's deployment at that version
    event = changed(body)
    assert (event.service, event.version, event.commit_sha, event.status) == ("podinfo", "6.5.4", None, "success")


def test_an_environment_in_the_metadata_wins_over_the_namespace() -> None:
    # Given an Alert whose eventMetadata names the environment
    body = succeeded_body()
    body["metadata"]["env"] = "production"
    # Then that is the environment
    assert changed(body).environment == "production"


def test_a_repeat_is_the_same_change_and_another_reason_is_another() -> None:
    # Given the same failure reported twice at one revision, with other messages and times
    first, repeat = failed_body(), failed_body()
    repeat.update(message="validation error again", timestamp="2022-10-28T07:36:19Z")
    # Then both have one key; a success at that revision has another, as has the next revision
    assert changed(first).natural_key == changed(repeat).natural_key
    assert changed(succeeded_body("main/" + COMMIT)).natural_key != changed(first).natural_key
    assert changed(succeeded_body()).natural_key != changed(succeeded_body(f"main@sha1:{'a' * 40}")).natural_key


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"involvedObject": {"kind": "GitRepository", "name": "webapp"}}, "not_deployed"),
        ({"severity": "info", "reason": "Progressing"}, "not_final"),
        ({"severity": "info", "reason": "DependencyNotReady"}, "not_final"),
    ],
)
def test_events_that_are_no_deployment_are_ignored(change: dict[str, Any], code: str) -> None:
    body = failed_body()
    body.update(change)
    result = read(body)
    assert isinstance(result, Ignored)
    assert result.code == code


@pytest.mark.parametrize("missing", ["involvedObject", "reason", "timestamp"])
def test_a_body_without_a_required_field_is_a_422_naming_it(missing: str) -> None:
    body = failed_body()
    del body[missing]
    with pytest.raises(InvalidField, match=missing):
        read(body)


def test_without_a_revision_each_time_is_another_change() -> None:
    # Given two successes of one object that name no revision, at different times
    first, later = succeeded_body(), succeeded_body()
    first["metadata"] = later["metadata"] = {}
    later["timestamp"] = "2022-10-28T08:26:19Z"
    # Then the later one is not taken for a repeat of the first
    assert changed(first).natural_key != changed(later).natural_key
