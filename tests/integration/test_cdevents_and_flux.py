"""CDEvents and Flux (§20) through the ingest handler: the real fixtures to the stored change,
their signatures, redeliveries, ignored types, the delivery log, and an incident to its alert."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import JSON, Api, Aws, Bus
from tests.fixture_files import fixture_bytes, fixture_json

NO_ADMIN = {"authorization": ""}
FLUX_FAILED = "changes/flux/generic.kustomization-validation-failed.providers-docs.json"
PAYMENTS = {"id": "payments", "name": "Payments"}


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """The specification's examples are years old; they are stored all the same."""
    return {"RetentionDays": "3650"}


def cdevent(name: str, version: str = "v0.5.1", minutes_ago: int | None = None) -> dict[str, Any]:
    """A conformance example with an id of its own (the examples share theirs, SOURCES.md)."""
    body: dict[str, Any] = fixture_json(f"changes/cdevents/{name}.{version}.json")
    body["context"]["id"] = str(uuid.uuid4())
    if minutes_ago is not None:
        body["context"]["timestamp"] = isoformat(utc_now() - timedelta(minutes=minutes_ago))
    return body


def post(api: Api, path: str, body: bytes, headers: dict[str, str] | None = None) -> Any:
    return api.call("POST", path, body, {**NO_ADMIN, **JSON, **(headers or {})})


def cdevents_path(api: Api, **fields: Any) -> str:
    pipeline = api.create_pipeline("CDEVENTS", **fields)
    path = f"/api/v1/deployment-events/cdevents/{pipeline['integrationKey']}"
    assert pipeline["integrationUrl"].endswith(path)
    return path


def flux_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def stored(api: Api, event_id: str) -> dict[str, Any]:
    response = api.call("GET", f"/api/deployment-events/{event_id}")
    assert response.status == 200, response.body
    event: dict[str, Any] = response.json()
    return event


@pytest.mark.parametrize("version", ["v0.4.1", "v0.5.1", "head-8917b18"])
def test_a_cdevent_in_each_mode_is_stored_once(api: Api, aws: Aws, version: str) -> None:
    # Given a CDEvents pipeline and one service.deployed of this version
    path = cdevents_path(api, teams=[PAYMENTS])
    event = cdevent("service_deployed", version)
    context = event["context"]
    body = json.dumps(event).encode()
    binary = {
        "ce-specversion": "1.0",
        "ce-id": context["id"],
        "ce-source": context["source"],
        "ce-type": context["type"],
    }
    envelope = {"specversion": "1.0", "id": context["id"], "source": context["source"], "type": context["type"]}
    structured = json.dumps({**envelope, "datacontenttype": "application/json", "data": event}).encode()
    # When it arrives bare, then redelivered in binary mode and in structured mode
    first = post(api, path, body)
    again_binary = post(api, path, body, binary)
    again_structured = post(api, path, structured, {"content-type": "application/cloudevents+json"})
    # Then it is stored once, the redeliveries being duplicates
    assert (first.status, first.json()["status"]) == (202, "accepted")
    assert [again_binary.json()["status"], again_structured.json()["status"]] == ["duplicate", "duplicate"]
    assert aws.stored_event_ids() == {first.json()["id"]}
    change = stored(api, first.json()["id"])
    assert (change["kind"], change["integrationType"], change["teams"]) == ("deployment", "CDEVENTS", ["payments"])
    assert (change["service"], change["environment"]) == ("mySubject123", "test123")
    assert change["version"].startswith("sha256:0b31b1c02ff4")


def test_every_service_type_is_a_change_and_a_rollback_is_marked(api: Api) -> None:
    path = cdevents_path(api)
    for name in ("service_deployed", "service_upgraded", "service_rolledback", "service_removed"):
        response = post(api, path, json.dumps(cdevent(name)).encode())
        assert (response.status, response.json()["status"]) == (202, "accepted"), name
        if name == "service_rolledback":
            assert stored(api, response.json()["id"])["customDetails"]["cdevents.type"] == "service.rolledback"


