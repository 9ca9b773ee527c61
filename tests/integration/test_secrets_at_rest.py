"""§22: secrets at rest are envelope-encrypted with the stack's KMS key and stored once; they are
opened only where they are used, and records stored in plain text before keep working."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient

from local.template import LOCAL_REGION
from shared.adapters import envelope
from shared.adapters.envelope import SecretMisplaced
from shared.domain.models.sealed import SecretPlace
from tests.conftest import Api, Aws
from tests.fixture_files import fixture_bytes

GITLAB_SECRET = "gitlab-token-4f1c9a77e2"
SOURCE_SECRET = "pd-webhook-secret-9b2e71c0"
SLACK_URL = "https://hooks.slack.com/services/T0SECRET/B0SECRET/slack0secret0path0x"
PAGERDUTY_TOKEN = "pd-api-token-0a1b2c3d4e5f"
ILERT_KEY = "il1api0secret0key0123456"
HOOK_URL = "https://hooks.example.com/in?token=url0embedded0secret"
HOOK_SECRET = "webhook-signing-secret-77aa"
REGISTERED_SLACK_URL = "https://hooks.slack.com/services/T1SECRET/B1SECRET/registered0secret0x"
EVERY_TARGET = [
    {"type": "SLACK", "webhookUrl": SLACK_URL, "always": True},
    {"type": "PAGERDUTY", "apiToken": PAGERDUTY_TOKEN, "fromEmail": "oncall@example.com"},
    {"type": "ILERT", "integrationKey": ILERT_KEY},
    {"type": "WEBHOOK", "url": HOOK_URL, "secret": HOOK_SECRET},
]
PLAIN_SECRETS = [
    GITLAB_SECRET,
    SOURCE_SECRET,
    SLACK_URL,
    PAGERDUTY_TOKEN,
    ILERT_KEY,
    HOOK_URL,
    HOOK_SECRET,
    REGISTERED_SLACK_URL,
]
LISTED_PIPELINE_SK = "PIPELINE#"
GITLAB_PUSH = "gitlab/push.docs.json"
PLATFORM = [{"id": "platform", "name": "Platform"}]


@pytest.fixture
def stack_parameters() -> dict[str, str]:
    """GitLab's documented push dates from years ago: keep it."""
    return {"RetentionDays": "3650"}


def sealed_values(value: Any) -> list[str]:
    """Every ciphertext in a deserialised item, wherever it is nested."""
    if isinstance(value, dict):
        found = [value["sealed"]] if isinstance(value.get("sealed"), str) else []
        return found + [text for element in value.values() for text in sealed_values(element)]
    if isinstance(value, list):
        return [text for element in value for text in sealed_values(element)]
    return []


def plain_items(aws: Aws) -> list[dict[str, Any]]:
    deserializer = boto3.dynamodb.types.TypeDeserializer()
    return [{name: deserializer.deserialize(value) for name, value in item.items()} for item in aws.items()]


def create_every_secret(api: Api) -> dict[str, Any]:
    """A GitLab pipeline and a PagerDuty source with a webhook secret and one target of each
    type, and a source registered by id with a target of its own."""
    pipeline = api.create_pipeline("GITLAB", teams=PLATFORM, webhookSecret=GITLAB_SECRET)
    body = {
        "name": "pd",
        "integrationType": "PAGERDUTY",
        "webhookSecret": SOURCE_SECRET,
        "notifications": EVERY_TARGET,
    }
    source = api.call("POST", "/api/alert-sources", body)
    assert source.status == 201, source.body
    registered = {
        "teams": [{"id": "platform"}],
        "notifications": [{"type": "SLACK", "webhookUrl": REGISTERED_SLACK_URL}],
    }
    assert api.call("PUT", "/api/alert-sources/registered-source", registered).status == 200
    return {"pipeline": pipeline, "source": source.json()}


def deliver_gitlab(api: Api, key: str, token: str) -> int:
    headers = {"content-type": "application/json", "x-gitlab-event": "Push Hook", "x-gitlab-token": token}
    path = f"/api/v1/deployment-events/gitlab/{key}"
    return api.gateway.handle("POST", path, "", headers, fixture_bytes(GITLAB_PUSH)).status


def test_no_secret_is_stored_in_plain_text_and_each_ciphertext_once(api: Api, aws: Aws) -> None:
    # Given a pipeline, an alert source and a registered source holding every kind of secret
    create_every_secret(api)
    # When the raw items of the table are read
    items = plain_items(aws)
    stored = json.dumps(items, default=str)
    # Then no secret appears in them in plain text
    assert [secret for secret in PLAIN_SECRETS if secret in stored] == []
    # And each is sealed once: 2 webhook secrets, 4 targets, 1 registered target, no copies
    ciphertexts = Counter(text for item in items for text in sealed_values(item))
    assert len(ciphertexts) == 7
    assert set(ciphertexts.values()) == {1}


