"""Explicit hostile requests on every route: each is answered with a 2xx or a 4xx that says why,
never a 5xx (§3). The statuses §3 fixes (413, 415, 400) are checked exactly.

Each test sends its case to every route it applies to, so that a handful of tests covers the API
without paying for a fresh emulated AWS per route.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from local.gateway import Gateway, GatewayResponse
from local.template import LocalStack, Route
from shared.domain.models.deployments import CUSTOM_DETAILS_MAX_DEPTH
from shared.domain.requests import MAX_BODY_BYTES
from tests.conftest import ADMIN, JSON, Api
from tests.fixture_files import fixture_json
from tests.property.support import bounded

ROUTES = LocalStack({}).routes()
KEY = "KEY"
"""Stands for the integration key in bodies; each test swaps in the real one of its pipeline."""
LONG_PATH_PARAMETER = "a" * 2994 + quote("é#\x00 /%", safe="")
"""3 000 characters once decoded, with the key separator, a NUL, a space, a slash and a percent."""


def assert_answered(response: GatewayResponse, context: object, expected_status: int | None = None) -> None:
    """A 2xx, or a 4xx whose JSON body has a message; and the expected status, when one is given."""
    assert 200 <= response.status < 300 or 400 <= response.status < 500, (context, response.status, response.body)
    if expected_status is not None:
        assert response.status == expected_status, (context, response.body)
    if response.status >= 400:
        message = json.loads(response.body).get("message")
        assert isinstance(message, str), (context, response.body)
        assert message.strip(), (context, response.body)


def with_parameters(route: Route, value: str) -> str:
    return re.sub(r"\{\w+\}", lambda _: value, route.path)


# --- the three ingest endpoints ------------------------------------------------------------------


@dataclass(frozen=True)
class IngestEndpoints:
    """The generic API and the webhooks, each with a pipeline of its own type."""

    generic_key: str
    github_key: str
    gitlab_key: str
    cdevents_key: str
    flux_key: str

    def post_to_each(
        self, gateway: Gateway, body: bytes, headers: dict[str, str]
    ) -> Iterator[tuple[str, GatewayResponse]]:
        """The same body and headers to each endpoint, with its event header and the real key."""
        keyed = body.replace(KEY.encode(), self.generic_key.encode())
        endpoints = {
            "generic": ("/api/deployment-events", {}),
            "github": (f"/api/v1/deployment-events/github/{self.github_key}", {"x-github-event": "push"}),
            "gitlab": (f"/api/v1/deployment-events/gitlab/{self.gitlab_key}", {"x-gitlab-event": "Push Hook"}),
            "cdevents": (f"/api/v1/deployment-events/cdevents/{self.cdevents_key}", {"ce-specversion": "1.0"}),
            "flux": (f"/api/v1/deployment-events/flux/{self.flux_key}", {}),
        }
        for name, (path, event_headers) in endpoints.items():
            yield name, gateway.handle("POST", path, "", {**event_headers, **headers}, keyed)


@pytest.fixture
def ingest(api: Api) -> IngestEndpoints:
    return IngestEndpoints(
        generic_key=api.create_pipeline("API")["integrationKey"],
        github_key=api.create_pipeline("GITHUB")["integrationKey"],
        gitlab_key=api.create_pipeline("GITLAB")["integrationKey"],
        cdevents_key=api.create_pipeline("CDEVENTS")["integrationKey"],
        flux_key=api.create_pipeline("FLUX")["integrationKey"],
    )


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


INGEST_BODIES: dict[str, dict[str, tuple[bytes, int]]] = {
    "size": {
        "over 256 KiB": (b'{"integrationKey": "KEY", "summary": "' + b"x" * MAX_BODY_BYTES + b'"}', 413),
        "over 1 MiB": (b'{"integrationKey": "KEY", "summary": "' + b"x" * (1024 * 1024) + b'"}', 413),
    },
    "depth": {
        "nested 100 000 deep": (_deep(100_000), 400),
        "nested 100 000 deep in a field": (b'{"integrationKey": "KEY", "summary": ' + _deep(100_000) + b"}", 400),
    },
    "numbers": {
        "1e400": (b'{"integrationKey": "KEY", "summary": "x", "timestamp": 1e400}', 400),
        "an integer of 5000 digits": (b'{"integrationKey": "KEY", "summary": "x", "id": ' + b"9" * 5000 + b"}", 400),
        "NaN": (b'{"integrationKey": "KEY", "summary": "x", "timestamp": NaN}', 400),
    },
    "encoding": {
        "invalid UTF-8": (b'{"integrationKey": "KEY", "summary": "\xff\xfe"}', 400),
        "a lone surrogate escape": (b'{"integrationKey": "KEY", "summary": "\\ud800", "ref": "\\udfff"}', 400),
    },
    "shape": {
        "not an object": (b'["integrationKey", "KEY"]', 400),
        "empty": (b"", 400),
    },
}
"""Too large, too deep, not JSON, or JSON that Python reads and JSON is not: §3's 413 and 400."""


