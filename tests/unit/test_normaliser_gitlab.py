"""The GitLab normaliser against GitLab's real and documented payloads (tests/fixtures/gitlab)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import GITLAB_EVENTS, IntegrationType
from shared.domain.normalisers import gitlab
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from shared.domain.payloads import Ignored
from tests.fixture_files import fixture_json
from tests.records import RECEIVED_AT, fixture_delivery, pipeline_record


def normalise(name: str, event_filters: list[str] | None = None, **changes: object) -> NormalisedEvent | Ignored:
    delivery = fixture_delivery(f"gitlab/{name}", "x-gitlab-event", **changes)
    return gitlab.normalise(delivery, pipeline_record(IntegrationType.GITLAB, event_filters=event_filters))


def accepted(name: str, event_filters: list[str] | None = None, **changes: object) -> NormalisedEvent:
    result = normalise(name, event_filters, **changes)
    assert isinstance(result, NormalisedEvent), result
    return result


def test_push_hook() -> None:
    event = accepted("push.docs.json")
    assert event.kind is EventKind.PUSH
    assert event.summary == "jsmith pushed 4 commits to mike/diaspora@master: fixed readme"
    assert event.timestamp == RECEIVED_AT
    assert event.commit_sha == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
    assert event.user_email == "john@example.com"
    assert event.natural_key == "push:15:master:da1560886d4f094c3e6c9ef40349f7d38b5d27d7"


def test_merge_request_merged() -> None:
    event = accepted("merge_request.merge.json")
    assert event.kind is EventKind.MERGE
    assert event.summary == 'sytses merged MR !1 "update readme" into gitlab-org/hello-world@master'
    assert event.timestamp == datetime(2017, 12, 10, 17, 8, 7, tzinfo=UTC)
    assert event.commit_sha == "78a76ee6b4992a6baf64c59fc4c44c7323d60438"
    assert event.natural_key == "merge:4861503:1"


def test_release_create() -> None:
    event = accepted("release.create.json")
    assert event.kind is EventKind.RELEASE
    assert event.summary == "Release v1.1 published in gitlab-org/release-webhook-example"
    assert event.version == "v1.1"
    assert event.timestamp == datetime(2020, 11, 2, 12, 55, 12, tzinfo=UTC)
    assert event.natural_key == "release:2:v1.1"


def test_deployment_success_with_offset_time_and_full_sha() -> None:
    event = accepted("deployment.success.docs.json")
    assert event.kind is EventKind.DEPLOYMENT
    assert event.summary == "root deployed root/test-deployment-webhooks@279484c0 to staging"
    # "2021-04-28 21:50:00 +0200" is parsed with its offset
    assert event.timestamp == datetime(2021, 4, 28, 19, 50, tzinfo=UTC)
    # the payload has only the short SHA; the full one is the tail of commit_url
    assert event.commit_sha == "279484c09fbe69ededfced8c1bb6e6d24616b468"
    assert (event.environment, event.status) == ("staging", "success")
    assert event.natural_key == "deployment:30:15"
    assert event.revision is not None
    assert event.revision.identity == "success@2021-04-28 21:50:00 +0200"
    assert [link.text for link in event.links] == ["Open staging", "Deployment job"]


@pytest.mark.parametrize(("status", "words"), [("failed", "failed"), ("canceled", "was canceled")])
def test_deployment_failed_or_canceled(status: str, words: str) -> None:
    event = accepted("deployment.success.docs.json", status=status)
    assert event.status == status
    assert event.summary == f"Deployment of root/test-deployment-webhooks@279484c0 to staging {words} (root)"


def test_deployment_running_is_ignored() -> None:
    result = normalise("deployment.success.docs.json", status="running")
    assert isinstance(result, Ignored)
    assert result.code == "not_final"


def test_pipeline_hook_only_when_named_in_the_event_filters() -> None:
    assert isinstance(normalise("pipeline.docs.json"), Ignored)
    event = accepted("pipeline.docs.json", event_filters=["Pipeline Hook"])
    assert event.kind is EventKind.WORKFLOW
    assert event.summary == "Pipeline #31 succeeded on gitlab-org/gitlab-test@master"
    assert event.timestamp == datetime(2016, 8, 12, 15, 26, 29, tzinfo=UTC)
    assert event.natural_key == "pipeline:1:31"


@pytest.mark.parametrize(
    ("name", "reason_code"),
    [
        ("merge_request.open.docs.json", "not_merged"),
        ("merge_request.opened.captured.json", "not_merged"),
        ("tag_push.docs.json", "unsupported_event"),
    ],
)
def test_not_deployments_are_ignored(name: str, reason_code: str) -> None:
    result = normalise(name)
    assert isinstance(result, Ignored)
    assert result.code == reason_code


def test_release_update_is_ignored() -> None:
    result = normalise("release.create.json", action="update")
    assert isinstance(result, Ignored)
    assert result.code == "release_action"


def test_branch_deletion_is_ignored() -> None:
    result = normalise("push.docs.json", after="0" * 40, checkout_sha=None)
    assert isinstance(result, Ignored)
    assert result.code == "branch_deleted"


def test_redacted_emails_are_dropped() -> None:
    payload = fixture_json("gitlab/push.docs.json")
    payload["user_email"] = "[REDACTED]"
    event = gitlab.normalise(Delivery("Push Hook", payload, {}, RECEIVED_AT), pipeline_record(IntegrationType.GITLAB))
    assert isinstance(event, NormalisedEvent)
    assert event.user_email is None


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("push.no-project-id.go-playground.json", EventKind.PUSH),
        ("push.drone.json", EventKind.PUSH),
        ("push.subgroup.drone.json", EventKind.PUSH),
        ("deployment.success.go-playground.json", EventKind.DEPLOYMENT),
        ("pipeline.no-project-id.go-playground.json", EventKind.WORKFLOW),
    ],
)
def test_older_payload_shapes_are_normalised(name: str, kind: EventKind) -> None:
    # When an older example that go-playground/webhooks or drone/go-scm publish arrives
    event = accepted(name, event_filters=list(GITLAB_EVENTS))
    # Then it is read, not answered 422
    assert event.kind is kind
    assert event.repository


def test_push_without_a_project_id_is_keyed_by_the_top_level_project_id() -> None:
    # Given a push whose project has no id (it is in project_id)
    event = accepted("push.no-project-id.go-playground.json")
    # Then it keys like a current push of that project
    assert event.natural_key == "push:15:master:da1560886d4f094c3e6c9ef40349f7d38b5d27d7"
    assert event.custom_details["projectId"] == 15
    assert event.repository == "mike/diaspora"


def test_pipeline_without_any_project_id_is_keyed_by_the_project_path() -> None:
    event = accepted("pipeline.no-project-id.go-playground.json", event_filters=["Pipeline Hook"])
    assert event.natural_key == "pipeline:gitlab-org/gitlab-test:31"


def test_a_lone_surrogate_in_a_fact_is_replaced_rather_than_failing() -> None:
    # Given a pipeline whose project path holds a lone surrogate, as a JSON parser hands "\ud800" over
    payload = fixture_json("gitlab/pipeline.no-project-id.go-playground.json")
    payload["project"] = {**payload["project"], "path_with_namespace": "\ud800"}
    # When it is normalised
    event = accepted("pipeline.no-project-id.go-playground.json", event_filters=["Pipeline Hook"], **payload)
    # Then the fact keeps a replacement character where the surrogate was, instead of a 500
    assert event.repository == "\ufffd"
