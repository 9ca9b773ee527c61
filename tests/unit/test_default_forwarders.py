"""§22: ``DefaultForwarders`` is read entry by entry at the forward function's start; what is
skipped is told by position, type and the kind of each problem, never by what the entry holds."""

from __future__ import annotations

import json

import pytest

from shared.domain.models.forwarders import PagerDutyChangeForwarder, valid_forwarders

TOKEN = "glsa_not-for-the-logs-0123"
VALID_PAGERDUTY = {"type": "PAGERDUTY_CHANGE", "routingKey": "R0UTINGKEY0123"}


def test_valid_entries_are_kept_and_the_invalid_ones_told_apart() -> None:
    # Given a list with a valid entry, a token with a newline, an unknown type and a number
    configured = json.dumps(
        [
            VALID_PAGERDUTY,
            {"type": "GRAFANA_ANNOTATION", "url": "https://grafana.example.com", "token": TOKEN + "\n"},
            {"type": TOKEN},
            42,
        ]
    )
    # When it is read
    forwarders, skipped = valid_forwarders(configured)
    # Then the valid entry is kept, and each other one is told by position and type only
    assert forwarders == (PagerDutyChangeForwarder.model_validate(VALID_PAGERDUTY),)
    assert [(entry.position, entry.entry_type) for entry in skipped] == [
        (1, "GRAFANA_ANNOTATION"),
        (2, "unknown"),
        (3, "int"),
    ]
    assert skipped[0].problems == ["GRAFANA_ANNOTATION.token: value_error"]
    assert TOKEN not in repr(skipped)


@pytest.mark.parametrize(
    ("configured", "kind"), [(f"[{{'token': '{TOKEN}'", "text"), (json.dumps({"a": TOKEN}), "dict")]
)
def test_a_value_that_is_no_json_list_is_skipped_whole(configured: str, kind: str) -> None:
    forwarders, [skipped] = valid_forwarders(configured)
    assert forwarders == ()
    assert (skipped.position, skipped.entry_type) == (0, kind)
    assert TOKEN not in repr(skipped)


def test_more_than_five_are_cut_at_five_and_the_rest_told() -> None:
    forwarders, skipped = valid_forwarders(json.dumps([VALID_PAGERDUTY] * 7))
    assert len(forwarders) == 5
    assert [entry.position for entry in skipped] == [5, 6]


def test_nothing_configured_is_no_forwarder() -> None:
    assert valid_forwarders("") == ((), [])