@pytest.mark.parametrize("category", INGEST_BODIES)
def test_unreadable_ingest_bodies_get_the_spec_status(gateway: Gateway, ingest: IngestEndpoints, category: str) -> None:
    for case, (body, expected_status) in INGEST_BODIES[category].items():
        # When such a body is sent to each ingest endpoint as JSON
        for name, response in ingest.post_to_each(gateway, body, JSON):
            # Then each answers with the status §3 gives it, and says why
            assert_answered(response, (name, case), expected_status)


@pytest.mark.parametrize(
    ("depth", "expected_status"), [(CUSTOM_DETAILS_MAX_DEPTH, 202), (CUSTOM_DETAILS_MAX_DEPTH + 1, 422)]
)
def test_custom_details_nest_only_so_deep(
    gateway: Gateway, ingest: IngestEndpoints, depth: int, expected_status: int
) -> None:
    # Given custom details as deep as allowed, and one level deeper (the object itself is a level)
    body = b'{"integrationKey": "KEY", "summary": "x", "customDetails": {"a": ' + _deep(depth - 1) + b"}}"
    keyed = body.replace(KEY.encode(), ingest.generic_key.encode())
    assert_answered(gateway.handle("POST", "/api/deployment-events", "", JSON, keyed), depth, expected_status)


