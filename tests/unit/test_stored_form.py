"""Stored forms are measured before they are written (§22): numbers as short as their senders
wrote them, an item's size as DynamoDB counts it, and a 413 for what DynamoDB would refuse."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.store.client import ITEM_LIMIT, TRANSACTION_LIMIT, check_fits, item_size, to_item
from shared.domain.errors import PayloadTooLarge
from shared.domain.strict_json import dumps, parse_json


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ("1e15", "1e15"),
        ("1E+15", "1e15"),
        ("1000000000000000.0", "1e15"),
        ("1.5e3", "1.5e3"),
        ("1e-7", "1e-7"),
        ("0.1", "0.1"),
        ("1.50", "1.5"),
        ("-0.0", "-0.0"),
        ("2.0", "2.0"),
        ("1000000000000000", "1000000000000000"),
        ('"1000000000000000.0"', '"1000000000000000.0"'),
        ('"a \\" 1.0"', '"a \\" 1.0"'),
    ],
)
def test_numbers_are_written_as_short_as_sent(sent: str, written: str) -> None:
    # Given a number (or a string that looks like one) as a sender wrote it
    # When it is read and written back
    # Then it is the same value, in the sender's form or a shorter one; strings are untouched
    assert dumps(parse_json(sent)) == written


@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_reads_back_equal_and_never_longer_than_python_writes_it(number: float) -> None:
    written = dumps([number])
    assert json.loads(written) == [number]
    assert len(written) <= len(json.dumps([number], separators=(",", ":")))


def test_an_items_size_counts_names_and_utf8_values() -> None:
    # Given an item of a string (two bytes per "é") and a number
    item = to_item({"event": "é" * 10, "expiresAt": 1_800_000_000})
    # Then its size is its names plus its values as DynamoDB counts them (a number at its upper bound)
    assert item_size(item) == len("event") + 20 + len("expiresAt") + 7


def test_items_over_dynamodbs_limits_are_413_before_anything_is_written() -> None:
    one_item = to_item({"event": "x" * (ITEM_LIMIT - 100)})
    check_fits([one_item] * (TRANSACTION_LIMIT // ITEM_LIMIT))
    with pytest.raises(PayloadTooLarge, match="400 KiB"):
        check_fits([to_item({"event": "x" * ITEM_LIMIT})])
    with pytest.raises(PayloadTooLarge, match="4096 KiB"):
        check_fits([one_item] * (TRANSACTION_LIMIT // ITEM_LIMIT + 1))
