"""Timestamps as senders write them (§3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.timestamps import TimestampError, isoformat, parse_timestamp

NOON = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1795953600, NOON),
        (1795953600.5, NOON.replace(microsecond=500000)),
        ("1795953600", NOON),
        (1795953600000, NOON),
        (1795953600123, NOON.replace(microsecond=123000)),
        (99_999_999_999, datetime(5138, 11, 16, 9, 46, 39, tzinfo=UTC)),
        (100_000_000_000, datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC)),
        ("2026-11-29T12:00:00Z", NOON),
        ("2026-11-29T12:00:00", NOON),
        ("2026-11-29T14:00:00+02:00", NOON),
        ("2026-11-29T12:00:00.000Z", NOON),
        ("2026-11-29 14:00:00 +0200", NOON),
        ("2026-11-29 12:00:00 UTC", NOON),
        ("2021-04-28 21:50:00 +0200", datetime(2021, 4, 28, 19, 50, tzinfo=UTC)),
    ],
)
def test_accepted_forms(value: object, expected: datetime) -> None:
    # When a sender's timestamp is parsed
    parsed = parse_timestamp(value)
    # Then it is the same instant, in UTC
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "value", [True, None, [], "yesterday", "2026-13-01T00:00:00Z", -5, float("nan"), float("inf"), 10**30, ""]
)
def test_rejected_values(value: object) -> None:
    # Then anything else is a timestamp error, never an unhandled exception
    with pytest.raises(TimestampError):
        parse_timestamp(value)


def test_isoformat_is_fixed_width_utc_with_milliseconds() -> None:
    assert isoformat(datetime.fromisoformat("2026-11-29T14:00:00.123456+02:00")) == "2026-11-29T12:00:00.123Z"
