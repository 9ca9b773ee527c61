"""§19's delivery report over HTTP: parameters, errors, and what one report reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.adapters.store import client as store
from shared.adapters.store.events import get_event, insert_event
from shared.domain.delivery import REWORK_BAND_REASON
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.failures import FailureDetection
from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Aws
from tests.delivery_histories import change, failed
from tests.integration.test_github_webhooks import create, deliver_fixture

NOW = utc_now().replace(microsecond=0)
REPOSITORY = "acme/shop"
PATH = "/api/insights/delivery"


class ReadCounter:
    """DynamoDB calls by operation, and the items Queries read."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.items_read = 0

    def before(self, event_name: str, **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        self.calls[operation] = self.calls.get(operation, 0) + 1

    def after(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items_read += int(parsed.get("ScannedCount", 0))


@pytest.fixture
def reads(aws: Aws) -> Iterator[ReadCounter]:
    counter = ReadCounter()
    events = store.dynamodb().meta.events
    events.register("before-call.dynamodb", counter.before)
    events.register("after-call.dynamodb.Query", counter.after)
    yield counter
    events.unregister("before-call.dynamodb", counter.before)
    events.unregister("after-call.dynamodb.Query", counter.after)


def _store(*events: DeploymentEvent) -> None:
    for event in events:
        assert insert_event(event, None)


def _days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _shop_history() -> list[DeploymentEvent]:
    """Ten deployments of shop in production, a day apart: the third failed and was rolled back
    30 minutes later, the sixth was hotfixed 2 hours later; each deployed a push made an hour before."""
    events = []
    for index in range(10):
        at = _days_ago(20 - 2 * index)
        sha = f"{index:040d}"
        events.append(
            change(
                f"push{index}",
                at - timedelta(hours=1),
                EventKind.PUSH,
                service=None,
                environment=None,
                repository=REPOSITORY,
                commit_sha=sha,
                custom_details={"firstCommitAt": isoformat(at - timedelta(hours=3))},
            )
        )
        events.append(change(f"deploy{index}", at, environment="prod", repository=REPOSITORY, commit_sha=sha))
    events[5] = events[5].model_copy(update={"failure": failed(FailureDetection.ROLLBACK, "rollback", 30)})
    events[11] = events[11].model_copy(update={"failure": failed(FailureDetection.HOTFIX, "deploy6", 120)})
    events[13] = events[13].model_copy(update={"remediates": "deploy5"})
    rollback = change("rollback", _days_ago(16) + timedelta(minutes=30), environment="production", remediates="deploy2")
    return [*events, rollback, change("staging", _days_ago(3), environment="staging")]


def _report(api: Api, query: str) -> dict[str, Any]:
    response = api.call("GET", PATH, query=query)
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    return body


def test_a_services_report_has_the_five_metrics(api: Api) -> None:
    # Given a month of shop's history in production, and one change in staging
    _store(*_shop_history())
    # When its report is asked for, the service and environment spelled otherwise
    report = _report(api, "service=Shop&environment=prd")
    # Then the five figures are as computed by hand
    assert (report["environment"], report["deployments"]) == ("production", 11)
    frequency = report["deploymentFrequency"]
    assert (frequency["numerator"], frequency["denominator"]) == (11, 30)
    assert frequency["band"] == "high"
    fail_rate = report["changeFailRate"]
    assert (fail_rate["numerator"], fail_rate["denominator"], fail_rate["sampleIds"]) == (2, 10, ["deploy2", "deploy5"])
    recovery = report["failedDeploymentRecoveryTime"]
    assert (recovery["value"], recovery["band"]) == (75, "high")
    rework = report["reworkRate"]
    assert (rework["numerator"], rework["denominator"], rework["bandReason"]) == (2, 11, REWORK_BAND_REASON)
    assert "band" not in rework
    lead = report["changeLeadTime"]
    assert (lead["value"], lead["numerator"], lead["method"]) == (180, 10, "from the first commit")
    assert len(lead["series"]) == 5


def test_a_team_and_a_pipeline_read_their_own_listing(api: Api) -> None:
    # Given shop's history (team payments, pipeline pipeline-1)
    _store(*_shop_history())
    # When the team's and the pipeline's reports are asked for
    team, pipeline = _report(api, "team=payments"), _report(api, "pipeline=pipeline-1")
    # Then they hold the same production deployments
    assert team["deployments"] == pipeline["deployments"] == 11
    assert team["changeFailRate"]["value"] == pytest.approx(0.2)


def test_the_window_is_the_last_30_days_unless_asked(api: Api) -> None:
    # Given shop's history
    _store(*_shop_history())
    # When a window of the last five days is asked for
    report = _report(api, f"service=shop&from={isoformat(_days_ago(5))}")
    # Then only its deployments count, and the previous one gives the first its commits
    assert report["deployments"] == 2
    assert report["changeLeadTime"]["numerator"] == 2


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("", id="no scope"),
        pytest.param("service=shop&team=payments", id="two scopes"),
        pytest.param("team=a%23b", id="a team id that cannot be one"),
        pytest.param("service=shop&from=yesterday", id="a bad date"),
        pytest.param(f"service=shop&from={isoformat(NOW)}&until={isoformat(_days_ago(1))}", id="from after until"),
        pytest.param(f"service=shop&from={isoformat(_days_ago(181))}", id="over 180 days"),
        pytest.param("service=shop&until=0001-01-02T00:00:00Z", id="until too early"),
        pytest.param("service=shop&from=9999-12-30T00:00:00Z&until=9999-12-31T00:00:00Z", id="from too late"),
    ],
)
def test_a_bad_request_is_a_400(api: Api, query: str) -> None:
    # Given no scope, two, a team id that cannot be one, a bad date, from after until, a
    # window over 180 days, or dates a window cannot reach back from or run to
    response = api.call("GET", PATH, query=query)
    # Then the answer is 400 with §3's error body
    assert response.status == 400
    assert response.json()["message"]


def test_a_report_reads_the_services_window_only(api: Api, reads: ReadCounter) -> None:
    # Given shop's history
    _store(*_shop_history())
    reads.calls.clear()
    reads.items_read = 0
    _report(api, "service=shop")
    alone = (dict(reads.calls), reads.items_read)
    # When 200 changes of other services and environments are added and it is asked again
    _store(*(change(f"other{index}", _days_ago(index / 10), service=f"cart{index % 7}") for index in range(200)))
    reads.calls.clear()
    reads.items_read = 0
    _report(api, "service=shop")
    # Then it costs the same: one Query of shop's history, one of its repository's, reading their
    # changes only (11 in production, 10 pushes)
    assert (dict(reads.calls), reads.items_read) == alone
    assert alone == ({"Query": 2}, 21)


def test_a_github_push_keeps_its_first_commits_time(api: Api, aws: Aws) -> None:
    # Given a real push of GitHub's with timed commits
    key = create(api)["integrationKey"]
    response = deliver_fixture(api, key, "push.default-branch.json", "push")
    # Then the event keeps the earliest of its commits' times, for the lead time
    stored = get_event(response.json()["id"])
    assert stored is not None
    assert stored.event.custom_details["firstCommitAt"] == "2018-06-15T20:01:51.000Z"
