"""Secrets and addresses that travel in HTTP headers or URLs, checked when written (§22).

A token with a trailing newline (pasted from a file) is accepted by a plain string field, and then
makes ``http.client`` raise with the whole header, token included, in its message: into the
function's error log, the trace and the dead-letter message. Refused here with a 422 that names
the field; no message below repeats the value.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import AfterValidator

_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")


def header_token(value: str) -> str:
    """A token or an address placed in a header as is (``Authorization``, ``From``)."""
    if not _VISIBLE_ASCII.fullmatch(value):
        raise ValueError("must be visible ASCII characters only (no spaces, line breaks or control characters)")
    return value


def header_text(value: str) -> str:
    """A secret that a sender puts in a header, or that signs a body: printable ASCII, inner spaces
    allowed, none around it. Empty is left to the field (a webhook secret's ``""`` removes it)."""
    if value and (not _PRINTABLE_ASCII.fullmatch(value) or value != value.strip()):
        raise ValueError(
            "must be printable ASCII characters (no line breaks, control characters or surrounding spaces)"
        )
    return value


def without_control_characters(value: str) -> str:
    """A URL that holds its secret in its path (Slack's webhook): any letter, never a control character."""
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValueError("must not contain control characters")
    return value


HeaderToken = AfterValidator(header_token)
HeaderText = AfterValidator(header_text)
SecretUrl = AfterValidator(without_control_characters)
"""Validators to annotate a field's type with: ``Annotated[Email, HeaderToken]``."""
