"""Webhook secrets as the sender rows check them: GitHub's HMAC over the raw bytes, GitLab's token, and the
alerting systems' signatures and bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from shared.domain.errors import Unauthorized
from shared.domain.requests import RawRequest
from shared.domain.senders import ALERT_SENDERS, DEPLOYMENT_SENDERS
from shared.domain.verifiers import Verifier
from tests.fixture_files import fixture_bytes, fixture_headers, fixture_json

CAPTURED = fixture_json("github/_signature-test-vector.captured-captures.json")


def verifier_of(sender: str) -> Verifier:
    verify = DEPLOYMENT_SENDERS[sender].verify
    assert verify is not None
    return verify


verify_github_signature = verifier_of("github")
verify_gitlab_token = verifier_of("gitlab")


def signed(body: bytes, signature: str) -> RawRequest:
    return RawRequest(body=body, headers={"x-hub-signature-256": signature})


def with_token(token: str | None) -> RawRequest:
    return RawRequest(body=b"{}", headers={} if token is None else {"x-gitlab-token": token})


def test_githubs_documented_test_vector() -> None:
    # Given the vector of GitHub's "Validating webhook deliveries" page
    vector = fixture_json("github/_signature-test-vector.github-docs.json")
    # Then its signature verifies
    verify_github_signature(vector["secret"], signed(vector["payload"].encode("utf-8"), vector["X-Hub-Signature-256"]))


@pytest.mark.parametrize("vector", CAPTURED["vectors"], ids=lambda vector: vector["body_file"])
def test_real_captured_deliveries_verify_over_their_raw_bytes(vector: dict[str, str]) -> None:
    # Given a real delivery, byte for byte as GitHub sent it, and its real signature header
    body = fixture_bytes(f"github/{vector['body_file']}")
    verify_github_signature(CAPTURED["secret"], signed(body, vector["x-hub-signature-256"]))
    # Then the same JSON re-serialised no longer verifies: only the raw bytes count
    reserialised = json.dumps(json.loads(body)).encode("utf-8")
    with pytest.raises(Unauthorized):
        verify_github_signature(CAPTURED["secret"], signed(reserialised, vector["x-hub-signature-256"]))


def test_captured_headers_carry_the_same_signature() -> None:
    headers = fixture_headers("github/pull_request.closed.merged.json")
    body = fixture_bytes("github/pull_request.closed.merged.json")
    verify_github_signature(CAPTURED["secret"], signed(body, headers["x-hub-signature-256"]))


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "sha1=7a3986cee59f5af6e5e48b7ffd1d1d2d3280fa75",
        "sha256=",
        "sha256=" + "0" * 64,
        "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17\u00e9",
    ],
)
def test_wrong_or_missing_signatures_are_unauthorized(signature: str) -> None:
    with pytest.raises(Unauthorized):
        verify_github_signature("It's a Secret to Everybody", signed(b"Hello, World!", signature))


def test_gitlab_token_from_the_real_capture() -> None:
    headers = fixture_headers("gitlab/merge_request.opened.captured.json")
    verify_gitlab_token(headers["x-gitlab-token"], with_token(headers["x-gitlab-token"]))
    for wrong in (None, "", headers["x-gitlab-token"][:-1], headers["x-gitlab-token"] + "x"):
        with pytest.raises(Unauthorized):
            verify_gitlab_token(headers["x-gitlab-token"], with_token(wrong))


BODY = b'{"alerts": []}'
SIGNED = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("sender", "headers"),
    [
        ("grafana", {"x-grafana-alerting-signature": SIGNED}),
        ("grafana", {"x-grafana-alerting-signature": SIGNED.upper()}),
        ("pagerduty", {"x-pagerduty-signature": f"v1={'0' * 64}, v1={SIGNED},v1={'1' * 64}"}),
        ("alertmanager", {"authorization": "Bearer s3cret"}),
        ("ilert", {"authorization": "bearer  s3cret "}),
        ("generic", {"authorization": "Bearer s3cret"}),
    ],
)
def test_alerting_systems_prove_the_secret_their_way(sender: str, headers: dict[str, str]) -> None:
    verify = ALERT_SENDERS[sender].verify
    assert verify is not None
    verify("s3cret", RawRequest(body=BODY, headers=headers))


# Every refusal says which header was missing or wrong, never what was expected.
REFUSALS = [
    ("github", {}, "X-Hub-Signature-256 is missing; this pipeline has a webhook secret"),
    (
        "github",
        {"x-hub-signature-256": "sha256=" + "0" * 64},
        "X-Hub-Signature-256 does not match the body and the pipeline's webhook secret",
    ),
    ("gitlab", {}, "X-Gitlab-Token is missing; this pipeline has a webhook secret"),
    ("gitlab", {"x-gitlab-token": "nope"}, "X-Gitlab-Token does not match the pipeline's webhook secret"),
    ("argocd", {}, "X-Argocd-Token is missing; this pipeline has a webhook secret"),
    ("argocd", {"x-argocd-token": "nope"}, "X-Argocd-Token does not match the pipeline's webhook secret"),
    ("grafana", {}, "X-Grafana-Alerting-Signature is missing; this alert source has a webhook secret"),
    (
        "grafana",
        {"x-grafana-alerting-signature": "0" * 64},
        "X-Grafana-Alerting-Signature does not match the body and the webhook secret",
    ),
    (
        "pagerduty",
        {"x-pagerduty-signature": "v0=abc"},
        "X-PagerDuty-Signature is missing; this alert source has a webhook secret",
    ),
    (
        "pagerduty",
        {"x-pagerduty-signature": f"v1={'0' * 64},v1={'1' * 64}"},
        "no X-PagerDuty-Signature matches the body and the webhook secret",
    ),
    (
        "alertmanager",
        {"authorization": "Basic YTpi"},
        "Authorization: Bearer <webhook secret> is required by this alert source",
    ),
    (
        "ilert",
        {"authorization": "Bearer wrong"},
        "the bearer token does not match the alert source's webhook secret",
    ),
]


@pytest.mark.parametrize(("sender", "headers", "message"), REFUSALS, ids=[f"{case[0]}: {case[2]}" for case in REFUSALS])
def test_each_refusal_names_the_header(sender: str, headers: dict[str, str], message: str) -> None:
    verify = {**DEPLOYMENT_SENDERS, **ALERT_SENDERS}[sender].verify
    assert verify is not None
    with pytest.raises(Unauthorized) as refused:
        verify("s3cret", RawRequest(body=BODY, headers=headers))
    assert refused.value.message == message


TERRAFORM_APPLIED = "changes/terraform/run-notification.run-completed-applied.built-from-tfc-docs.json"


@pytest.mark.parametrize(
    ("sender", "header", "digest"),
    [("launchdarkly", "x-ld-signature", hashlib.sha256), ("terraform", "x-tfe-notification-signature", hashlib.sha512)],
)
def test_change_sources_sign_the_raw_body_with_their_digest(sender: str, header: str, digest: type) -> None:
    # Given a real body and its hex HMAC, SHA-256 for LaunchDarkly, SHA-512 for HCP Terraform (§20)
    body = fixture_bytes(TERRAFORM_APPLIED)
    signature = hmac.new(b"s3cret", body, digest).hexdigest()
    # Then it verifies, with no prefix
    verifier_of(sender)("s3cret", RawRequest(body=body, headers={header: signature}))
    # And the other digest, or another body, does not
    other = hashlib.sha512 if digest is hashlib.sha256 else hashlib.sha256
    for wrong in (hmac.new(b"s3cret", body, other).hexdigest(), hmac.new(b"s3cret", body + b" ", digest).hexdigest()):
        with pytest.raises(Unauthorized):
            verifier_of(sender)("s3cret", RawRequest(body=body, headers={header: wrong}))


CHANGE_REFUSALS = [
    ("launchdarkly", {}, "X-LD-Signature is missing; this pipeline has a webhook secret"),
    (
        "launchdarkly",
        {"x-ld-signature": "0" * 64},
        "X-LD-Signature does not match the body and the pipeline's webhook secret",
    ),
    ("unleash", {}, "Authorization is missing; this pipeline has a webhook secret"),
    ("unleash", {"authorization": "Bearer s3cret"}, "Authorization does not match the pipeline's webhook secret"),
    ("terraform", {}, "X-TFE-Notification-Signature is missing; this pipeline has a webhook secret"),
    (
        "terraform",
        {"x-tfe-notification-signature": "0" * 128},
        "X-TFE-Notification-Signature does not match the body and the pipeline's webhook secret",
    ),
]


@pytest.mark.parametrize(("sender", "headers", "message"), CHANGE_REFUSALS, ids=[case[2] for case in CHANGE_REFUSALS])
def test_change_sources_refusals_name_the_header(sender: str, headers: dict[str, str], message: str) -> None:
    with pytest.raises(Unauthorized) as refused:
        verifier_of(sender)("s3cret", RawRequest(body=BODY, headers=headers))
    assert refused.value.message == message


def test_unleash_sends_its_authorization_verbatim() -> None:
    # Given an Unleash addon whose authorization parameter is the pipeline's secret, as set
    verifier_of("unleash")("Bearer s3cret", RawRequest(body=BODY, headers={"authorization": "Bearer s3cret"}))
