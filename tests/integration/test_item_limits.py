"""What is stored fits DynamoDB (§22): bodies are measured in their stored form before they are
written, numbers keep their sender's form, and DynamoDB's own refusals are the client's 4xx."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from botocore.retries.standard import ExponentialBackoff

from shared.adapters.store.client import ITEM_LIMIT, TRANSACTION_LIMIT, item_size
from shared.domain.models.common import MAX_OWNER_TEAMS
from shared.domain.requests import MAX_BODY_BYTES
from shared.domain.senders import ARGOCD_MAX_BODY_BYTES, PAGERDUTY_CHANGE_MAX_BODY_BYTES
from tests.conftest import JSON, Api, Aws
from tests.faults import INVALID, FaultInjector, install
from tests.fixture_files import fixture_json

NO_ADMIN = {"authorization": ""}
ARGOCD = "argocd/ilert-template-body.velero-test.json"
PAGERDUTY_CHANGE = "pagerduty/change_event.request.json"


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """The fixtures' changes are years old; they are stored all the same."""
    return {"RetentionDays": "3650"}


def post(api: Api, path: str, body: bytes) -> Any:
    return api.call("POST", path, body, {**NO_ADMIN, **JSON})


def stored_items(aws: Aws, event_id: str) -> list[dict[str, Any]]:
    """The canonical item and its bucket copies: every item that carries the event."""
    return [item for item in aws.items() if event_id in item["SK"]["S"] or item["PK"]["S"] == f"EVENT#{event_id}"]


