"""The Argo CD normaliser against ilert's template body for a real application (tests/fixtures/argocd)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers import argocd
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from shared.domain.payloads import Ignored
from tests.fixture_files import fixture_json
from tests.records import RECEIVED_AT, pipeline_record

SYNCED = "argocd/ilert-template-body.velero-test.json"
FAILED = "argocd/ilert-template-body.velero-test.failed.json"
REVISION = "ea8759964626a583667a2bfd08f334ec2070040a"


def normalise(payload: dict[str, Any]) -> NormalisedEvent | Ignored:
    return argocd.normalise(Delivery("argocd", payload, {}, RECEIVED_AT), pipeline_record(IntegrationType.API))


def accepted(payload: dict[str, Any]) -> NormalisedEvent:
    result = normalise(payload)
    assert isinstance(result, NormalisedEvent), result
    return result


def body(name: str = SYNCED) -> dict[str, Any]:
    payload: dict[str, Any] = fixture_json(name)
    return payload


def operation_state(payload: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = payload["app"]["status"]["operationState"]
    return state


def test_succeeded_sync_of_a_real_application() -> None:
    # When ilert's template body for a sync that succeeded arrives
    event = accepted(body())
    # Then it is a deployment of the application to its namespace, at the synced commit
    assert event.kind is EventKind.DEPLOYMENT
    assert event.summary == "Argo CD synced velero-test to test-lla at ea87599 (Succeeded)"
    assert event.timestamp == datetime(2024, 3, 5, 7, 33, 4, tzinfo=UTC)
    assert (event.service, event.environment, event.status) == ("velero-test", "test-lla", "success")
    # the synced revision, not status.sync.revision (edited to "rev1" in this application)
    assert event.commit_sha == REVISION
    assert event.version == "tag1"
    assert event.repository == "foo/manifests-velero"
    assert (event.user_name, event.user_email) == ("foo@example.com", "foo@example.com")
    assert [(link.href, link.text) for link in event.links] == [
        (f"https://github.com/foo/manifests-velero/commit/{REVISION}", "Commit ea87599")
    ]
    assert event.custom_details == {
        "source": "argocd",
        "application": "argo-cd/velero-test",
        "phase": "Succeeded",
        "project": "sre",
        "cluster": "gke-alpha-01-europe-west1",
        "message": "successfully synced (all tasks run)",
        "commitAuthor": "author",
        "commitMessage": "test",
    }
    # And one record per application and revision, which a later result of the sync updates
    assert event.natural_key == f"argocd:argo-cd/velero-test:{REVISION}"
    assert event.revision is not None
    assert event.revision.at == event.timestamp
    assert event.revision.identity == "Succeeded@2024-03-05T07:33:04Z"


def test_failed_sync_is_a_failed_deployment_of_the_same_record() -> None:
    # Given the same body with only its phase set to Failed
    event = accepted(body(FAILED))
    succeeded = accepted(body())
    # Then it is a failure, and it says why
    assert event.status == "failure"
    assert event.summary == (
        "Argo CD sync of velero-test to test-lla at ea87599 failed (Failed): successfully synced (all tasks run)"
    )
    # And it is the same record as the success of that revision, the success winning a tie
    assert event.natural_key == succeeded.natural_key
    assert event.revision is not None
    assert succeeded.revision is not None
    assert succeeded.revision.is_newer_than(event.revision)
    assert event.revision.identity != succeeded.revision.identity


def test_error_phase_is_a_failure_with_the_first_line_of_the_message() -> None:
    payload = body(FAILED)
    operation_state(payload).update(phase="Error", message="one or more objects failed to apply\ndetails follow")
    event = accepted(payload)
    assert event.status == "failure"
    assert event.summary.endswith("failed (Error): one or more objects failed to apply")


def test_a_later_result_of_the_same_sync_is_newer() -> None:
    failed, retried = body(FAILED), body()
    operation_state(retried)["finishedAt"] = "2024-03-05T07:40:00Z"
    first, second = accepted(failed), accepted(retried)
    assert first.natural_key == second.natural_key
    assert first.revision is not None
    assert second.revision is not None
    assert second.revision.is_newer_than(first.revision)


def test_deleted_application_is_ignored() -> None:
    # Given the application being deleted (ilert's on-app-deleted template has no commit)
    payload = body()
    payload["app"]["metadata"]["deletionTimestamp"] = "2024-03-05T08:00:00Z"
    del payload["commit"]
    # Then it is ignored, saying so
    result = normalise(payload)
    assert result == Ignored("application velero-test is being deleted", "deleted")


@pytest.mark.parametrize(
    "change",
    [
        lambda app: app["status"]["operationState"].update(phase="Running"),
        lambda app: app["status"]["operationState"].update(phase="Terminating"),
        lambda app: app["status"].pop("operationState"),
        lambda app: app.pop("status"),
    ],
    ids=["running", "terminating", "no-operation-state", "no-status"],
)
def test_unfinished_syncs_are_ignored(change: Any) -> None:
    payload = body()
    change(payload["app"])
    result = normalise(payload)
    assert isinstance(result, Ignored)
    assert result.code == "not_terminal"
    assert "velero-test" in result.reason


def test_environment_label_wins_over_the_namespace() -> None:
    payload = body()
    payload["app"]["metadata"]["labels"]["environment"] = "production"
    event = accepted(payload)
    assert event.environment == "production"
    assert event.summary == "Argo CD synced velero-test to production at ea87599 (Succeeded)"


def test_a_lean_body_is_accepted() -> None:
    # Given an older template's body: no commit, no repository name, no times, no spec
    payload = {"app": {"metadata": {"name": "shop"}, "status": {"operationState": {"phase": "Succeeded"}}}}
    event = accepted(payload)
    # Then it is a deployment of the application, timed when received
    assert event.summary == "Argo CD synced shop (Succeeded)"
    assert event.timestamp == RECEIVED_AT
    assert (event.repository, event.commit_sha, event.environment) == (None, None, None)
    # And without a revision or a start there is nothing to tell one sync from another
    assert event.natural_key is None


def test_repository_from_the_repo_url_when_the_body_has_none() -> None:
    payload = body()
    del payload["repositoryName"]
    payload["commit"] = None
    payload["app"]["spec"]["source"]["repoURL"] = "git@gitlab.com:acme/platform/shop.git"
    event = accepted(payload)
    assert event.repository == "acme/platform"
    assert event.version is None
    assert [link.href for link in event.links] == [f"https://gitlab.com/acme/platform/shop/-/commit/{REVISION}"]


def test_a_helm_chart_version_is_a_version_not_a_commit() -> None:
    payload = body()
    payload["commit"] = None
    payload["repositoryName"] = "/bitnami"
    payload["app"]["spec"]["source"] = {"repoURL": "https://charts.bitnami.com/bitnami", "chart": "nginx"}
    operation_state(payload)["syncResult"]["revision"] = "15.4.2"
    event = accepted(payload)
    assert (event.version, event.commit_sha, event.repository) == ("15.4.2", None, None)
    assert event.summary == "Argo CD synced velero-test to test-lla at 15.4.2 (Succeeded)"
    assert event.links == []


def test_link_annotations_and_external_urls_are_links() -> None:
    payload = body()
    payload["app"]["metadata"]["annotations"]["link.argocd.argoproj.io/external-link"] = (
        "https://grafana.example.com/d/1"
    )
    payload["app"]["status"]["summary"]["externalURLs"] = ["https://shop.example.com"]
    event = accepted(payload)
    assert [(link.href, link.text) for link in event.links][:2] == [
        ("https://grafana.example.com/d/1", "external-link"),
        ("https://shop.example.com", "Open test-lla"),
    ]


def test_a_sync_that_failed_before_its_result_names_the_requested_revision() -> None:
    payload = body(FAILED)
    del operation_state(payload)["syncResult"]
    event = accepted(payload)
    assert event.commit_sha == REVISION
    assert event.natural_key == f"argocd:argo-cd/velero-test:{REVISION}"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda payload: payload.pop("app"), "app"),
        (lambda payload: payload["app"]["metadata"].pop("name"), "app.metadata.name"),
        (lambda payload: payload.update(commit={"Tags": "v1"}), "commit.Tags"),
        (lambda payload: operation_state(payload).update(finishedAt="soon"), "app.status.operationState.finishedAt"),
    ],
)
def test_broken_fields_are_named(change: Any, field: str) -> None:
    payload = body()
    change(payload)
    with pytest.raises(InvalidField) as raised:
        normalise(payload)
    assert field in {problem.field for problem in raised.value.problems}
