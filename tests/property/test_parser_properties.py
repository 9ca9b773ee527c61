"""The parsers every request passes through, with any input: a value, or the error that becomes
a 4xx; never an exception that would become a 500."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.errors import BadRequest
from shared.domain.strict_json import parse_json
from shared.domain.timestamps import TimestampError, parse_timestamp
from shared.logic.overview import parse_bound, resume_key
from tests.property.strategies import (
    any_json_values,
    epoch_texts,
    header_values,
    iso_times,
    scalars,
    texts,
    wire_json,
)
from tests.property.support import bounded, outcome_of


@bounded(max_examples=400)
@given(value=scalars | iso_times | epoch_texts | st.lists(scalars, max_size=2))
def test_parse_timestamp_gives_a_utc_time_or_a_timestamp_error(value: object) -> None:
    # Given anything a sender may put where a time belongs
    # When it is read as a time
    parsed = outcome_of(lambda: parse_timestamp(value), TimestampError)
    # Then it is an aware UTC time, or rejected as not one
    assert isinstance(parsed, TimestampError) or parsed.utcoffset() == timedelta(0)


@bounded(max_examples=300)
@given(text=any_json_values.map(json.dumps) | texts | header_values)
def test_parse_json_gives_text_that_utf8_can_hold_or_a_bad_request(text: str) -> None:
    # Given a request body: JSON of any shape (lone surrogates escaped as clients write them), or not JSON
    # When it is parsed
    value = outcome_of(lambda: parse_json(text), BadRequest)
    if isinstance(value, BadRequest):
        # Then it is rejected as malformed
        assert value.message.startswith("malformed JSON: ")
    else:
        # Or every string in it can be written as UTF-8: hashed into a key, stored, answered
        json.dumps(value, ensure_ascii=False).encode("utf-8")


wrapped_json = any_json_values.map(lambda value: base64.urlsafe_b64encode(wire_json(value)).decode("ascii"))


@bounded(max_examples=300)
@given(cursor=texts | header_values | wrapped_json)
def test_any_cursor_is_decoded_or_a_bad_request(cursor: str) -> None:
    # Given a cursor a client made up, or one that wraps JSON of any shape as ours do
    decoded = outcome_of(lambda: resume_key(cursor), BadRequest)
    # Then it is rejected naming the cursor, unless it has the shape of ours
    assert not isinstance(decoded, BadRequest) or decoded.message.startswith("cursor: ")


@bounded(max_examples=300)
@given(bound=texts | header_values | iso_times | epoch_texts)
def test_any_date_bound_is_a_time_or_a_bad_request(bound: str) -> None:
    # Given a from/until bound of the overview's query
    parsed = outcome_of(lambda: parse_bound(bound, "from"), BadRequest)
    # Then it is a time, or rejected naming the parameter
    if isinstance(parsed, BadRequest):
        assert parsed.message.startswith("from: ")
    else:
        assert parsed is None or parsed.tzinfo is not None


@pytest.mark.parametrize("too_large", [10**400, -(10**400)], ids=["10**400", "-10**400"])
def test_integer_epochs_beyond_any_float_are_out_of_range(too_large: int) -> None:
    # Regression: float(10**400) raised OverflowError, which escaped every handler as a 500
    with pytest.raises(TimestampError, match="out of range"):
        parse_timestamp(too_large)
