"""The GitHub normaliser against GitHub's real payloads (tests/fixtures/github)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.normalisers import github
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from shared.domain.payloads import Ignored
from tests.fixture_files import fixture_json
from tests.records import RECEIVED_AT, fixture_delivery, pipeline_record


def normalise(name: str, **pipeline_options: object) -> NormalisedEvent | Ignored:
    return github.normalise(fixture_delivery(f"github/{name}", "x-github-event"), pipeline_record(**pipeline_options))  # type: ignore[arg-type]


def accepted(name: str, **pipeline_options: object) -> NormalisedEvent:
    result = normalise(name, **pipeline_options)
    assert isinstance(result, NormalisedEvent), result
    return result


def test_push_to_a_default_branch() -> None:
    # When a push to master arrives (master is in the default branch filters)
    event = accepted("push.default-branch.json")
    # Then it is a push, timed when received (a push carries no time of its own), and reads well
    assert event.kind is EventKind.PUSH
    assert event.summary == "Codertocat pushed 1 commit to Codertocat/Hello-World@master: Update README"
    assert event.timestamp == RECEIVED_AT
    assert (event.repository, event.branch) == ("Codertocat/Hello-World", "master")
    assert event.commit_sha == "199eddf46df50de8d02e99bf1c5fdb4101338224"
    assert event.user_name == "Codertocat"
    assert event.links[0].text == "Compare changes"
    assert event.natural_key == "push:Codertocat/Hello-World:master:199eddf46df50de8d02e99bf1c5fdb4101338224"
    assert event.revision is None


def test_push_creating_a_branch_says_so() -> None:
    event = accepted("push.default-branch.new-branch.json")
    assert event.summary.startswith("Codertocat pushed 1 commit to new branch Codertocat/Hello-World@master: ")


@pytest.mark.parametrize(
    ("name", "reason_code"),
    [
        ("push.tag.created.json", "tag_push"),
        ("push.tag.deleted.json", "tag_push"),
        ("pull_request.closed.not-merged.json", "not_merged"),
        ("release.created.json", "release_action"),
        ("release.released.json", "release_action"),
        ("release.prereleased.json", "release_action"),
        ("deployment_status.in_progress.gh-pages.json", "not_final"),
        ("ping.json", "ping"),
        ("ping.with-app_id.json", "ping"),
        ("workflow_job.completed.failure.json", "unsupported_event"),
        ("deployment.created.json", "unsupported_event"),
        ("workflow_run.completed.success.json", "event_filtered"),
    ],
)
def test_not_deployments_are_ignored(name: str, reason_code: str) -> None:
    # When a valid delivery that is not a deployment under the default filters arrives
    result = normalise(name)
    # Then it is ignored with a reason (answered 200, not stored)
    assert isinstance(result, Ignored)
    assert result.code == reason_code
    assert result.reason


def test_push_to_a_branch_outside_the_filters_is_ignored() -> None:
    result = normalise("push.default-branch.json", branch_filters=["main", "release/*"])
    assert isinstance(result, Ignored)
    assert result.code == "branch_filtered"
    assert "master" in result.reason


@pytest.mark.parametrize(("filters", "kept"), [([], True), (["mas*"], True), (["release/*"], False)])
def test_branch_filters_are_globs_and_empty_means_all(filters: list[str], kept: bool) -> None:
    result = normalise("push.default-branch.json", branch_filters=filters)
    assert isinstance(result, NormalisedEvent) is kept


def test_merged_pull_request_real_capture() -> None:
    # When GitHub's real captured delivery of a merged PR arrives
    event = accepted("pull_request.closed.merged.json")
    # Then it is a merge at merged_at, keyed by repository and number
    assert event.kind is EventKind.MERGE
    assert event.summary == 'derekg1729 merged PR #315 "Test PR Title" into derekg1729/test-repo@main'
    assert event.timestamp == datetime(2025, 10, 15, 7, 15, 39, tzinfo=UTC)
    assert event.commit_sha == "18cc785ed89e9653ea48823eb5320ab0b691d7da"
    assert event.branch == "main"
    assert event.natural_key == "merge:derekg1729/test-repo:315"
    assert [link.href for link in event.links] == ["https://github.com/derekg1729/test-repo/pull/315"]


def test_published_release() -> None:
    event = accepted("release.published.json")
    assert event.kind is EventKind.RELEASE
    assert event.summary == "Release 0.0.1 published in Codertocat/Hello-World"
    assert event.version == "0.0.1"
    assert event.timestamp == datetime(2019, 5, 15, 15, 20, 53, tzinfo=UTC)
    assert event.natural_key == "release:17372790"


def test_successful_deployment_status() -> None:
    event = accepted("deployment_status.success.json")
    assert event.kind is EventKind.DEPLOYMENT
    assert event.summary == "Codertocat deployed Codertocat/Hello-World@master to production"
    assert (event.environment, event.status, event.branch) == ("production", "success", "master")
    assert event.commit_sha == "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
    assert event.natural_key == "deployment:145988746"
    assert event.revision is not None
    assert event.revision.identity == "209916254"
    assert event.revision.at == datetime(2019, 5, 15, 15, 20, 55, tzinfo=UTC)


def test_failed_deployment_status_in_the_legacy_format() -> None:
    # Given the 2015 payload shape: no action, no environment on the status
    event = accepted("deployment_status.failure.legacy-zulip.json")
    # Then the deployment's environment is used and the summary says it failed
    assert event.environment == "production"
    assert event.status == "failure"
    assert event.summary == "Deployment of baxterthehacker/public-repo@master to production failed (baxterthehacker)"


def test_deployment_version_comes_from_a_tag_ref_or_the_payload() -> None:
    payload = fixture_json("github/deployment_status.success.json")
    tagged = copy.deepcopy(payload)
    tagged["deployment"]["ref"] = "v1.4.0"
    with_payload_version = copy.deepcopy(payload)
    with_payload_version["deployment"]["payload"] = {"version": "2026.11.29-3"}
    pipeline = pipeline_record()
    for body, version, branch in ((tagged, "v1.4.0", None), (with_payload_version, "2026.11.29-3", "master")):
        event = github.normalise(Delivery("deployment_status", body, {}, RECEIVED_AT), pipeline)
        assert isinstance(event, NormalisedEvent)
        assert (event.version, event.branch) == (version, branch)
        assert "deployed Codertocat/Hello-World@" + (version or "") in event.summary


def test_workflow_run_only_when_named_in_the_event_filters() -> None:
    # Given a pipeline that asks for workflow_run explicitly
    event = accepted("workflow_run.completed.success.json", event_filters=["workflow_run"])
    # Then a completed run is a workflow event
    assert event.kind is EventKind.WORKFLOW
    assert event.summary == 'Workflow "test" succeeded on octo-org/octo-repo@master (run #163)'
    assert event.status == "success"
    assert event.natural_key == "workflow_run:289782451:1"


def test_workflow_run_in_progress_is_ignored_even_when_enabled() -> None:
    result = normalise("workflow_run.in_progress.captured.json", event_filters=["workflow_run"])
    assert isinstance(result, Ignored)
    assert result.code == "not_final"


def test_event_filters_exclude_an_event_type() -> None:
    result = normalise("push.default-branch.json", event_filters=["release"])
    assert isinstance(result, Ignored)
    assert result.code == "event_filtered"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("push.legacy.go-playground.json", EventKind.PUSH),
        ("push.new-branch.drone.json", EventKind.PUSH),
        ("release.published.legacy.go-playground.json", EventKind.RELEASE),
        ("release.published.drone.json", EventKind.RELEASE),
        ("release.published.octokit-2020.json", EventKind.RELEASE),
        ("deployment_status.success.legacy.go-playground.json", EventKind.DEPLOYMENT),
        ("deployment_status.success.octokit-2020.json", EventKind.DEPLOYMENT),
    ],
)
def test_older_payload_shapes_are_normalised(name: str, kind: EventKind) -> None:
    # When an older example that go-playground/webhooks, drone/go-scm or octokit/webhooks publish arrives
    event = accepted(name, branch_filters=[])
    # Then it is read, not answered 422
    assert event.kind is kind
    assert event.repository


def test_merged_pull_request_without_merged_at_is_timed_when_closed() -> None:
    payload = fixture_json("github/pull_request.closed.merged.json")
    del payload["pull_request"]["merged_at"]
    event = github.normalise(Delivery("pull_request", payload, {}, RECEIVED_AT), pipeline_record())
    assert isinstance(event, NormalisedEvent)
    # closed_at, a second after merged_at in this capture
    assert event.timestamp == datetime(2025, 10, 15, 7, 15, 40, tzinfo=UTC)


def test_a_payload_missing_what_the_event_needs_names_the_field() -> None:
    # Given a merged-PR payload whose merged_at and closed_at were removed
    payload = fixture_json("github/pull_request.closed.merged.json")
    del payload["pull_request"]["merged_at"]
    del payload["pull_request"]["closed_at"]
    # Then the error names the field
    with pytest.raises(InvalidField) as raised:
        github.normalise(Delivery("pull_request", payload, {}, RECEIVED_AT), pipeline_record())
    assert raised.value.problems[0].field == "pull_request.merged_at"


def test_a_payload_of_the_wrong_shape_is_a_field_error() -> None:
    with pytest.raises(InvalidField) as raised:
        github.normalise(Delivery("push", {"ref": 5}, {}, RECEIVED_AT), pipeline_record())
    assert {problem.field for problem in raised.value.problems} >= {"ref", "after", "repository"}


def test_summaries_are_cut_to_1024_characters() -> None:
    payload = fixture_json("github/pull_request.closed.merged.json")
    payload["pull_request"]["title"] = "x" * 5000
    event = github.normalise(Delivery("pull_request", payload, {}, RECEIVED_AT), pipeline_record())
    assert isinstance(event, NormalisedEvent)
    assert len(event.summary) == 1024
