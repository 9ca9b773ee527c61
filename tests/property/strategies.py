"""Hostile inputs for the property tests: JSON of every shape, and real payloads broken on purpose.

Two kinds of values are generated. *Python values* go straight into a normaliser and may hold
anything a JSON parser could hand over, lone surrogates included. *Wire bodies* are bytes a
client can send: they are what the HTTP tests post, and the service must answer each with a
2xx or a 4xx.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta, timezone
from functools import cache
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from shared.domain.requests import MAX_BODY_BYTES
from shared.domain.senders import PAGERDUTY_CHANGE_MAX_BODY_BYTES
from shared.domain.timestamps import isoformat, utc_now
from tests.fixture_files import FIXTURES, fixture_headers, fixture_json

Path = tuple[str | int, ...]
"""Where a value sits inside a payload: keys of objects and indexes of arrays, from the top."""

PLACEHOLDER_KEY = "dpl_not-a-key"
"""The integration key of generated generic bodies; HTTP tests swap in their pipeline's real one."""

LARGEST_WIRE_INTEGER = 10**4000
"""Python's JSON parser refuses integers of more than 4300 digits (a 400 of their own, tested
explicitly); below that, any integer a sender writes reaches the normalisers."""

FIELD_NAMES = (
    "ref",
    "after",
    "action",
    "id",
    "iid",
    "state",
    "status",
    "summary",
    "timestamp",
    "integrationKey",
    "apiKey",
    "dedupKey",
    "links",
    "href",
    "customDetails",
    "userEmail",
    "repository",
    "project",
    "full_name",
    "path_with_namespace",
    "object_attributes",
    "pull_request",
    "merged",
    "merged_at",
    "created_at",
    "updated_at",
    "deployment",
    "deployment_status",
    "release",
    "tag_name",
    "commits",
    "head_commit",
    "workflow_run",
)
"""Names the normalisers read, so that random objects reach past the first missing field."""

hostile_texts = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "main\x00",
        "\ud800",
        "x\udfffy",
        "\u202e\u0301",
        "😀" * 64,
        "refs/heads/main",
        "refs/tags/v1.0.0",
        "release/*",
        "0" * 40,
        "-1",
        "1e400",
        "NaN",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "2026-11-29 12:00:00 +0200",
        "https://",
        "javascript:alert(1)",
        "a@b",
        "#",
        "P#TEAM#DAY#2026-11-29",
    ]
)
"""Strings that broke, or nearly broke, parsers elsewhere: NUL, lone surrogates, edge times, and
the separator of our keys (a PagerDuty team id holding it was a 500)."""

hostile_numbers = st.sampled_from(
    [0, -0.0, -1, 2**63, -(2**63) - 1, 10**11, 1e308, -1e308, 5e-324, LARGEST_WIRE_INTEGER]
)
"""Zeros, the edges of 64-bit integers and floats, and the seconds/milliseconds threshold of §3."""

texts = st.text(st.characters(exclude_categories=()), max_size=24)
"""Any code points, surrogates included: a JSON parser hands ``"\\ud800"`` over as one."""

integers = st.integers() | st.integers(min_value=-LARGEST_WIRE_INTEGER, max_value=LARGEST_WIRE_INTEGER)
"""Half ordinary, half up to 4000 digits: beyond any float, and so beyond any time."""

scalars = (
    st.none()
    | st.booleans()
    | integers
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
    | hostile_texts
    | hostile_numbers
)
object_keys = st.sampled_from(FIELD_NAMES) | texts

utc_offsets = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59))
iso_times = st.builds(
    lambda moment, offset: moment.replace(tzinfo=timezone(offset)).isoformat(), st.datetimes(), utc_offsets
)
"""ISO-8601 with any offset, year 1 to 9999: converting the extremes to UTC leaves datetime's range."""
epoch_texts = st.from_regex(r"-?[0-9]{1,400}(\.[0-9]{1,20})?", fullmatch=True)


