"""The CDEvents reader (§20) against the CDEvents specification's conformance examples
(tests/fixtures/changes/cdevents), bare and in both of CloudEvents' HTTP modes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers import cdevents
from shared.domain.normalisers.common import AlertRaised, Delivery, NormalisedEvent
from shared.domain.normalisers.package_urls import artifact_of
from shared.domain.payloads import Ignored
from tests.fixture_files import FIXTURES, fixture_bytes, fixture_json
from tests.records import RECEIVED_AT, pipeline_record

VERSIONS = ("v0.4.1", "v0.5.1", "head-8917b18")
DIGEST = "sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427"
JSON = {"content-type": "application/json"}


def fixture_name(name: str, version: str) -> str:
    return f"changes/cdevents/{name}.{version}.json"


def read(body: bytes, headers: dict[str, str] | None = None) -> NormalisedEvent | AlertRaised | Ignored:
    payload = json.loads(body)
    pipeline = pipeline_record(IntegrationType.CDEVENTS)
    return cdevents.normalise(Delivery("cdevent", payload, headers or JSON, RECEIVED_AT, body), pipeline)


def changed(body: bytes, headers: dict[str, str] | None = None) -> NormalisedEvent:
    result = read(body, headers)
    assert isinstance(result, NormalisedEvent), result
    return result


def binary_headers(cdevent: dict[str, Any]) -> dict[str, str]:
    """The ``ce-*`` headers of the binding's binary-mode example, with this event's values (the
    binding says they must equal the CDEvent's own)."""
    context = cdevent["context"]
    return {
        "ce-specversion": "1.0",
        "ce-type": context["type"],
        "ce-time": context["timestamp"],
        "ce-id": context["id"],
        "ce-source": context["source"],
        "ce-subject": cdevent["subject"]["id"],
        "content-type": "application/json; charset=utf-8",
    }


def structured(cdevent: dict[str, Any]) -> bytes:
    context = cdevent["context"]
    envelope = {
        "specversion": "1.0",
        "id": context["id"],
        "source": context["source"],
        "type": context["type"],
        "time": context["timestamp"],
        "datacontenttype": "application/json",
        "data": cdevent,
    }
    return json.dumps(envelope).encode()


STRUCTURED = {"content-type": "application/cloudevents+json"}


def test_the_binary_mode_example_names_the_headers_used_here() -> None:
    # Given the binding's own binary-mode example (its body is not valid JSON as published)
    example = (FIXTURES / "changes/cdevents/cloudevents-binary-mode.http-example.INVALID-AS-PUBLISHED.txt").read_text()
    names = {line.split(":", 1)[0].lower() for line in example.splitlines() if line.lower().startswith("ce-")}
    # Then these tests send the same ce-* headers
    sent = binary_headers(fixture_json(fixture_name("service_deployed", "v0.5.1")))
    assert names == set(sent) - {"content-type"}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_deployed_service_bare_binary_and_structured_is_the_same_change(version: str) -> None:
    # Given the specification's service.deployed example of this version
    body = fixture_bytes(fixture_name("service_deployed", version))
    cdevent = json.loads(body)
    # When it arrives bare, in binary mode and in structured mode
    bare = changed(body)
    binary = changed(body, binary_headers(cdevent))
    wrapped = changed(structured(cdevent), STRUCTURED)
    # Then each is the same deployment of the subject to its environment, at the image's digest
    for event in (bare, binary, wrapped):
        assert event.kind is EventKind.DEPLOYMENT
        assert (event.service, event.environment, event.status) == ("mySubject123", "test123", "success")
        assert (event.version, event.commit_sha) == (DIGEST, None)
        assert event.timestamp == datetime(2023, 3, 20, 14, 27, 5, 315384, tzinfo=UTC)
        assert event.natural_key == "cdevents:/event/source/123:271069a8-fc18-44f1-b38f-9d70a1695819"
        assert event.summary == "Service mySubject123 deployed to test123 (myapp@sha256:0b31b1c02ff4)"
        assert event.custom_details["imageDigest"] == DIGEST
    assert [event.custom_details["mode"] for event in (bare, binary, wrapped)] == ["bare", "binary", "structured"]
    expected_version = "0.4.1" if version == "v0.4.1" else cdevent["context"].get("specversion")
    assert bare.custom_details["specVersion"] == expected_version


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("name", "predicate", "summary"),
    [
        ("service_deployed", "deployed", "Service mySubject123 deployed to test123 (myapp@sha256:0b31b1c02ff4)"),
        ("service_upgraded", "upgraded", "Service mySubject123 upgraded to test123 (myapp@sha256:0b31b1c02ff4)"),
        ("service_rolledback", "rolledback", "Service mySubject123 rolled back in test123 (myapp@sha256:0b31b1c02ff4)"),
        ("service_removed", "removed", "Service mySubject123 removed in test123"),
    ],
)
def test_every_service_event_is_a_deployment(version: str, name: str, predicate: str, summary: str) -> None:
    # When each service event of each version arrives
    event = changed(fixture_bytes(fixture_name(name, version)))
    # Then it is a deployment whose custom details name the CDEvents type
    assert event.kind is EventKind.DEPLOYMENT
    assert event.summary == summary
    assert event.custom_details["cdevents.type"] == f"service.{predicate}"