def test_answers_say_a_secret_is_set_without_opening_it(api: Api, aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a pipeline and a source with secrets, and a key service that would fail any opening
    created = create_every_secret(api)

    def no_opening(*_: Any) -> str:
        raise AssertionError("a secret was opened for an answer")

    monkeypatch.setattr(envelope, "open_secret", no_opening)
    # When they are read, one by one and listed
    pipeline = api.call("GET", f"/api/deployment-pipelines/{created['pipeline']['id']}").json()
    source = api.call("GET", f"/api/alert-sources/{created['source']['id']}").json()
    listed = api.call("GET", "/api/alert-sources").json()
    # Then each says its secret is set, and shows its targets redacted
    assert pipeline["webhookSecretSet"] is True
    assert source["webhookSecretSet"] is True
    assert [target["type"] for target in source["notifications"]] == ["SLACK", "PAGERDUTY", "ILERT", "WEBHOOK"]
    assert source["notifications"][0]["always"] is True
    assert listed[0]["notifications"] == source["notifications"]
    assert not [secret for secret in PLAIN_SECRETS if secret in json.dumps([pipeline, source, listed])]


def test_intake_opens_the_sealed_secret_and_updates_keep_it(api: Api) -> None:
    # Given a GitLab pipeline whose secret is sealed
    created = api.create_pipeline("GITLAB", teams=PLATFORM, webhookSecret=GITLAB_SECRET)
    key = created["integrationKey"]
    # When it is renamed without naming its secret, and its key rotated
    body = {"name": "renamed", "teams": [{"id": "platform"}]}
    assert api.call("PUT", f"/api/deployment-pipelines/{created['id']}", body).json()["webhookSecretSet"] is True
    key = api.call("POST", f"/api/deployment-pipelines/{created['id']}/rotate-key").json()["integrationKey"]
    # Then a delivery with the secret is taken and one with another is 401
    assert deliver_gitlab(api, key, GITLAB_SECRET) == 202
    assert deliver_gitlab(api, key, "another-token") == 401
    # And removing the secret says so
    removed = api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {**body, "webhookSecret": ""})
    assert removed.json()["webhookSecretSet"] is False


def test_a_ciphertext_opens_only_in_the_place_it_was_sealed_for(aws: Aws) -> None:
    # Given a secret sealed for one pipeline's webhook secret
    place = SecretPlace("pipeline", "01PIPELINE", "webhookSecret")
    sealed = envelope.seal(GITLAB_SECRET, place)
    # When it is opened there, and in another record, field or kind
    # Then only the first gives the secret back
    assert envelope.open_secret(sealed, place) == GITLAB_SECRET
    for elsewhere in (
        SecretPlace("pipeline", "01OTHER", "webhookSecret"),
        SecretPlace("pipeline", "01PIPELINE", "notifications"),
        SecretPlace("alert-source", "01PIPELINE", "webhookSecret"),
    ):
        with pytest.raises(SecretMisplaced):
            envelope.open_secret(sealed, elsewhere)


def test_a_ciphertext_is_a_few_hundred_bytes(aws: Aws) -> None:
    # Given the longest webhook secret the API takes
    sealed = envelope.seal("s" * 1024, SecretPlace("pipeline", "01PIPELINE", "webhookSecret"))
    # Then its ciphertext adds well under a kilobyte (no signature in the algorithm suite)
    assert len(sealed.sealed) < 2 * 1024


def as_stored_before_sealing(aws: Aws, secrets: dict[str, Any]) -> None:
    """Rewrites every item of a keyed record as a stack deployed before this change stored it: the
    same values, the secrets in plain text in the listed record and in its key copy."""
    serializer = boto3.dynamodb.types.TypeSerializer()
    client = boto3.client("dynamodb", region_name=LOCAL_REGION)
    for item in plain_items(aws):
        if "integration_key_hash" in item:
            item.pop("webhook_secret_set", None)
            item.update(secrets)
            stored = {name: serializer.serialize(value) for name, value in item.items()}
            client.put_item(TableName=aws.resources.table_name, Item=stored)


