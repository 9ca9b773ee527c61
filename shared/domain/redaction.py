"""Targets as API answers and logs may show them (§13): never the secret a URL or key holds.

Apart from the messages (``notifications``) so that reading a source's targets costs no import of
the Block Kit models.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

ELLIPSIS = "…"


class TargetType(StrEnum):
    SLACK = "SLACK"
    PAGERDUTY = "PAGERDUTY"
    ILERT = "ILERT"
    WEBHOOK = "WEBHOOK"


HINT_LENGTH = 4
MIN_HINTED_LENGTH = 12
"""A secret shorter than this gets no hint: 4 characters would be too much of it."""


def _hint(secret: str) -> str:
    return secret[-HINT_LENGTH:] if len(secret) >= MIN_HINTED_LENGTH else ""


def redacted_target(target_type: TargetType | str, url_or_email: str) -> str:
    """A target as API answers show it, never its secret:
    - a URL (SLACK, WEBHOOK): scheme, host and port, then ``…`` and the last 4 characters of the
      rest (``https://hooks.slack.com/…ab12``); user info, path and query are secret;
    - an email (PAGERDUTY's ``fromEmail``): its first character and its domain (``o…@example.com``);
    - an ilert integration key (ILERT): ``…`` and its last 4 characters, like ``integrationKeyHint``."""
    kind = TargetType(str(target_type).upper())
    value = url_or_email.strip()
    if kind is TargetType.PAGERDUTY:
        local, at, domain = value.rpartition("@")
        return f"{local[:1]}…@{domain}" if at and local else "…"
    if kind is TargetType.ILERT and not value.startswith(("http://", "https://")):
        return ELLIPSIS + _hint(value)
    return _redacted_url(value)


def _redacted_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return ELLIPSIS
    if not parts.scheme or not host:
        return ELLIPSIS
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{parts.scheme}://{netloc}/{ELLIPSIS}{_hint(rest.lstrip('/'))}"