def nested_arrays(depth: int) -> list[Any]:
    """``[[[...]]]``, built without recursion so that any depth can be built."""
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def json_values(*, max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value, plus huge strings and arrays nested hundreds deep."""
    composite = st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(object_keys, children, max_size=4),
        max_leaves=max_leaves,
    )
    huge = st.sampled_from([10_000, 100_000]).map(lambda length: "x" * length)
    deep = st.integers(min_value=100, max_value=500).map(nested_arrays)
    return composite | huge | deep


any_json_values = json_values()
replacements = scalars | json_values(max_leaves=4)
"""What a broken payload gets in place of a field: half the time a single hostile scalar."""
json_objects = st.dictionaries(object_keys, any_json_values, max_size=8)


# --- real payloads, broken -----------------------------------------------------------------------


@dataclass(frozen=True)
class RealPayload:
    """A fixture as GitHub or GitLab delivered it, with the event header that came with it."""

    name: str
    event: str
    payload: dict[str, Any]


@cache
def real_payloads(source: str) -> tuple[RealPayload, ...]:
    """Every fixture body of ``github`` or ``gitlab`` that has its delivery headers beside it."""
    event_header = {"github": "x-github-event", "gitlab": "x-gitlab-event"}[source]
    found = []
    for body in sorted((FIXTURES / source).glob("*.json")):
        name = f"{source}/{body.name}"
        if body.name.startswith("_") or body.name.endswith(".headers.json"):
            continue
        headers = fixture_headers(name)
        if event_header in headers:
            found.append(RealPayload(name, headers[event_header], fixture_json(name)))
    return tuple(found)


@cache
def change_sources(folder: str) -> tuple[RealPayload, ...]:
    """Every JSON body of a fixture folder (``changes/cdevents``), named by the folder's sender."""
    return tuple(
        RealPayload(f"{folder}/{body.name}", folder.rsplit("/", 1)[-1], fixture_json(f"{folder}/{body.name}"))
        for body in sorted((FIXTURES / folder).glob("*.json"))
    )


def sent_now(original: RealPayload) -> RealPayload:
    """The payload as if its change happened a minute ago: the fixtures' times are years old,
    beyond retention, so every delivery would be ignored before it could reach storage."""
    payload = copy.deepcopy(original.payload)
    moment = isoformat(utc_now() - timedelta(minutes=1))
    for path in list(paths_in(payload)):
        parent, key = _parent_of(payload, path), path[-1]
        if isinstance(key, str) and key.endswith("_at") and isinstance(parent[key], str):
            parent[key] = moment
    return RealPayload(original.name, original.event, payload)


def generic_event() -> RealPayload:
    """A generic API body with every field set, as a sender following the README writes it."""
    body = {
        "integrationKey": PLACEHOLDER_KEY,
        "summary": "Deployed shop v1.4.0",
        "timestamp": int(time.time()),
        "userEmail": "alice@example.com",
        "userName": "alice",
        "repository": "acme/shop",
        "service": "shop",
        "environment": "production",
        "version": "v1.4.0",
        "commitSha": "0" * 40,
        "branch": "main",
        "status": "success",
        "links": [{"href": "https://ci.example.com/42", "text": "Build 42"}],
        "customDetails": {"build": 42, "stages": [{"name": "test", "passed": True}]},
        "dedupKey": "shop-1.4.0",
    }
    return RealPayload("generic", "deployment-event", body)


def paths_in(payload: dict[str, Any]) -> Iterator[Path]:
    """Every place a value sits in the payload, outermost first, without recursion."""
    pending: list[tuple[Path, Any]] = [((), payload)]
    while pending:
        path, value = pending.pop(0)
        children: list[tuple[str | int, Any]] = []
        if isinstance(value, dict):
            children = list(value.items())
        elif isinstance(value, list):
            children = list(enumerate(value))
        for key, child in children:
            pending.append(((*path, key), child))
            yield (*path, key)


def _parent_of(payload: dict[str, Any], path: Path) -> Any:
    parent: Any = payload
    for key in path[:-1]:
        parent = parent[key]
    return parent


@st.composite
def broken_payloads(draw: st.DrawFn, originals: tuple[RealPayload, ...]) -> RealPayload:
    """A real payload with one to four places dropped or replaced by JSON of another shape."""
    original = draw(st.sampled_from(originals))
    payload = copy.deepcopy(original.payload)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = list(paths_in(payload))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent_of(payload, path)
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(replacements)
    return RealPayload(original.name, original.event, payload)


# --- what goes over the wire ---------------------------------------------------------------------

JSON_CONTENT_TYPE = "application/json"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
content_types = st.sampled_from(
    [
        JSON_CONTENT_TYPE,
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.github+json",
        FORM_CONTENT_TYPE,
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/json\x00",
        "",
    ]
) | st.text(st.characters(max_codepoint=0xFF, exclude_characters="\r\n"), max_size=40)
"""Media types a sender might set, and garbage; header text is what HTTP carries (Latin-1)."""

header_values = st.text(st.characters(max_codepoint=0xFF, exclude_characters="\r\n"), max_size=60)


def wire_json(value: Any) -> bytes:
    """JSON as a client library writes it: lone surrogates escaped, never raw."""
    return json.dumps(value).encode("utf-8")


def form_encoded(value: Any) -> bytes:
    """GitHub's other content type: the JSON in the ``payload`` field of a form."""
    return urlencode({"payload": json.dumps(value)}).encode("ascii")


@dataclass(frozen=True)
class WireDelivery:
    """One request body as sent, with its content type and event header."""

    event: str
    content_type: str
    body: bytes


SENDER_NUMBERS = st.sampled_from(
    ["1e15", "-1E+15", "9.5e15", "1e-7", "1.5e300", "0.1000000000000000055511151231257827"]
)
"""Numbers as senders write them, which Python writes longer (``1e15`` is ``1000000000000000.0``):
a body of them was stored four times its size, an item DynamoDB refused (a 500)."""
FLOOD_SIZES = st.sampled_from(
    [4 * 1024, 64 * 1024, MAX_BODY_BYTES - 1024, MAX_BODY_BYTES + 1, PAGERDUTY_CHANGE_MAX_BODY_BYTES - 1024]
)
"""Small, just under and over most senders' limit, just under PagerDuty's larger one."""
_FLOOD_MARKER = "__numbers__"


def flooded(real: RealPayload, number: str, size: int) -> WireDelivery:
    """The payload with about ``size`` bytes of one number where its sender puts free-form details
    (PagerDuty's ``payload.custom_details``, the generic API's ``customDetails``), as sent: raw text."""
    payload = copy.deepcopy(real.payload)
    inner = payload.get("payload")
    if isinstance(inner, dict):
        inner["custom_details"] = {"numbers": _FLOOD_MARKER}
    else:
        payload["customDetails"] = {"numbers": _FLOOD_MARKER}
    numbers = ("[" + ",".join([number] * (size // (len(number) + 1))) + "]").encode()
    body = wire_json(payload).replace(f'"{_FLOOD_MARKER}"'.encode(), numbers)
    return WireDelivery(real.event, JSON_CONTENT_TYPE, body)


def wire_deliveries(originals: tuple[RealPayload, ...], *, forms: bool = False) -> st.SearchStrategy[WireDelivery]:
    """Random bytes, random JSON, broken real payloads as JSON (or as GitHub's form, where
    ``forms`` says the endpoint accepts it; elsewhere a form is only ever a 415), and real payloads
    flooded with numbers up to and over the body limits."""
    events = st.sampled_from(sorted({original.event for original in originals})) | header_values
    # Half the time JSON, so that most bodies get past the content type to be read at all
    mostly_json = st.booleans().flatmap(lambda as_json: st.just(JSON_CONTENT_TYPE) if as_json else content_types)
    broken = broken_payloads(originals)
    deliveries = (
        st.builds(WireDelivery, events, mostly_json, st.binary(max_size=200))
        | st.builds(WireDelivery, events, mostly_json, any_json_values.map(wire_json))
        | st.builds(WireDelivery, events, mostly_json, json_objects.map(wire_json))
        | broken.map(lambda real: WireDelivery(real.event, JSON_CONTENT_TYPE, wire_json(real.payload)))
        | st.builds(flooded, st.sampled_from(originals), SENDER_NUMBERS, FLOOD_SIZES)
    )
    if forms:
        deliveries |= broken.map(lambda real: WireDelivery(real.event, FORM_CONTENT_TYPE, form_encoded(real.payload)))
    return deliveries


# --- CloudEvents' HTTP modes (CDEvents, §20) -----------------------------------------------------

STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"
CE_ATTRIBUTES = ("specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema")
ce_header_values = (
    st.sampled_from(["1.0", "0.3", "", "2018-04-05T17:31:00Z", "2018-13-45T99:00:00Z", "%ZZ", "dev.cdevents.x.y.1"])
    | header_values
)
cloudevents_headers = st.dictionaries(
    st.sampled_from([f"ce-{name}" for name in CE_ATTRIBUTES]) | st.from_regex(r"\Ace-[A-Za-z0-9 _-]{0,8}\Z"),
    ce_header_values,
    max_size=8,
)
"""Binary mode's ``ce-*`` headers: right names with hostile values, and names no attribute has."""


@st.composite
def structured_envelopes(draw: st.DrawFn, originals: tuple[RealPayload, ...]) -> dict[str, Any]:
    """Structured mode: a broken real CDEvent (or any JSON) in ``data``, beside attributes that
    are right, missing or of another shape."""
    data = draw(broken_payloads(originals).map(lambda real: real.payload) | any_json_values)
    right = {"specversion": "1.0", "id": "1", "source": "/ci", "type": "dev.cdevents.service.deployed.0.3.0"}
    envelope: dict[str, Any] = {}
    for name in CE_ATTRIBUTES:
        choice = draw(st.sampled_from(["right", "missing", "other"]))
        if choice == "right" and name in right:
            envelope[name] = right[name]
        elif choice == "other":
            envelope[name] = draw(replacements)
    place = draw(st.sampled_from(["data", "data_base64", "none"]))
    if place != "none":
        envelope[place] = data if place == "data" else draw(replacements)
    return envelope


def cloudevents_deliveries(originals: tuple[RealPayload, ...]) -> st.SearchStrategy[tuple[dict[str, str], bytes]]:
    """Headers and body of a CDEvents delivery in binary, structured or no mode, broken on purpose."""
    broken = broken_payloads(originals).map(lambda real: wire_json(real.payload))
    json_type = {"content-type": JSON_CONTENT_TYPE}
    structured_type = {"content-type": STRUCTURED_CONTENT_TYPE}
    return (
        st.tuples(cloudevents_headers.map(lambda headers: {**headers, **json_type}), broken | st.binary(max_size=100))
        | st.tuples(st.just(structured_type), structured_envelopes(originals).map(wire_json))
        | st.tuples(st.just(json_type), broken)
    )
