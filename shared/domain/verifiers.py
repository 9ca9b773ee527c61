"""How a sender proves it knows the webhook secret of the pipeline or alert source it posts to:
three kinds of proof, each a small parametric check, so a new sender picks one and names its header.

Secrets are compared in constant time, and HMAC signatures are computed over the body
exactly as sent, never a re-serialised one. A failed check raises ``Unauthorized`` (401) saying
which header was missing or wrong, never what was expected.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from shared.domain.errors import Unauthorized
from shared.domain.requests import RawRequest, header_value

SecretHolder = Literal["pipeline", "alert source"]
"""What holds the secret, as the messages name it."""
Digest = Literal["sha256", "sha512"]
"""The hash functions senders sign with: SHA-256 for most, SHA-512 for HCP Terraform (§20)."""


class Verifier(Protocol):
    def __call__(self, secret: str, request: RawRequest) -> None:
        """Returns if the request proves the secret, else raises ``Unauthorized``."""


def hmac_sha256_hex(secret: str, body: bytes) -> str:
    return hmac_hex(secret, body, "sha256")


def hmac_hex(secret: str, body: bytes, digest: Digest) -> str:
    return hmac.new(secret.encode("utf-8"), body, digest).hexdigest()


def same_secret(expected: str, presented: str) -> bool:
    """Constant-time equality; a presented value that is not even UTF-8 (a header may carry any
    byte) simply does not match."""
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8", "surrogatepass"))


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of ``Authorization: Bearer <token>``, or None when there is none."""
    scheme, _, presented = header_value(headers, "authorization").partition(" ")
    if scheme.lower() != "bearer" or not presented:
        return None
    return presented.strip()


@dataclass(frozen=True)
class HmacHeader:
    """A header holding the hex HMAC of the body (SHA-256 unless ``digest`` says otherwise), after
    a prefix (GitHub's ``sha256=``); with ``listed``, a comma-separated list of them, one per secret
    while secrets rotate (PagerDuty), any of which may match."""

    header: str
    owner: SecretHolder
    prefix: str = ""
    digest: Digest = "sha256"
    listed: bool = False
    case_insensitive: bool = False
    mismatch: str = "{header} does not match the body and the {owner}'s webhook secret"
    """The refusal when no signature matches, its ``{header}`` and ``{owner}`` filled in."""

    def _signatures(self, request: RawRequest) -> list[str]:
        value = request.headers.get(self.header.lower(), "")
        presented = [part.strip() for part in (value.split(",") if self.listed else [value])]
        signatures = [part.removeprefix(self.prefix) for part in presented if part and part.startswith(self.prefix)]
        return [signature.lower() for signature in signatures] if self.case_insensitive else signatures

    def __call__(self, secret: str, request: RawRequest) -> None:
        signatures = self._signatures(request)
        if not signatures:
            raise Unauthorized(f"{self.header} is missing; this {self.owner} has a webhook secret")
        expected = hmac_hex(secret, request.body, self.digest)
        # Every candidate is compared, so the time taken says nothing about which one was close.
        matches = [same_secret(expected, signature) for signature in signatures]
        if not any(matches):
            raise Unauthorized(self.mismatch.format(header=self.header, owner=self.owner))


@dataclass(frozen=True)
class TokenHeader:
    """A header holding the secret itself (GitLab's ``X-Gitlab-Token``, Argo CD's own header)."""

    header: str
    owner: SecretHolder

    def __call__(self, secret: str, request: RawRequest) -> None:
        token = request.headers.get(self.header.lower())
        if token is None:
            raise Unauthorized(f"{self.header} is missing; this {self.owner} has a webhook secret")
        if not same_secret(secret, token):
            raise Unauthorized(f"{self.header} does not match the {self.owner}'s webhook secret")


@dataclass(frozen=True)
class Bearer:
    """``Authorization: Bearer <secret>``, for senders that cannot sign (Alertmanager's ``http_config``)."""

    owner: SecretHolder

    def __call__(self, secret: str, request: RawRequest) -> None:
        token = bearer_token(request.headers)
        if token is None:
            raise Unauthorized(f"Authorization: Bearer <webhook secret> is required by this {self.owner}")
        if not same_secret(secret, token):
            raise Unauthorized(f"the bearer token does not match the {self.owner}'s webhook secret")
