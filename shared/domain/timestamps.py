"""Parsing the timestamps senders use: epoch seconds, epoch milliseconds and ISO-8601 variants."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

FUTURE_TOLERANCE = timedelta(days=1)
"""Senders' clocks drift; a time further ahead is a mistake (often milliseconds sent as seconds)."""
EPOCH_MILLISECONDS_THRESHOLD = 10**11
"""Numbers below are epoch seconds (until year 5138), above epoch milliseconds (§3)."""

_GITLAB_FORMAT = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(?P<zone>UTC|Z|[+-]\d{2}:?\d{2})?$"
)


class TimestampError(ValueError):
    """A value that is not a time this service understands."""


def parse_timestamp(value: object) -> datetime:
    """Turns an epoch number or an ISO-8601 string into an aware UTC datetime.

    ISO strings without an offset are UTC; GitLab's ``2021-04-28 21:50:00 +0200`` and
    ``2021-04-28 21:50:00 UTC`` forms are accepted too.
    """
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, bool):
        raise TimestampError("must be an epoch number or an ISO-8601 string")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float, such as 10**400
            raise TimestampError("is out of range") from None
        return _from_epoch(number)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            return _from_epoch(float(text))
        return _from_iso(text)
    raise TimestampError("must be an epoch number or an ISO-8601 string")


def _from_epoch(number: float) -> datetime:
    if not math.isfinite(number) or number < 0:
        raise TimestampError("must be a positive epoch number")
    seconds = number if number < EPOCH_MILLISECONDS_THRESHOLD else number / 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise TimestampError("is out of range") from error


def _from_iso(text: str) -> datetime:
    match = _GITLAB_FORMAT.match(text)
    if match:
        zone = match["zone"] or "Z"
        if zone == "UTC":
            zone = "Z"
        text = f"{match['date']}T{match['time']}{zone}"
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError as error:
        raise TimestampError("is not an ISO-8601 time") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError as error:
        raise TimestampError("is out of range") from error


def isoformat(moment: datetime) -> str:
    """The one textual form of times in API responses: UTC, milliseconds, a trailing Z."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def utc_now() -> datetime:
    return datetime.now(UTC)
