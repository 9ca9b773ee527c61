"""The HCP Terraform normaliser (§20) against the notification payloads HashiCorp documents
(tests/fixtures/changes/terraform, see SOURCES.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers import terraform
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from shared.domain.payloads import Ignored
from tests.fixture_files import fixture_json
from tests.records import RECEIVED_AT, pipeline_record

APPLIED = "changes/terraform/run-notification.run-completed-applied.built-from-tfc-docs.json"
ERRORED = "changes/terraform/run-notification.run-errored-canceled.tfc-docs.json"
VERIFICATION = "changes/terraform/verification.send-a-test.tfc-docs.trailing-comma-removed.json"
DRIFTED = "changes/terraform/workspace-notification.assessment-drifted.tfc-docs.json"


def read(payload: dict[str, Any]) -> NormalisedEvent | Ignored:
    delivery = Delivery("terraform-notification", payload, {}, RECEIVED_AT)
    return terraform.normalise(delivery, pipeline_record(IntegrationType.TERRAFORM))


def accepted(payload: dict[str, Any]) -> NormalisedEvent:
    result = read(payload)
    assert isinstance(result, NormalisedEvent), result
    return result


def with_notification(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = fixture_json(APPLIED)
    payload["notifications"][0].update(changes)
    return payload


def test_an_applied_run_is_an_infra_change_of_its_workspace() -> None:
    # When HCP Terraform reports a run applied
    event = accepted(fixture_json(APPLIED))
    # Then it is a successful infrastructure change of the workspace, when the run was last updated
    assert event.kind is EventKind.INFRA
    assert (event.service, event.status, event.user_name) == ("my-workspace", "success", "sample-user")
    assert event.summary == "Terraform applied my-workspace in acme-org: Add five new queue workers"
    assert event.timestamp == datetime(2019, 1, 25, 18, 37, 4, tzinfo=UTC)
    assert event.natural_key == "terraform:run-FwnENkvDnrpyFC7M:run:completed:applied"
    assert [link.href for link in event.links] == [
        "https://app.terraform.io/app/acme-org/my-workspace/runs/run-FwnENkvDnrpyFC7M"
    ]
    assert event.custom_details == {
        "source": "terraform",
        "trigger": "run:completed",
        "runId": "run-FwnENkvDnrpyFC7M",
        "runStatus": "applied",
        "message": "Applied",
        "runMessage": "Add five new queue workers",
        "organization": "acme-org",
        "workspaceId": "ws-XdeUVMWShTesDMME",
    }


def test_an_errored_run_is_a_failed_infra_change() -> None:
    # When HCP Terraform reports a run errored (here: canceled)
    event = accepted(fixture_json(ERRORED))
    # Then it is an infrastructure change that failed, told apart from the run's other states
    assert (event.kind, event.status) == (EventKind.INFRA, "failure")
    assert event.summary == "Terraform run of my-workspace in acme-org errored (canceled): Add five new queue workers"
    assert event.natural_key == "terraform:run-FwnENkvDnrpyFC7M:run:errored:canceled"


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda: fixture_json(VERIFICATION), id="verification"),
        pytest.param(lambda: fixture_json(DRIFTED), id="assessment drifted"),
        pytest.param(lambda: with_notification(trigger="run:created", run_status="pending"), id="created"),
        pytest.param(lambda: with_notification(trigger="run:planning", run_status="planning"), id="planning"),
        pytest.param(lambda: with_notification(trigger="run:needs_attention", run_status="planned"), id="attention"),
        pytest.param(lambda: with_notification(run_status="planned_and_finished"), id="plan only"),
        pytest.param(lambda: {"notifications": []}, id="nothing"),
    ],
)
def test_notifications_other_than_an_applied_or_errored_run_are_ignored(payload: Any) -> None:
    # When HCP Terraform sends a notification that applied nothing, then it is ignored (200)
    result = read(payload())
    assert isinstance(result, Ignored)
    assert result.code == "unsupported_event"


def test_the_ignored_reason_names_the_trigger() -> None:
    # When the configuration's "Send a test" arrives, then the reason names its trigger
    result = read(fixture_json(VERIFICATION))
    assert isinstance(result, Ignored)
    assert "'verification'" in result.reason


def test_a_run_time_that_is_no_time_is_a_422_naming_it() -> None:
    # When the run's update time is not a time, then the 422 names the field
    with pytest.raises(InvalidField) as raised:
        read(with_notification(run_updated_at="yesterday"))
    assert raised.value.problems[0].field == "notifications.run_updated_at"