def test_a_rolledback_event_marks_the_deployment_it_undid_as_failed(api: Api) -> None:
    path = cdevents_path(api)
    # Given a service deployed at one version, then upgraded to another
    ids = []
    for name, minutes_ago, digest in (("service_deployed", 30, "1" * 64), ("service_upgraded", 20, "2" * 64)):
        event = cdevent(name, minutes_ago=minutes_ago)
        event["subject"]["content"]["artifactId"] = f"pkg:oci/myapp@sha256:{digest}"
        ids.append(post(api, path, json.dumps(event).encode()).json()["id"])
    # When a service.rolledback event says the upgrade was rolled back
    rollback = cdevent("service_rolledback", minutes_ago=10)
    rollback["subject"]["content"]["artifactId"] = f"pkg:oci/myapp@sha256:{'1' * 64}"
    rolled_back = post(api, path, json.dumps(rollback).encode()).json()["id"]
    # Then the upgrade failed, remediated by the rollback 10 minutes later (§19)
    upgrade = stored(api, ids[1])
    assert upgrade["failure"]["remediatedBy"] == rolled_back
    assert upgrade["failure"]["recoveryMinutes"] == 10.0
    assert stored(api, rolled_back)["remediates"] == ids[1]
    assert "failure" not in stored(api, ids[0])


def test_a_resolved_incident_and_other_types_are_ignored(api: Api, aws: Aws) -> None:
    path = cdevents_path(api)
    other = cdevent("service_deployed")
    other["context"]["type"] = "dev.cdevents.taskrun.started.0.1.1"
    for body in (cdevent("incident_resolved"), other):
        response = post(api, path, json.dumps(body).encode())
        assert (response.status, response.json()["status"]) == (200, "ignored")
    assert aws.stored_event_ids() == set()


def test_a_broken_envelope_is_a_client_error_and_logged(api: Api, aws: Aws) -> None:
    # Given a CDEvents pipeline
    pipeline = api.create_pipeline("CDEVENTS")
    path = f"/api/v1/deployment-events/cdevents/{pipeline['integrationKey']}"
    body = json.dumps(cdevent("service_deployed")).encode()
    # When a binary-mode delivery names a CloudEvents version that does not exist, or a structured one has no data
    wrong_version = post(api, path, body, {"ce-specversion": "7", "ce-id": "d-1", "ce-source": "/s", "ce-type": "t"})
    no_data = post(
        api,
        path,
        b'{"specversion": "1.0", "id": "1", "source": "/s", "type": "t"}',
        {"content-type": "application/cloudevents+json"},
    )
    # Then each is a 422 naming the field, nothing is stored, and the log says so with the delivery's id
    assert (wrong_version.status, no_data.status) == (422, 422)
    assert "ce-specversion" in wrong_version.json()["message"]
    assert aws.stored_event_ids() == set()
    entries = api.call("GET", f"/api/deployment-pipelines/{pipeline['id']}/deliveries").json()["items"]
    assert [(entry["status"], entry["outcome"]) for entry in entries] == [(422, "rejected"), (422, "rejected")]
    assert entries[1]["deliveryId"] == "d-1"


def test_a_cdevents_pipeline_with_a_secret_wants_it_as_a_bearer_token(api: Api) -> None:
    path = cdevents_path(api, webhookSecret="cd-secret")
    body = json.dumps(cdevent("service_deployed")).encode()
    assert post(api, path, body).status == 401
    assert post(api, path, body, {"authorization": "Bearer wrong"}).status == 401
    assert post(api, path, body, {"authorization": "Bearer cd-secret"}).status == 202


