"""Admin authentication (SPEC §7): ``Authorization: Bearer <admin token>``, compared in constant
time with the token kept in SSM (locally, the runner's ``ADMIN_TOKEN``)."""

from __future__ import annotations

from collections.abc import Mapping

from shared.adapters.secrets import secure_parameter
from shared.domain.signatures import same_secret
from shared.settings import access_settings


def header_value(headers: Mapping[str, str], name: str) -> str:
    """A header by its lower-case name, whatever case the client (or a test) sent it in."""
    return next((value for key, value in headers.items() if key.lower() == name), "")


def is_admin(headers: Mapping[str, str]) -> bool:
    scheme, _, presented = header_value(headers, "authorization").partition(" ")
    if scheme.lower() != "bearer" or not presented:
        return False
    return same_secret(secure_parameter(access_settings().admin_token_parameter), presented.strip())
