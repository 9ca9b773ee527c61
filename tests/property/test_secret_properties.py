"""§22: whatever text is written as a secret that goes into a header, the answer is a 201 or a
422 naming the field without the value, and what is taken fits a header as ``http.client``
builds one: a token can never fail, or leak through, the request that carries it."""

from __future__ import annotations

import http.client
import json

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Api, Aws
from tests.property.support import bounded

HEADER_HOSTILE = st.text(
    alphabet=st.sampled_from(
        ["a", "Z", "0", "-", " ", "\t", "\n", "\r", "\x00", "\x7f", "\x85", "é", "ü", "\u2028", "支"]
    ),
    min_size=1,
    max_size=12,
)
"""Characters around the edges of what a header may hold, in any order."""


def fits_a_header(value: str) -> bool:
    """What ``http.client`` checks before it sends a header (and raises with the value in its message)."""
    try:
        encoded = value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not http.client._is_illegal_header_value(encoded) and value == value.strip()  # type: ignore[attr-defined]


@bounded(60)
@given(token=HEADER_HOSTILE)
def test_a_pagerduty_token_is_taken_only_when_it_fits_a_header(api: Api, token: str) -> None:
    # Given any text as a PagerDuty token
    target = {"type": "PAGERDUTY", "apiToken": "tok-" + token, "fromEmail": "oncall@example.com"}
    body = {"name": "pd", "integrationType": "PAGERDUTY", "webhookSecret": "pd-secret", "notifications": [target]}
    # When an alert source is created with it
    response = api.call("POST", "/api/alert-sources", body)
    # Then it is taken only when the Authorization header it makes is a valid header; else a 422
    # naming the field, without the token
    if response.status == 201:
        assert fits_a_header(f"Token token=tok-{token}")
    else:
        assert response.status == 422, response.body
        errors = json.loads(response.body)["errors"]
        assert [error["field"] for error in errors] == ["notifications.0.PAGERDUTY.apiToken"]
        assert f"tok-{token}" not in response.body.decode("utf-8")


@bounded(60)
@given(secret=HEADER_HOSTILE)
def test_a_webhook_secret_is_taken_only_when_it_fits_a_header(api: Api, secret: str) -> None:
    # Given any text as a GitLab pipeline's secret, which GitLab sends back as X-Gitlab-Token
    body = {"name": "gl", "integrationType": "GITLAB", "webhookSecret": "s-" + secret}
    # When the pipeline is created
    response = api.call("POST", "/api/deployment-pipelines", body)
    # Then it is taken only when it fits that header; else a 422 naming webhookSecret
    if response.status == 201:
        assert fits_a_header(f"s-{secret}")
    else:
        assert response.status == 422, response.body
        assert [error["field"] for error in json.loads(response.body)["errors"]] == ["webhookSecret"]


@bounded(15)
@given(secret=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40))
def test_any_webhook_secret_is_stored_sealed_and_still_verifies(api: Api, aws: Aws, secret: str) -> None:
    # Given any header-safe text as a GitLab pipeline's secret
    token = "s3cr3t-" + secret
    created = api.create_pipeline("GITLAB", teams=[{"id": "platform"}], webhookSecret=token)
    # When the table is read, and deliveries come with the secret and with another
    stored = json.dumps(aws.items())
    path = f"/api/v1/deployment-events/gitlab/{created['integrationKey']}"
    headers = {"content-type": "application/json", "x-gitlab-event": "Push Hook"}
    right = api.gateway.handle("POST", path, "", {**headers, "x-gitlab-token": token}, b'{"object_kind": "push"}')
    wrong = api.gateway.handle("POST", path, "", {**headers, "x-gitlab-token": token + "x"}, b'{"object_kind": "push"}')
    # Then the secret is stored sealed (§22) and opened to verify: only the right one gets past 401
    assert token not in stored
    assert right.status != 401
    assert wrong.status == 401