def test_a_detected_incident_is_correlated_as_an_alert_of_the_pipelines_teams(api: Api, alert_bus: Bus) -> None:
    # Given a CDEvents pipeline of Payments, which reported a deployment of myApp ten minutes ago
    path = cdevents_path(api, teams=[PAYMENTS])
    deployed = cdevent("service_deployed", minutes_ago=10)
    deployed["subject"]["id"] = "myApp"
    deployment = post(api, path, json.dumps(deployed).encode()).json()["id"]
    # When the same sender reports an incident of myApp just now
    response = post(api, path, json.dumps(cdevent("incident_detected", minutes_ago=1)).encode())
    # Then it is accepted as an alert put on the bus, of the pipeline's teams
    assert (response.status, response.json()) == (202, {"status": "accepted", "id": "incident-123"})
    [created] = alert_bus.observed("Alert Created")
    alert = created["detail"]
    assert alert["alertSource"]["teams"] == [PAYMENTS]
    assert alert["alertSource"]["integrationType"] == "CDEVENTS"
    assert (alert["labels"]["service"], alert["labels"]["environment"]) == ("myApp", "prod1")
    # And it is correlated with the deployment, the likely cause
    alert_bus.deliver()
    enrichment = api.call("GET", "/api/alerts/incident-123/deployments").json()
    assert enrichment["scope"] == "TEAM"
    assert [item["id"] for item in enrichment["deployments"]] == [deployment]


def test_a_flux_event_is_verified_and_a_repeat_is_a_duplicate(api: Api, aws: Aws) -> None:
    # Given a Flux pipeline with the generic-hmac provider's secret
    pipeline = api.create_pipeline("FLUX", webhookSecret="flux-token", teams=[PAYMENTS])
    path = f"/api/v1/deployment-events/flux/{pipeline['integrationKey']}"
    assert pipeline["integrationUrl"].endswith(path)
    body = fixture_bytes(FLUX_FAILED)
    signed = {"x-signature": flux_signature("flux-token", body), "gotk-component": "kustomize-controller"}
    # When the documented failure arrives unsigned, wrongly signed, then signed twice
    unsigned = post(api, path, body)
    wrong = post(api, path, body, {"x-signature": flux_signature("other", body)})
    first = post(api, path, body, signed)
    repeat = post(api, path, body, signed)
    # Then only the signed one is stored, once, as a failed deployment of the Kustomization
    assert (unsigned.status, wrong.status) == (401, 401)
    assert (first.status, first.json()["status"], repeat.json()["status"]) == (202, "accepted", "duplicate")
    assert aws.stored_event_ids() == {first.json()["id"]}
    change = stored(api, first.json()["id"])
    assert (change["service"], change["environment"], change["status"]) == ("webapp", "apps", "failure")
    assert change["commitSha"] == "731f7eaddfb6af01cb2173e18f0f75b0ba780ef1"
    # And the delivery log shows each
    entries = api.call("GET", f"/api/deployment-pipelines/{pipeline['id']}/deliveries").json()["items"]
    assert [entry["outcome"] for entry in entries] == ["duplicate", "accepted", "rejected", "rejected"]
    assert entries[0]["eventType"] == "flux-event"


def test_a_flux_success_after_the_failure_is_another_change(api: Api) -> None:
    pipeline = api.create_pipeline("FLUX")
    path = f"/api/v1/deployment-events/flux/{pipeline['integrationKey']}"
    failed = post(api, path, fixture_bytes(FLUX_FAILED)).json()
    success = fixture_json(FLUX_FAILED)
    success.update(severity="info", reason="ReconciliationSucceeded", message="Reconciliation finished in 1s")
    succeeded = post(api, path, json.dumps(success).encode()).json()
    assert (failed["status"], succeeded["status"]) == ("accepted", "accepted")
    assert failed["id"] != succeeded["id"]
    assert stored(api, succeeded["id"])["status"] == "success"
    progressing = {**success, "reason": "Progressing"}
    assert post(api, path, json.dumps(progressing).encode()).json()["status"] == "ignored"