def test_a_pipeline_stored_in_plain_text_works_and_is_sealed_on_its_next_write(api: Api, aws: Aws) -> None:
    # Given a GitLab pipeline stored before secrets were sealed: its secret in plain text, twice
    created = api.create_pipeline("GITLAB", teams=PLATFORM, webhookSecret=GITLAB_SECRET)
    as_stored_before_sealing(aws, {"webhook_secret": GITLAB_SECRET})
    assert json.dumps(plain_items(aws), default=str).count(GITLAB_SECRET) == 2
    # When a delivery comes, and then the pipeline is renamed
    # Then the plain secret is used as it is
    assert deliver_gitlab(api, created["integrationKey"], GITLAB_SECRET) == 202
    assert deliver_gitlab(api, created["integrationKey"], "another-token") == 401
    assert api.call("GET", f"/api/deployment-pipelines/{created['id']}").json()["webhookSecretSet"] is True
    renamed = api.call("PUT", f"/api/deployment-pipelines/{created['id']}", {"name": "renamed"})
    assert renamed.status == 200, renamed.body
    # And after the write it is sealed, once, and still works
    items = plain_items(aws)
    assert GITLAB_SECRET not in json.dumps(items, default=str)
    assert len([text for item in items for text in sealed_values(item)]) == 1
    assert deliver_gitlab(api, created["integrationKey"], GITLAB_SECRET) == 202


def test_an_alert_source_stored_in_plain_text_is_sealed_on_its_next_write(api: Api, aws: Aws) -> None:
    # Given an alert source stored before secrets were sealed: secret and targets in plain text, twice
    body = {"name": "pd", "integrationType": "PAGERDUTY", "webhookSecret": SOURCE_SECRET, "notifications": EVERY_TARGET}
    created = api.call("POST", "/api/alert-sources", body).json()
    plain_targets = [
        {"type": "SLACK", "webhook_url": SLACK_URL, "always": True},
        {"type": "PAGERDUTY", "api_token": PAGERDUTY_TOKEN, "from_email": "oncall@example.com"},
        {"type": "ILERT", "integration_key": ILERT_KEY},
        {"type": "WEBHOOK", "url": HOOK_URL, "secret": HOOK_SECRET},
    ]
    as_stored_before_sealing(aws, {"webhook_secret": SOURCE_SECRET, "notifications": plain_targets})
    # When it is read, then renamed
    shown = api.call("GET", f"/api/alert-sources/{created['id']}").json()
    renamed = api.call("PUT", f"/api/alert-sources/{created['id']}", {"name": "renamed"})
    # Then it was shown as before, and after the write every secret is sealed, once
    assert shown["notifications"] == created["notifications"]
    assert shown["webhookSecretSet"] is True
    assert renamed.status == 200, renamed.body
    items = plain_items(aws)
    assert [secret for secret in PLAIN_SECRETS if secret in json.dumps(items, default=str)] == []
    ciphertexts = Counter(text for item in items for text in sealed_values(item))
    assert len(ciphertexts) == 5
    assert set(ciphertexts.values()) == {1}


def test_intake_opens_a_secret_without_a_kms_call_per_request(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a GitLab pipeline whose secret is sealed, and every KMS call recorded
    key = api.create_pipeline("GITLAB", teams=PLATFORM, webhookSecret=GITLAB_SECRET)["integrationKey"]
    kms_calls: list[str] = []
    original = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "kms":
            kms_calls.append(operation)
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    # When five deliveries come through the same warm function
    statuses = {deliver_gitlab(api, key, GITLAB_SECRET) for _ in range(5)}
    # Then each was verified, and KMS was asked once: the data key is cached
    assert 401 not in statuses
    assert kms_calls.count("Decrypt") == 1


def test_a_registered_source_stored_in_plain_text_is_sealed_on_its_next_write(api: Api, aws: Aws) -> None:
    # Given a source registered by id before targets were sealed: its Slack URL in plain text
    body = {"teams": [{"id": "platform"}], "notifications": [{"type": "SLACK", "webhookUrl": REGISTERED_SLACK_URL}]}
    assert api.call("PUT", "/api/alert-sources/registered-source", body).status == 200
    client = boto3.client("dynamodb", region_name=LOCAL_REGION)
    for item in aws.items():
        if "notifications" in item:
            plain = boto3.dynamodb.types.TypeSerializer().serialize(
                [{"type": "SLACK", "webhookUrl": REGISTERED_SLACK_URL}]
            )
            client.put_item(TableName=aws.resources.table_name, Item={**item, "notifications": plain})
    assert REGISTERED_SLACK_URL in json.dumps(plain_items(aws), default=str)
    shown = api.call("GET", "/api/alert-sources/registered-source").json()
    # When its teams are registered again, its targets omitted (so kept)
    assert api.call("PUT", "/api/alert-sources/registered-source", {"teams": [{"id": "payments"}]}).status == 200
    # Then it was shown redacted, and its target is kept, now sealed
    assert shown["notifications"][0]["type"] == "SLACK"
    assert REGISTERED_SLACK_URL not in json.dumps(plain_items(aws), default=str)
    assert len([text for item in plain_items(aws) for text in sealed_values(item)]) == 1
    assert api.call("GET", "/api/alert-sources/registered-source").json()["notifications"] == shown["notifications"]
