"""Admin authentication (§7): ``Authorization: Bearer <admin token>``, compared in constant
time with the token kept in SSM (locally, the runner's ``ADMIN_TOKEN``)."""

from __future__ import annotations

from collections.abc import Mapping

from shared.adapters.secrets import secure_parameter
from shared.domain.verifiers import bearer_token, same_secret
from shared.settings import access_settings


def is_admin(headers: Mapping[str, str]) -> bool:
    """Whether the request carries the admin token; the headers in whatever case they came."""
    token = bearer_token(headers)
    return token is not None and same_secret(secure_parameter(access_settings().admin_token_parameter), token)