def test_a_rollback_is_marked_for_failure_detection() -> None:
    # When a service is rolled back
    event = changed(fixture_bytes(fixture_name("service_rolledback", "v0.5.1")))
    # Then its custom details carry the explicit signal failure detection reads
    assert event.custom_details["cdevents.type"] == cdevents.ROLLED_BACK


@pytest.mark.parametrize("version", VERSIONS)
def test_a_detected_incident_is_an_alert_of_the_pipelines_teams(version: str) -> None:
    # When the specification's incident.detected example arrives
    result = read(fixture_bytes(fixture_name("incident_detected", version)))
    # Then it is an alert of the pipeline's teams, labelled with its service, environment and version
    assert isinstance(result, AlertRaised)
    alert = result.alert
    assert alert.id == "incident-123"
    assert alert.summary == "Response time above threshold of 100ms"
    assert alert.report_time == datetime(2022, 11, 11, 13, 52, 20, 79000, tzinfo=UTC)
    assert alert.alert_source is not None
    assert [team.id for team in alert.alert_source.teams or []] == ["payments"]
    assert alert.alert_source.integration_type == "CDEVENTS"
    assert alert.labels["service"] == "myApp"
    assert alert.labels["environment"] == "prod1"
    assert alert.labels["version"] == DIGEST


@pytest.mark.parametrize("version", VERSIONS)
def test_a_resolved_incident_is_ignored(version: str) -> None:
    result = read(fixture_bytes(fixture_name("incident_resolved", version)))
    assert isinstance(result, Ignored)
    assert result.code == "unsupported_event"


@pytest.mark.parametrize(
    "event_type", ["dev.cdevents.taskrun.started.0.1.1", "dev.cdevents.service.published.0.3.0", "com.example.other"]
)
def test_other_types_are_ignored(event_type: str) -> None:
    # Given a valid CDEvent of another type
    cdevent = fixture_json(fixture_name("service_deployed", "v0.5.1"))
    cdevent["context"]["type"] = event_type
    # Then it is answered as ignored
    assert isinstance(read(json.dumps(cdevent).encode()), Ignored)


def test_a_future_version_is_read_by_its_field_names() -> None:
    # Given a CDEvent of a version not published yet, with a newer schema version in its type
    cdevent = fixture_json(fixture_name("service_upgraded", "head-8917b18"))
    cdevent["context"]["specversion"] = "1.2.0"
    cdevent["context"]["type"] = "dev.cdevents.service.upgraded.1.0.0"
    # Then it is read as the fields say
    event = changed(json.dumps(cdevent).encode())
    assert (event.service, event.environment) == ("mySubject123", "test123")


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"ce-specversion": "1.0", "ce-type": "t", "ce-source": "/s", "ce-id": ""}, "ce-id"),
        ({"ce-specversion": "1.0", "ce-type": "t", "ce-source": "/s", "ce-id": "1", "ce-time": "yesterday"}, None),
        ({"ce-specversion": "0.2", "ce-type": "t", "ce-source": "/s", "ce-id": "1"}, "ce-specversion"),
    ],
)
def test_a_broken_binary_envelope_is_a_422_naming_the_attribute(headers: dict[str, str], field: str | None) -> None:
    body = fixture_bytes(fixture_name("service_deployed", "v0.5.1"))
    with pytest.raises(InvalidField) as raised:
        read(body, {**headers, **JSON})
    assert field is None or field in raised.value.message
    assert "yesterday" not in raised.value.message


@pytest.mark.parametrize(
    ("envelope", "field"),
    [
        ({"specversion": "1.0", "id": "1", "source": "/s", "type": "t"}, "data"),
        ({"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "data": "text"}, "data"),
        ({"specversion": 1, "id": "1", "source": "/s", "type": "t", "data": {}}, "specversion"),
        ({"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "time": 5, "data": {}}, "CloudEvent"),
        ({"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "data": {"context": {}}}, "data.context"),
    ],
)
def test_a_broken_structured_envelope_is_a_422_naming_the_field(envelope: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidField) as raised:
        read(json.dumps(envelope).encode(), STRUCTURED)
    assert field in raised.value.message


def test_a_cdevent_without_its_context_is_a_422() -> None:
    with pytest.raises(InvalidField, match="context"):
        read(b'{"subject": {"id": "x"}}')


@pytest.mark.parametrize(
    ("artifact_id", "version", "commit_sha", "repository"),
    [
        (f"pkg:oci/myapp@{DIGEST.replace(':', '%3A')}?tag=v1.4.0", "v1.4.0", None, None),
        ("pkg:github/acme/shop@3f2a9c1", None, "3f2a9c1", "acme/shop"),
        ("pkg:maven/org.acme/shop@1.4.0", "1.4.0", None, None),
        ("pkg:generic/shop@1234567", "1234567", None, None),
        ("not a package url", None, None, None),
    ],
)
def test_package_urls(artifact_id: str, version: str | None, commit_sha: str | None, repository: str | None) -> None:
    artifact = artifact_of(artifact_id)
    assert (artifact.version, artifact.commit_sha, artifact.repository) == (version, commit_sha, repository)
