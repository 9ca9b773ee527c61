"""§19's explicit signals from a hostile sender: whatever ``fixes`` and ``kind`` hold, the generic
API answers with a 2xx or a 4xx naming the field, never a 5xx, and detection never stores more
than the event the answer names."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from local.gateway import Gateway
from tests.conftest import Api
from tests.property.strategies import any_json_values, hostile_texts, texts
from tests.property.support import bounded
from tests.property.test_ingest_endpoint_properties import StoredEvents, assert_answered_safely, stored_events

__all__ = ["stored_events"]
NEAR_MISSES = st.sampled_from(["rollback", "ROLLBACK", "v1", "#", "a" * 600])
SIGNAL_VALUES = hostile_texts | texts | any_json_values | NEAR_MISSES


@pytest.fixture
def shop_key(api: Api) -> str:
    """A pipeline whose service already has a history, so that every signal is judged against it."""
    key = str(api.create_pipeline("API", teams=[{"id": "payments"}])["integrationKey"])
    for version in ("v1", "v2"):
        body = {"integrationKey": key, "summary": f"shop {version}", "service": "shop", "version": version}
        assert api.call("POST", "/api/deployment-events", body, {"authorization": ""}).status == 202
    return key


@bounded(max_examples=150)
@given(fixes=SIGNAL_VALUES, kind=SIGNAL_VALUES, version=st.sampled_from(["v1", "v3", None]))
def test_any_fixes_or_kind_is_answered_without_a_server_error(
    shop_key: str, gateway: Gateway, stored_events: StoredEvents, fixes: object, kind: object, version: str | None
) -> None:
    # Given a generic event of shop whose fixes and kind are anything a client can send
    body = {"integrationKey": shop_key, "summary": "shop again", "service": "shop", "timestamp": int(time.time())}
    body |= {"fixes": fixes, "kind": kind} | ({"version": version} if version else {})
    wire = json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    # Then it is answered with a 2xx or a 4xx, and only the event the answer names may be new
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", "/api/deployment-events", "", headers, wire))
