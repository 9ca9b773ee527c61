"""§21, §22: whatever an admin writes as a pipeline's forwarders, the answer is a 201 or a 4xx
naming the field (never a 5xx), and a token that goes into a header is taken only when it fits one."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Api
from tests.property.support import bounded
from tests.property.test_secret_properties import HEADER_HOSTILE, fits_a_header

FORWARDER_TYPES = ["GRAFANA_ANNOTATION", "PAGERDUTY_CHANGE", "ILERT_DEPLOYMENT", "DATADOG_EVENT", "WEBHOOK", "SMS"]
FIELDS = ["url", "token", "dashboardUid", "tags", "routingKey", "integrationKey", "site", "apiKey", "secret"]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | HEADER_HOSTILE
    | st.just("http://x"),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), children, max_size=3),
    max_leaves=8,
)
HOSTILE_FORWARDER = st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries(
        {"type": st.sampled_from(FORWARDER_TYPES)},
        optional=dict.fromkeys(FIELDS, JSON_VALUES),
    ),
)


@bounded(80)
@given(forwarders=st.one_of(st.lists(HOSTILE_FORWARDER, max_size=7), JSON_VALUES))
def test_hostile_forwarders_are_a_201_or_a_422_never_a_5xx(api: Api, forwarders: Any) -> None:
    # Given any JSON as a pipeline's forwarders
    body = {"name": "hostile", "integrationType": "API", "forwarders": forwarders}
    # When the pipeline is created with them
    response = api.call("POST", "/api/deployment-pipelines", body)
    # Then it is created, or refused with a 422 naming forwarders (a 400 where an entry is no
    # object at all, as for any body of the API), never a 5xx
    assert response.status in (201, 400, 422), response.body
    if response.status == 422:
        assert all(error["field"].startswith("forwarders") for error in json.loads(response.body)["errors"])


@bounded(40)
@given(token=HEADER_HOSTILE)
def test_a_grafana_token_is_taken_only_when_it_fits_a_header(api: Api, token: str) -> None:
    # Given any text as a Grafana service account token
    forwarder = {"type": "GRAFANA_ANNOTATION", "url": "https://grafana.example.com", "token": "glsa-" + token}
    # When a pipeline is created with it
    response = api.call(
        "POST", "/api/deployment-pipelines", {"name": "g", "integrationType": "API", "forwarders": [forwarder]}
    )
    # Then it is taken only when the Authorization header it makes is valid; else a 422 without the token
    if response.status == 201:
        assert fits_a_header(f"Bearer glsa-{token}")
    else:
        assert response.status == 422, response.body
        assert [error["field"] for error in json.loads(response.body)["errors"]] == [
            "forwarders.0.GRAFANA_ANNOTATION.token"
        ]
        assert f"glsa-{token}" not in response.body.decode("utf-8")
