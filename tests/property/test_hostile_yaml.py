"""The catalog import (§17) with whatever a broken or hostile client might send as YAML: every
answer is a 200 or a 4xx whose message says why, never a 5xx (§3, §22), and a 4xx stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from tests.conftest import Api, Aws
from tests.property.support import bounded

REAL_CATALOG = (Path(__file__).parents[1] / "fixtures" / "backstage" / "catalog-info.yaml").read_text()
YAML_TOKENS = [*"kindmetaspc:-[]{}&*!<>|'\"#?,\n \t%@`\\ud80", "---", "<<", "\n  ", "!!binary", "&a", "*a"]
YAML_TEXT = st.lists(st.sampled_from(YAML_TOKENS), max_size=120).map("".join)
"""YAML's indicators and escapes, mixed: anchors, aliases, tags, merges, flow and block styles."""
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=200))
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=30,
)
ENTITIES = st.fixed_dictionaries(
    {"kind": st.sampled_from(["Component", "Resource", "System", "component"]) | SCALARS, "metadata": VALUES},
    optional={"spec": VALUES, "apiVersion": VALUES},
)


def mutated(text: str, position: int, insert: str) -> str:
    cut = position % (len(text) + 1)
    return text[:cut] + insert + text[cut:]


BODIES = st.one_of(
    st.binary(max_size=300),
    YAML_TEXT.map(str.encode),
    st.lists(ENTITIES, max_size=4).map(lambda entities: yaml.safe_dump_all(entities).encode()),
    st.builds(mutated, st.just(REAL_CATALOG), st.integers(min_value=0), YAML_TEXT).map(str.encode),
)


def stored_services(aws: Aws) -> list[dict[str, Any]]:
    return [item for item in aws.items() if item["PK"]["S"] == "SERVICES"]


@bounded(max_examples=150)
@given(body=BODIES, content_type=st.sampled_from(["application/yaml", "text/yaml; charset=utf-8"]))
def test_any_yaml_is_answered_without_a_server_error(api: Api, aws: Aws, body: bytes, content_type: str) -> None:
    # Given an import of anything at all
    before = stored_services(aws)
    # When it is posted
    response = api.call("POST", "/api/services/import", body, {"content-type": content_type})
    event(f"status {response.status}")
    # Then it is a 200 that counts what it did, or a 4xx that says why and changed nothing
    assert response.status == 200 or 400 <= response.status < 500, (response.status, response.body)
    answer = json.loads(response.body)
    if response.status == 200:
        assert isinstance(answer["imported"], int)
        assert all(isinstance(entry["reason"], str) for entry in answer["skipped"])
    else:
        assert answer["message"].strip()
        assert stored_services(aws) == before
