"""§22: whatever text is written as a secret that goes into a header, the answer is a 201 or a
422 naming the field without the value, and what is taken fits a header as ``http.client``
builds one: a token can never fail, or leak through, the request that carries it."""

from __future__ import annotations

import http.client
import json

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Api
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
