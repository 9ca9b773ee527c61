"""Every secret the functions read at run time, from SSM SecureString parameters: the one module
that reads them, so caching, decryption and who may call SSM are decided in one place."""

from __future__ import annotations

SECRET_MAX_AGE_SECONDS = 300
"""A rotated secret is picked up within five minutes, without an SSM call per request."""


def secure_parameter(name: str) -> str:
    """The decrypted value of an SSM SecureString, cached per container for a few minutes."""
    # Imported on first use: cold starts of routes that need no secret skip the parameters utility.
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415

    return str(parameters.get_parameter(name, decrypt=True, max_age=SECRET_MAX_AGE_SECONDS))
