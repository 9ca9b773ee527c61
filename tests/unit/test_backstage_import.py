"""A Backstage catalog read as services (§17), and YAML read without letting it cost more than
its size (§22)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import yaml

from shared.domain import yaml_documents
from shared.domain.backstage import entity_name, services_of
from shared.domain.errors import BadRequest
from shared.domain.yaml_documents import MAX_DEPTH, load_documents

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

BILLION_LAUGHS = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
    b"%s: &%s [%s]\n" % (bytes([98 + level]), bytes([98 + level]), b",".join([b"*" + bytes([97 + level])] * 9))
    for level in range(8)
)
"""The classic: nine levels of nine aliases, 387 million strings once expanded."""
MERGE_LAUGHS = b"a0: &a0 {k: 1}\n" + b"".join(
    b"a%d: &a%d {<<: [*a%d, *a%d], k%d: 1}\n" % (level, level, level - 1, level - 1, level) for level in range(1, 64)
)
"""Merge keys copy what they merge: each level doubles, 2^63 pairs at the end."""


@pytest.mark.parametrize(
    ("reference", "name"),
    [
        ("component:payments", "payments"),
        ("component:default/payments", "payments"),
        ("resource:orders-db", "orders-db"),
        ("group:default/team-a", "team-a"),
        ("team-a", "team-a"),
    ],
)
def test_an_entity_reference_names_its_entity(reference: str, name: str) -> None:
    assert entity_name(reference) == name


def test_documents_are_read_in_order_with_empty_ones_as_none() -> None:
    assert load_documents(b"a: 1\n---\n---\nb: [x, y]\n") == [{"a": 1}, None, {"b": ["x", "y"]}]


@pytest.mark.parametrize(
    ("body", "line"),
    [
        (b"kind: Component\nmetadata:\n  name: [open\n", 4),
        (b"a: 1\n b: 2\n", 2),
        (b"a: 1\nb: *nowhere\n", 2),
        (b"a: 1\n---\nwhen: 2001-13-45\n", 3),
        (b"a: !!int 0x\n", 1),
        (b"a: !!python/object/apply:os.system [ls]\n", 1),
    ],
)
def test_yaml_that_does_not_parse_names_its_line(body: bytes, line: int) -> None:
    with pytest.raises(BadRequest, match=f"at line {line}:"):
        load_documents(body)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (BILLION_LAUGHS, "aliases expand to more than"),
        (MERGE_LAUGHS, "aliases expand to more than"),
        (b"&a [*a]\n", "recursive"),
        (b"a: &a {b: *a}\n", "recursive"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "levels deep"),
        (b"[" * 100_000, "not parse"),
        (b'a: "\\ud800"\n', "not parse"),
    ],
)
def test_hostile_yaml_is_refused_at_once(body: bytes, problem: str) -> None:
    # Given YAML that would cost far more than its size once built
    started = time.monotonic()
    # When it is read, Then it is a 400, found before anything is built
    with pytest.raises(BadRequest, match=problem):
        load_documents(body)
    assert time.monotonic() - started < 2


def test_aliases_that_stay_small_are_read() -> None:
    body = b"base: &base {owner: team-a}\none: *base\ntwo: {<<: *base, type: service}\n"
    assert load_documents(body)[0]["two"] == {"owner": "team-a", "type": "service"}


def test_nesting_up_to_the_limit_is_read() -> None:
    assert load_documents(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)


@pytest.mark.parametrize("body", [b"\xff\xfe\x00", b"a: \x07\n", b"\xc3\x28"])
def test_bytes_that_are_not_yaml_text_are_400(body: bytes) -> None:
    with pytest.raises(BadRequest, match=r"not readable YAML|not parse"):
        load_documents(body)


def test_components_and_resources_become_services_and_others_are_skipped() -> None:
    # Given a component, a resource, a system and a lone string
    documents = [
        {"kind": "Component", "metadata": {"name": "shop"}, "spec": {"owner": "group:default/team-a"}},
        {"kind": "resource", "metadata": {"name": "shop-db"}},
        {"kind": "System", "metadata": {"name": "retail"}},
        "text",
    ]
    # When read
    services, skipped = services_of(documents, NOW)
    # Then the component and the resource are services, marked imported
    assert [(service.name, service.imported, service.updated_at) for service in services] == [
        ("shop", True, NOW),
        ("shop-db", True, NOW),
    ]
    assert [team.id for team in services[0].teams] == ["team-a"]
    # And the others are skipped, saying why
    assert [(entry.name, entry.reason.split(":")[0]) for entry in skipped] == [
        ("retail", "document 3"),
        (None, "document 4"),
    ]


@pytest.mark.parametrize(
    ("entity", "reason"),
    [
        ({"kind": "Component"}, "without a valid metadata.name"),
        ({"kind": "Component", "metadata": {"name": 42}}, "without a valid metadata.name"),
        (
            {"kind": "Component", "metadata": {"name": "x", "annotations": {"github.com/project-slug": "x"}}},
            "metadata.annotations",
        ),
        ({"kind": "Component", "metadata": {"name": "x"}, "spec": {"owner": ["a"]}}, "spec.owner"),
        ({"kind": "Component", "metadata": {"name": "x"}, "spec": {"owner": "group:a#b"}}, "spec.owner"),
        ({"kind": "Component", "metadata": {"name": "x"}, "spec": {"dependsOn": ["a", 1]}}, "spec.dependsOn"),
        ({"kind": "Component", "metadata": {"name": "x"}, "spec": {"dependsOn": ["c:x"] * 101}}, "spec.dependsOn"),
        ({"kind": ["Component"], "metadata": {"name": "x"}}, "kind 'list' is not a service"),
    ],
)
def test_an_entity_that_cannot_be_a_service_is_skipped_with_the_field(entity: dict[str, object], reason: str) -> None:
    services, skipped = services_of([entity], NOW)
    assert services == []
    assert reason in skipped[0].reason


def test_a_quoted_kind_is_cut_short() -> None:
    _, skipped = services_of([{"kind": "k" * 10_000, "metadata": {"name": "x"}}], NOW)
    assert len(skipped[0].reason) < 200


def test_without_libyaml_a_surrogate_escape_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the pure-Python parser, which reads "\ud800" as a string no store can hold (libyaml refuses it)
    monkeypatch.setattr(yaml_documents, "SafeLoader", yaml.SafeLoader)
    # When such a string is read, Then it is a 400 naming its line
    with pytest.raises(BadRequest, match="at line 2: a string with an unpaired surrogate"):
        yaml_documents.load_documents(b'a: 1\nb: "\\ud800"\n')