def log_of(api: Api, pipeline: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.call("GET", f"/api/deployment-pipelines/{pipeline['id']}/deliveries")
    assert response.status == 200, response.body
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def numbers_body(key: str, number: str, size: int) -> bytes:
    """A generic event whose custom details are as many copies of ``number`` as fit ``size`` bytes."""
    head = f'{{"integrationKey": "{key}", "summary": "numbers", "customDetails": {{"n": ['.encode()
    count = (size - len(head) - 3) // (len(number) + 1)
    return head + ",".join([number] * count).encode() + b"]}}"


def test_numbers_keep_their_senders_form_so_a_full_body_of_them_is_stored(api: Api, aws: Aws) -> None:
    # Given a generic event of 256 KiB, all of it the number 1e15 (which Python writes 1000000000000000.0)
    key = api.create_pipeline("API", teams=[{"id": "payments"}])["integrationKey"]
    body = numbers_body(key, "1e15", MAX_BODY_BYTES)
    # When it is sent
    response = post(api, "/api/deployment-events", body)
    # Then it is stored, in items of about the body's size
    assert response.status == 202, response.body
    event_id = response.json()["id"]
    items = stored_items(aws, event_id)
    assert len(items) == 3
    assert all(item_size(item) < len(body) + 4096 for item in items)
    # And the stored event and the API's answer write the numbers as the sender did
    assert '"n":[1e15,1e15,' in items[0]["event"]["S"]
    answered = api.call("GET", f"/api/deployment-events/{event_id}")
    assert b'"n":[1e15,1e15,' in answered.body
    assert answered.json()["customDetails"]["n"][:2] == [1e15, 1e15]


def test_an_event_too_large_for_one_item_is_413_and_logged(api: Api, aws: Aws) -> None:
    # Given a PagerDuty change event of 450 KB: PagerDuty takes it, DynamoDB's item does not
    pipeline = api.create_pipeline("PAGERDUTY_CHANGE")
    body = fixture_json(PAGERDUTY_CHANGE)
    body["payload"]["custom_details"]["log"] = "x" * 450_000
    raw = json.dumps(body).encode()
    assert ITEM_LIMIT < len(raw) <= PAGERDUTY_CHANGE_MAX_BODY_BYTES
    # When it is sent to the pipeline's URL
    response = post(api, f"/api/v1/deployment-events/pagerduty/{pipeline['integrationKey']}", raw)
    # Then it is refused as too large, nothing is stored, and the pipeline's log says why
    assert response.status == 413, response.body
    assert aws.stored_event_ids() == set()
    [entry] = log_of(api, pipeline)
    assert (entry["status"], entry["outcome"], entry["bytes"]) == (413, "rejected", len(raw))
    assert "400 KiB" in entry["reason"]


def test_an_event_whose_copies_exceed_one_transaction_is_413(api: Api, aws: Aws) -> None:
    # Given a change event of 360 KB: one item fits, but not twelve (a pipeline of ten teams)
    teams = [{"id": f"team-{index}"} for index in range(MAX_OWNER_TEAMS)]
    crowded = api.create_pipeline("PAGERDUTY_CHANGE", teams=teams)
    alone = api.create_pipeline("PAGERDUTY_CHANGE")
    body = fixture_json(PAGERDUTY_CHANGE)
    body["payload"]["custom_details"]["log"] = "x" * 360_000
    raw = json.dumps(body).encode()
    assert (MAX_OWNER_TEAMS + 2) * len(raw) > TRANSACTION_LIMIT
    # When it is sent to both pipelines
    refused = post(api, f"/api/v1/deployment-events/pagerduty/{crowded['integrationKey']}", raw)
    stored = post(api, f"/api/v1/deployment-events/pagerduty/{alone['integrationKey']}", raw)
    # Then the pipeline of ten teams refuses it as too large, the other stores it
    assert refused.status == 413, refused.body
    assert "4096 KiB" in refused.json()["message"]
    assert stored.status == 202, stored.body
    assert len(aws.stored_event_ids()) == 1


@pytest.mark.parametrize(
    ("message", "status"),
    [("Item size has exceeded the maximum allowed size", 413), ("One or more parameter values were invalid", 422)],
)
def test_dynamodb_refusing_a_write_is_the_clients_4xx_not_a_retry(
    api: Api, aws: Aws, monkeypatch: pytest.MonkeyPatch, message: str, status: int
) -> None:
    # Given DynamoDB refusing the event's transaction as invalid, as it does an item it cannot take
    key = api.create_pipeline("API")["integrationKey"]
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
    injector = FaultInjector("TransactWriteItems", fault=INVALID, message=message)
    install(monkeypatch, [injector])
    # When an event is sent
    response = post(api, "/api/deployment-events", json.dumps({"integrationKey": key, "summary": "x"}).encode())
    # Then the client gets a 4xx that says nothing was stored, after one attempt: no 500, no retry loop
    assert response.status == status, response.body
    assert "nothing was stored" in response.json()["message"]
    assert injector.calls == 1


def argocd_application_with(resources: int) -> dict[str, Any]:
    """The real Argo CD body, its application grown to ``resources`` resources, each listed in
    the application's status and in the sync's result, as Argo CD lists them."""
    body: dict[str, Any] = fixture_json(ARGOCD)
    status = body["app"]["status"]
    template = status["resources"][1]
    status["resources"] = [
        {**copy.deepcopy(template), "name": f"worker-{index:05d}", "namespace": f"team-{index % 40}"}
        for index in range(resources)
    ]
    sync_result = status["operationState"].setdefault("syncResult", {})
    sync_result["resources"] = [
        {
            "group": "apps",
            "hookPhase": "Running",
            "kind": "Deployment",
            "message": f"deployment.apps/worker-{index:05d} serverside-applied",
            "name": f"worker-{index:05d}",
            "namespace": f"team-{index % 40}",
            "status": "Synced",
            "syncPhase": "Sync",
            "version": "v1",
        }
        for index in range(resources)
    ]
    return body


def test_a_big_argocd_application_is_read_and_only_its_deployment_stored(api: Api, aws: Aws) -> None:
    # Given the real Argo CD body grown to an application of 8 000 resources: about 3 MB
    pipeline = api.create_pipeline("ARGOCD")
    raw = json.dumps(argocd_application_with(8_000)).encode()
    assert 1024 * 1024 < len(raw) <= ARGOCD_MAX_BODY_BYTES
    # When it is delivered
    response = post(api, f"/api/v1/deployment-events/argocd/{pipeline['integrationKey']}", raw)
    # Then the deployment is stored, as small as the fixture's own
    assert response.status == 202, response.body
    items = stored_items(aws, response.json()["id"])
    assert items
    assert max(item_size(item) for item in items) < 8 * 1024
    event = api.call("GET", f"/api/deployment-events/{response.json()['id']}").json()
    assert (event["service"], event["status"]) == ("velero-test", "success")


def test_an_argocd_body_over_its_limit_is_413_in_the_owners_log_only(api: Api, aws: Aws) -> None:
    # Given an Argo CD body over 5 MB
    pipeline = api.create_pipeline("ARGOCD")
    raw = json.dumps(argocd_application_with(16_000)).encode()
    assert len(raw) > ARGOCD_MAX_BODY_BYTES
    # When it is sent with the pipeline's key, and with a key nobody has
    known = post(api, f"/api/v1/deployment-events/argocd/{pipeline['integrationKey']}", raw)
    unknown = post(api, "/api/v1/deployment-events/argocd/dpl_nobodys-key", raw)
    # Then both are 413 (size comes first), and the pipeline's log records its own
    assert (known.status, unknown.status) == (413, 413)
    [entry] = log_of(api, pipeline)
    assert (entry["status"], entry["outcome"], entry["bytes"]) == (413, "rejected", len(raw))
    assert aws.stored_event_ids() == set()


def test_a_pagerduty_team_id_with_the_key_separator_is_422_naming_it(api: Api) -> None:
    # Given a PagerDuty incident whose second team's id holds '#', the separator of our keys
    created = api.call("POST", "/api/alert-sources", {"name": "pd", "integrationType": "PAGERDUTY"}).json()
    delivery = fixture_json("alerts/pagerduty/webhook-v3.incident.triggered.zulip.json")
    delivery["event"]["data"]["teams"] = [{"id": "PTEAM01", "summary": "Ops"}, {"id": "P#TEAM", "summary": "Shop"}]
    raw = json.dumps(delivery).encode()
    # When it is delivered, and previewed
    delivered = post(api, f"/api/v1/alerts/pagerduty/{created['integrationKey']}", raw)
    previewed = api.call("POST", "/api/alerts/preview", raw, query="type=pagerduty")
    # Then both refuse it, naming the team's id, where they answered 500 before
    for response in (delivered, previewed):
        assert response.status == 422, response.body
        assert response.json()["errors"][0]["field"] == "event.data.teams.1.id"


def test_an_alert_body_over_the_limit_is_413_in_its_sources_log(api: Api) -> None:
    # Given an Alertmanager source, and a body over 256 KiB
    created = api.call("POST", "/api/alert-sources", {"name": "am", "integrationType": "ALERTMANAGER"}).json()
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    delivery["commonAnnotations"]["description"] = "x" * MAX_BODY_BYTES
    raw = json.dumps(delivery).encode()
    # When it is delivered with the source's key
    response = post(api, f"/api/v1/alerts/alertmanager/{created['integrationKey']}", raw)
    # Then it is 413, and the source's log records it
    assert response.status == 413, response.body
    logged = api.call("GET", f"/api/alert-sources/{created['id']}/deliveries").json()["items"]
    assert [(entry["status"], entry["bytes"]) for entry in logged] == [(413, len(raw))]