ODD_BUT_VALID = {
    "timestamp -0": b'{"integrationKey": "KEY", "summary": "x", "timestamp": -0}',
    "timestamp -0.0": b'{"integrationKey": "KEY", "summary": "x", "timestamp": -0.0}',
    "timestamp 0": b'{"integrationKey": "KEY", "summary": "x", "timestamp": 0}',
    "NUL in strings": b'{"integrationKey": "KEY", "summary": "x\\u0000y", "ref": "refs/heads/\\u0000"}',
    "an integer of 4001 digits": b'{"integrationKey": "KEY", "summary": "x", "n": 1' + b"0" * 4000 + b"}",
    "astral characters": '{"integrationKey": "KEY", "summary": "😀", "ref": "refs/heads/😀"}'.encode(),
    "256 KiB of 1e15": b'{"integrationKey": "KEY", "summary": "x", "customDetails": {"n": ['
    + b",".join([b"1e15"] * ((MAX_BODY_BYTES - 100) // 5))
    + b"]}}",
}


def test_odd_but_valid_json_is_answered(gateway: Gateway, ingest: IngestEndpoints) -> None:
    for case, body in ODD_BUT_VALID.items():
        # Given valid JSON with values at the edges: zero times, NUL, huge integers
        for name, response in ingest.post_to_each(gateway, body, JSON):
            # Then each endpoint answers it, as a success or a client error
            assert_answered(response, (name, case))


NOT_JSON = {
    "text/plain": {"content-type": "text/plain"},
    "missing": {},
    "empty": {"content-type": ""},
    "NUL": {"content-type": "application/json\x00"},
    "multipart": {"content-type": "multipart/form-data; boundary=x"},
}


def test_bodies_that_are_not_json_are_415(gateway: Gateway, ingest: IngestEndpoints) -> None:
    body = b'{"integrationKey": "KEY", "summary": "x"}'
    for case, headers in NOT_JSON.items():
        # Given a valid JSON body labelled as something else, or not labelled at all
        for name, response in ingest.post_to_each(gateway, body, headers):
            # Then it is refused as not JSON
            assert_answered(response, (name, case), 415)


NUL_HEADERS = {
    "event": {"x-github-event": "push\x00", "x-gitlab-event": "Push Hook\x00"},
    "delivery id": {"x-github-delivery": "\x00", "x-gitlab-event-uuid": "\x00"},
    "Idempotency-Key": {"idempotency-key": "a\x00b"},
    "signature and token": {"x-hub-signature-256": "sha256=\x00", "x-gitlab-token": "\x00"},
    "Authorization": {"authorization": "Bearer \x00"},
}


def test_nul_bytes_in_header_values_are_answered(gateway: Gateway, ingest: IngestEndpoints) -> None:
    body = json.dumps({"integrationKey": KEY, "summary": "x", **fixture_json("github/push.default-branch.json")})
    for case, headers in NUL_HEADERS.items():
        # Given a delivery whose header values hold NUL bytes
        for name, response in ingest.post_to_each(gateway, body.encode(), {**JSON, **headers}):
            assert_answered(response, (name, case))


# --- every route with a path parameter -----------------------------------------------------------

PARAMETER_ROUTES: dict[str, list[Route]] = {}
for _route in ROUTES:
    if "{" in _route.path:
        PARAMETER_ROUTES.setdefault(_route.path.split("{", 1)[0], []).append(_route)
"""Routes with a path parameter by resource: pipelines, events, alerts, registry, webhook keys, assets."""
BODIES_BY_ROUTE = {
    "PUT /api/deployment-pipelines/{pipelineId}": {"name": "renamed"},
    "PUT /api/alert-sources/{alertSourceId}": {"name": "Shop API"},
    "PUT /api/escalation-policies/{escalationPolicyId}": {"name": "Payments on call"},
}
"""Valid bodies, so that the long parameter is what the route has to deal with."""


@pytest.mark.parametrize("resource", PARAMETER_ROUTES)
def test_path_parameters_of_3000_characters(gateway: Gateway, resource: str) -> None:
    for route in PARAMETER_ROUTES[resource]:
        # Given a path parameter of 3 000 characters, with a '#', a NUL, a space and an encoded slash
        path = with_parameters(route, LONG_PATH_PARAMETER)
        body = json.dumps(BODIES_BY_ROUTE.get(route.route_key, {})).encode()
        headers = {**JSON, "x-github-event": "push", "x-gitlab-event": "Push Hook"}
        # When it is requested with the admin token
        response = gateway.handle(route.method, path, "", {**ADMIN, **headers}, body)
        # Then nothing by that id exists (or the body is refused first)
        assert_answered(response, route.route_key)
        assert response.status >= 400, route.route_key
        # And without the token an admin route is 401 before anything reads the id
        anonymous = gateway.handle(route.method, path, "", headers, body)
        assert_answered(anonymous, route.route_key, None if not route.requires_admin else 401)


# --- queries -------------------------------------------------------------------------------------


def cursor_of(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


GARBAGE_QUERIES = {
    "cursor": [
        "!!!!",
        "%FF%FE",
        "a" * 1025,
        cursor_of(b"\xff\xfe"),
        cursor_of(b"[]"),
        cursor_of(b'{"bucket": "9999-99-99", "after": "x"}'),
        cursor_of(b'{"bucket": "2026-11-29", "after": "\\ud800"}'),
        cursor_of(b'{"bucket": "2026-11-29", "after": "' + b"9" * 5000 + b'"}'),
    ],
    "from": ["yesterday", "2026-13-45", "0001-01-01T00:00:00+01:00", "-1", "1e400", "9" * 64, "9" * 65, "\x00"],
    "until": ["9999-12-31T23:59:59-01:00", "2026-11-29T25:00:00Z", "1" * 20, "NaN"],
    "max-results": ["0", "101", "-1", "1e3", "abc", "9" * 5000, ""],
    "team": ["#", "a" * 129, "\x00", "😀"],
    "pipeline": ["x" * 129, "#", "\x00"],
}


@pytest.mark.parametrize("parameter", GARBAGE_QUERIES)
def test_garbage_queries_of_the_event_list(api: Api, parameter: str) -> None:
    # Given a made-up cursor, an unparseable date or an out-of-range page size
    for value in GARBAGE_QUERIES[parameter]:
        # When the events are listed with it
        response = api.call("GET", "/api/deployment-events", query=urlencode({parameter: value}))
        # Then it is a page, or a 400 naming what is wrong
        assert_answered(response, (parameter, value[:40]))
        assert response.status in (200, 400), (parameter, value[:40], response.body)


def test_dates_out_of_order_are_400(api: Api) -> None:
    query = urlencode({"from": "2026-11-29T12:00:00Z", "until": "2026-11-28T12:00:00Z"})
    assert_answered(api.call("GET", "/api/deployment-events", query=query), "from > until", 400)


GARBAGE_SOURCES = ["#", "a#b", "x" * 129, "", " ", "\x00", "😀", "%FF%FE", "a" * 5000]
"""``?source=`` of the alert routes (§22): an alert source id no source can have, or none known."""


@pytest.mark.parametrize(
    ("method", "tail"), [("GET", "deployments"), ("GET", "notifications"), ("POST", "notifications/retry")]
)
def test_garbage_sources_of_the_alert_routes(api: Api, method: str, tail: str) -> None:
    for value in GARBAGE_SOURCES:
        # When an alert route is called with a made-up or malformed source
        response = api.call(method, f"/api/alerts/a-1/{tail}", query=urlencode({"source": value}))
        # Then it is a 400 naming what is wrong, or a 404 for an alert it never saw
        assert_answered(response, (tail, value[:40]))
        assert response.status in (400, 404), (tail, value[:40], response.body)


GARBAGE_WEIGHTS = st.one_of(
    st.sampled_from(['{"tiem": 1}', '{"time": 1e400}', '{"time": NaN}', "[]", "{", "null", '{"none": "5"}', "\x00"]),
    st.text(max_size=80),
    st.dictionaries(
        st.text(max_size=12), st.floats(allow_nan=True) | st.integers() | st.text(max_size=4), max_size=4
    ).map(json.dumps),
    st.text(min_size=2049, max_size=2100),
)
"""``?weights=`` of the preview (§17): what a typo, a tool or an attacker puts there."""


@bounded(max_examples=60)
@given(weights=GARBAGE_WEIGHTS)
def test_garbage_weights_of_the_preview(api: Api, weights: str) -> None:
    # Given an alert to preview, and weights that may be anything
    alert = {"id": "weights", "reportTime": "2026-11-30T10:00:00Z", "labels": {"service": "shop"}}
    # When it is previewed with them
    response = api.call("POST", "/api/alerts/preview", alert, query=urlencode({"weights": weights}))
    # Then it is the enrichment, or a client error naming what is wrong
    assert_answered(response, weights[:40])
    assert response.status in (200, 400, 422), (weights[:40], response.body[:300])


GARBAGE_PAGING = [
    "start-index=-1",
    "start-index=100001",
    "start-index=" + "9" * 5000,
    "start-index=abc",
    "max-results=0",
    "max-results=101",
    "max-results=1e3",
    "max-results=",
]


def test_garbage_paging_of_the_pipeline_list_is_400(api: Api) -> None:
    for query in GARBAGE_PAGING:
        assert_answered(api.call("GET", "/api/deployment-pipelines", query=query), query[:40], 400)


# --- admin authentication ------------------------------------------------------------------------

ADMIN_ROUTES = [route for route in ROUTES if route.requires_admin]


WRONG_AUTHORIZATIONS = {
    "Bearer and 3000 characters": "Bearer " + "x" * 2993,
    "3000 characters": "x" * 3000,
    "the token, then more": "Bearer test-admin-token" + "x" * 2977,
    "NUL": "Bearer \x00",
    "Latin-1": "Bearer é",
}


def test_a_wrong_authorization_header_is_401_on_every_admin_route(gateway: Gateway) -> None:
    for case, authorization in WRONG_AUTHORIZATIONS.items():
        for route in ADMIN_ROUTES:
            response = gateway.handle(route.method, with_parameters(route, "x"), "", {"authorization": authorization})
            assert_answered(response, (route.route_key, case), 401)


# --- admin bodies --------------------------------------------------------------------------------

BODY_ROUTES = [
    route
    for route in ADMIN_ROUTES
    if route.method in ("POST", "PUT") and route.route_key != "POST /api/services/import"
]
"""Admin routes with JSON bodies; the catalog import reads YAML (``test_hostile_yaml.py``)."""
ADMIN_BODIES: dict[str, dict[str, tuple[bytes, dict[str, str], int | None]]] = {
    "unreadable": {
        "nested 100 000 deep": (_deep(100_000), JSON, 400),
        "1e400": (b'{"name": "x", "id": 1e400, "reportTime": 1e400}', JSON, 400),
        "an integer of 5000 digits": (b'{"name": "x", "id": ' + b"9" * 5000 + b"}", JSON, 400),
        "invalid UTF-8": (b'{"name": "\xff\xfe"}', JSON, 400),
        "a lone surrogate escape": (b'{"name": "\\ud800", "id": "\\udfff", "reportTime": 1}', JSON, 400),
    },
    "content type": {
        "text/plain": (b'{"name": "x", "id": "1", "reportTime": 1}', {"content-type": "text/plain"}, 415),
        "a form": (b"name=x&id=1", {"content-type": "application/x-www-form-urlencoded"}, 415),
        "multipart without a boundary": (b"name=x", {"content-type": "multipart/form-data"}, 415),
        "multipart with a boundary": (b"--x\r\n\r\n--x--", {"content-type": "multipart/form-data; boundary=x"}, 415),
        "no content type": (b'{"name": "x", "id": "1", "reportTime": 1}', {}, None),
    },
    "odd but readable": {
        "over 1 MiB": (b'{"name": "' + b"x" * (1024 * 1024) + b'", "id": "1", "reportTime": 1}', JSON, None),
        "NUL in strings": (b'{"name": "\\u0000", "id": "\\u0000", "reportTime": 1}', JSON, None),
    },
}
"""Bodies for every admin route that takes one, with the status each must get where it is fixed."""


@pytest.mark.parametrize("category", ADMIN_BODIES)
def test_hostile_bodies_on_admin_routes(gateway: Gateway, category: str) -> None:
    for case, (body, headers, expected_status) in ADMIN_BODIES[category].items():
        for route in BODY_ROUTES:
            response = gateway.handle(route.method, with_parameters(route, "x"), "", {**ADMIN, **headers}, body)
            reads_body = not route.path.endswith(("/rotate-key", "/notifications/retry"))
            assert_answered(response, (route.route_key, case), expected_status if reads_body else None)


# --- regressions: inputs that were answered with a 500, or with no message ------------------------


def github_push_with(**repository: Any) -> bytes:
    push = fixture_json("github/push.default-branch.json")
    push["repository"].update(repository)
    return json.dumps(push).encode()


@dataclass(frozen=True)
class Regression:
    route: str
    body: bytes
    headers: dict[str, str]
    status: int


REGRESSIONS = {
    "generic timestamp 10**400 (OverflowError)": Regression(
        "POST /api/deployment-events",
        json.dumps({"integrationKey": KEY, "summary": "x", "timestamp": 10**400}).encode(),
        JSON,
        422,
    ),
    "alert reportTime 10**400 (OverflowError)": Regression(
        "POST /api/alerts", json.dumps({"id": "1", "reportTime": 10**400}).encode(), {**ADMIN, **JSON}, 422
    ),
    "customDetails nested 300 deep (serialization depth exceeded when stored)": Regression(
        "POST /api/deployment-events",
        b'{"integrationKey": "KEY", "summary": "x", "customDetails": {"a": ' + _deep(299) + b"}}",
        JSON,
        422,
    ),
    "integrationKey a lone surrogate (UnicodeEncodeError)": Regression(
        "POST /api/deployment-events", b'{"integrationKey": "\\ud800", "summary": "x"}', JSON, 400
    ),
    "GitHub repository a lone surrogate (UnicodeEncodeError)": Regression(
        "POST /api/v1/deployment-events/github/{integrationKey}",
        github_push_with(full_name="\ud800"),
        {**JSON, "x-github-event": "push"},
        400,
    ),
    "customDetails of 256 KiB of 1e15 (stored as 1000000000000000.0: an item DynamoDB refused)": Regression(
        "POST /api/deployment-events",
        b'{"integrationKey": "KEY", "summary": "x", "customDetails": {"n": ['
        + b",".join([b"1e15"] * ((MAX_BODY_BYTES - 100) // 5))
        + b"]}}",
        JSON,
        202,
    ),
    "admin body with an integer of 5000 digits (ValueError)": Regression(
        "POST /api/deployment-pipelines",
        b'{"name": "x", "integrationType": "API", "teams": [{"id": ' + b"1" * 5000 + b"}]}",
        {**ADMIN, **JSON},
        400,
    ),
    "admin body as text/plain (415 without a message)": Regression(
        "POST /api/deployment-pipelines",
        b'{"name": "x", "integrationType": "API"}',
        {**ADMIN, "content-type": "text/plain"},
        415,
    ),
    "admin body as multipart/form-data without a boundary (ValueError)": Regression(
        "PUT /api/alert-sources/{alertSourceId}",
        b'{"name": "Shop API", "teams": []}',
        {**ADMIN, "content-type": "multipart/form-data"},
        415,
    ),
}


@pytest.mark.parametrize("case", REGRESSIONS)
def test_regressions(api: Api, gateway: Gateway, case: str) -> None:
    regression = REGRESSIONS[case]
    generic_key = api.create_pipeline("API")["integrationKey"]
    github_key = api.create_pipeline("GITHUB")["integrationKey"]
    method, path = regression.route.split(" ", 1)
    path = path.replace("{integrationKey}", github_key).replace("{alertSourceId}", "shop-api")
    body = regression.body.replace(KEY.encode(), generic_key.encode())
    assert_answered(gateway.handle(method, path, "", regression.headers, body), case, regression.status)
