"""LaunchDarkly, Unleash and HCP Terraform (§20) through the ingest handler: their fixtures to the
stored change, their signatures, redeliveries, the events they ignore and the delivery log."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from tests.conftest import JSON, Api, Aws
from tests.fixture_files import fixture_bytes

NO_ADMIN = {"authorization": ""}
LD_TOGGLE = "changes/launchdarkly/flag-toggle.written-from-envelope.json"
LD_ROLLOUT = "changes/launchdarkly/flag-rollout-update.written-from-envelope.json"
LD_RENAME = "changes/launchdarkly/environment-rename.written-from-envelope.json"
UNLEASH = "changes/unleash/{}.unleash-docs.json"
TF_APPLIED = "changes/terraform/run-notification.run-completed-applied.built-from-tfc-docs.json"
TF_ERRORED = "changes/terraform/run-notification.run-errored-canceled.tfc-docs.json"
TF_VERIFICATION = "changes/terraform/verification.send-a-test.tfc-docs.trailing-comma-removed.json"


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """The documented examples are years old; they are stored all the same."""
    return {"RetentionDays": "3650"}


def post(api: Api, source: str, key: str, body: bytes, headers: dict[str, str] | None = None) -> Any:
    path = f"/api/v1/deployment-events/{source}/{key}"
    return api.call("POST", path, body, {**NO_ADMIN, **JSON, **(headers or {})})


def signature(secret: str, body: bytes, digest: Any) -> str:
    return hmac.new(secret.encode(), body, digest).hexdigest()


def stored(api: Api, response: Any) -> dict[str, Any]:
    assert response.status == 202, response.body
    event: dict[str, Any] = api.call("GET", f"/api/deployment-events/{response.json()['id']}").json()
    return event


def deliveries(api: Api, pipeline: dict[str, Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = api.call("GET", f"/api/deployment-pipelines/{pipeline['id']}/deliveries").json()[
        "items"
    ]
    return entries


def test_a_signed_launchdarkly_flag_toggle_is_stored_once(api: Api, aws: Aws) -> None:
    # Given a LaunchDarkly pipeline with a webhook secret, and a flag turned on, signed with it
    pipeline = api.create_pipeline("LAUNCHDARKLY", webhookSecret="ld-secret", teams=[{"id": "web"}])
    assert pipeline["integrationUrl"].endswith(f"/api/v1/deployment-events/launchdarkly/{pipeline['integrationKey']}")
    body = fixture_bytes(LD_TOGGLE)
    good = {"x-ld-signature": signature("ld-secret", body, hashlib.sha256)}
    # When it is delivered, then delivered again (LaunchDarkly retries once)
    first = post(api, "launchdarkly", pipeline["integrationKey"], body, good)
    again = post(api, "launchdarkly", pipeline["integrationKey"], body, good)
    # Then it is one flag change with the flag's before and after, the second a duplicate
    event = stored(api, first)
    assert (again.status, again.json()) == (202, {"status": "duplicate", "id": event["id"]})
    assert (event["kind"], event["integrationType"], event["environment"]) == ("flag", "LAUNCHDARKLY", "production")
    assert (event["customDetails"]["before"], event["customDetails"]["after"]) == ({"on": False}, {"on": True})
    assert event["teams"] == ["web"]
    assert aws.stored_event_ids() == {event["id"]}
    # And a missing or wrong signature is a 401
    assert post(api, "launchdarkly", pipeline["integrationKey"], body).status == 401
    wrong = {"x-ld-signature": signature("other", body, hashlib.sha256)}
    assert post(api, "launchdarkly", pipeline["integrationKey"], body, wrong).status == 401
    # And the delivery log has each, newest first
    assert [(entry["status"], entry["outcome"]) for entry in deliveries(api, pipeline)] == [
        (401, "rejected"),
        (401, "rejected"),
        (202, "duplicate"),
        (202, "accepted"),
    ]


def test_a_launchdarkly_flag_tagged_with_a_service_and_a_rename_ignored(api: Api) -> None:
    # Given a LaunchDarkly pipeline without a secret
    pipeline = api.create_pipeline("LAUNCHDARKLY")
    # When a flag tagged service:checkout has its rollout changed, and an environment is renamed
    rollout = stored(api, post(api, "launchdarkly", pipeline["integrationKey"], fixture_bytes(LD_ROLLOUT)))
    renamed = post(api, "launchdarkly", pipeline["integrationKey"], fixture_bytes(LD_RENAME))
    # Then the flag change is the service's; the rename is ignored with a 200
    assert (rollout["kind"], rollout["service"]) == ("flag", "checkout")
    assert (renamed.status, renamed.json()["status"]) == (200, "ignored")
    assert deliveries(api, pipeline)[0]["eventType"] == "launchdarkly-change"


def test_a_flag_without_a_service_tag_takes_its_service_from_the_catalog(api: Api) -> None:
    # Given the catalog knows a service "Demo" and a LaunchDarkly pipeline
    assert api.call("PUT", "/api/services/Demo", {"dependsOn": []}).status == 200
    pipeline = api.create_pipeline("LAUNCHDARKLY")
    # When the flag demo-flag (no service tag) is turned on
    event = stored(api, post(api, "launchdarkly", pipeline["integrationKey"], fixture_bytes(LD_TOGGLE)))
    # Then its service is the catalog's service named by the key's prefix
    assert event["service"] == "Demo"


def test_a_flag_the_catalog_does_not_know_has_no_service(api: Api) -> None:
    # Given an empty catalog, when a flag without a service tag is turned on
    pipeline = api.create_pipeline("LAUNCHDARKLY")
    event = stored(api, post(api, "launchdarkly", pipeline["integrationKey"], fixture_bytes(LD_TOGGLE)))
    # Then the change names no service
    assert "service" not in event or event["service"] is None


@pytest.mark.parametrize(
    ("name", "status", "outcome"),
    [
        ("feature-environment-enabled", 202, "accepted"),
        ("feature-environment-disabled", 202, "accepted"),
        ("feature-strategy-add", 202, "accepted"),
        ("feature-strategy-update", 202, "accepted"),
        ("feature-created", 200, "ignored"),
        ("user-created", 200, "ignored"),
    ],
)
def test_unleash_events_through_intake(api: Api, name: str, status: int, outcome: str) -> None:
    # Given an Unleash pipeline whose secret the addon sends as its Authorization
    pipeline = api.create_pipeline("UNLEASH", webhookSecret="unleash-token")
    body = fixture_bytes(UNLEASH.format(name))
    # When Unleash posts the event
    response = post(api, "unleash", pipeline["integrationKey"], body, {"authorization": "unleash-token"})
    # Then a change to what a flag serves is stored as kind flag, other events are ignored
    assert (response.status, response.json()["status"]) == (status, outcome)
    if status == 202:
        assert stored(api, response)["kind"] == "flag"
    # And a redelivery (Unleash retries once) is a duplicate of what it was
    redelivered = post(api, "unleash", pipeline["integrationKey"], body, {"authorization": "unleash-token"})
    assert redelivered.json()["status"] == ("duplicate" if status == 202 else "ignored")


def test_unleash_requires_its_authorization_only_where_the_pipeline_has_a_secret(api: Api) -> None:
    # Given one Unleash pipeline with a secret and one without
    guarded = api.create_pipeline("UNLEASH", webhookSecret="unleash-token")
    open_pipeline = api.create_pipeline("UNLEASH")
    body = fixture_bytes(UNLEASH.format("feature-environment-enabled"))
    # Then without it, or with another, the guarded one answers 401; the other takes it
    assert post(api, "unleash", guarded["integrationKey"], body).status == 401
    assert post(api, "unleash", guarded["integrationKey"], body, {"authorization": "Bearer x"}).status == 401
    assert post(api, "unleash", open_pipeline["integrationKey"], body).status == 202


def test_terraform_runs_applied_and_errored_are_infra_changes(api: Api, aws: Aws) -> None:
    # Given a Terraform pipeline with a token, as HCP Terraform's notification configuration has
    pipeline = api.create_pipeline("TERRAFORM", webhookSecret="tfc-token")
    key = pipeline["integrationKey"]

    def signed(name: str) -> tuple[bytes, dict[str, str]]:
        body = fixture_bytes(name)
        return body, {"x-tfe-notification-signature": signature("tfc-token", body, hashlib.sha512)}

    # When an applied run, an errored run and the configuration's test arrive, signed
    applied = post(api, "terraform", key, *signed(TF_APPLIED))
    errored = post(api, "terraform", key, *signed(TF_ERRORED))
    verification = post(api, "terraform", key, *signed(TF_VERIFICATION))
    # Then the applied run is a successful infra change of its workspace, the errored a failed one
    assert (stored(api, applied)["kind"], stored(api, applied)["service"]) == ("infra", "my-workspace")
    assert (stored(api, errored)["kind"], stored(api, errored)["status"]) == ("infra", "failure")
    assert stored(api, applied)["status"] == "success"
    # And the test notification is answered 200, ignored
    assert (verification.status, verification.json()["status"]) == (200, "ignored")
    # And the same notification again is a duplicate; signed with SHA-256 or another token, a 401
    assert post(api, "terraform", key, *signed(TF_APPLIED)).json()["status"] == "duplicate"
    body = fixture_bytes(TF_APPLIED)
    sha256 = {"x-tfe-notification-signature": signature("tfc-token", body, hashlib.sha256)}
    other = {"x-tfe-notification-signature": signature("other", body, hashlib.sha512)}
    assert post(api, "terraform", key, body, sha256).status == 401
    assert post(api, "terraform", key, body, other).status == 401
    assert len(aws.stored_event_ids()) == 2


@pytest.mark.parametrize("source", ["launchdarkly", "unleash", "terraform"])
def test_the_key_of_another_type_is_a_404(api: Api, source: str) -> None:
    # Given a GitHub pipeline's key, when it is used at a §20 source's URL, then it is unknown there
    pipeline = api.create_pipeline("GITHUB")
    assert post(api, source, pipeline["integrationKey"], fixture_bytes(TF_APPLIED)).status == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{", 400), (b"[]", 400), (b'{"type": 3}', 422), (b"{" + b" " * (257 * 1024) + b"}", 413)],
)
def test_bodies_that_are_no_event_get_their_status(api: Api, aws: Aws, body: bytes, status: int) -> None:
    # Given an Unleash pipeline, when a body that is not an Unleash event arrives
    pipeline = api.create_pipeline("UNLEASH")
    response = post(api, "unleash", pipeline["integrationKey"], body)
    # Then §3's status answers it, and nothing is stored
    assert response.status == status, response.body
    assert aws.stored_event_ids() == set()
