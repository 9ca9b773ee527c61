"""Delivery of one notification request (§13) with urllib3: a timeout on every attempt,
retries with backoff on 429 (honouring ``Retry-After``), 5xx and connection errors, and a result
instead of an exception, so the caller records it and decides.

- ``delivered``: a 2xx answer.
- ``failed``: a final answer (another 4xx, or a redirect, which is not followed: it could take
  the request's secrets elsewhere); retrying would not help.
- ``retryable``: still 429/5xx or no answer after the retries; the caller raises, so Lambda
  retries the invocation and then dead-letters it.

Errors name the host only: a URL's path (Slack's webhook token) and the headers (API tokens)
are secrets, and so are their values echoed in an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import urllib3
from urllib3.util.retry import Retry

from shared.domain.notifications import OutboundRequest

USER_AGENT = "deployment-events/1"
RETRIED_STATUSES = frozenset({429, *range(500, 600)})
DeliveryStatus = Literal["delivered", "failed", "retryable"]
_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""Slack answers a refused webhook with a short code (``invalid_payload``, ``no_service``)."""


@dataclass(frozen=True)
class DeliveryPolicy:
    """How long to wait and how often to try. The defaults are §13's; tests shorten them."""

    timeout: float = 10.0
    """Seconds per attempt, connecting and reading together."""
    retries: int = 3
    backoff_factor: float = 0.5
    """Waits of 0, 1 and 2 s between the attempts (urllib3 waits nothing before the first retry)."""
    backoff_max: float = 4.0
    retry_after_max: int = 30
    """A longer ``Retry-After`` is waited only this long: the function's own timeout is bounded."""

    @property
    def worst_case_seconds(self) -> float:
        """Every attempt timing out, every wait the longest: what the function's timeout must allow."""
        return (self.retries + 1) * self.timeout + self.retries * max(self.retry_after_max, self.backoff_max)


DEFAULT_POLICY = DeliveryPolicy()


@dataclass(frozen=True)
class DeliveryResult:
    status: DeliveryStatus
    http_status: int | None = None
    error: str | None = None
    """Names the host, the answer's status or the kind of connection error: never a secret."""


class _Retry(Retry):
    """Only 429 and 503 wait for their ``Retry-After``: urllib3 would also retry a 413 that has
    one, and any other 4xx is final."""

    RETRY_AFTER_STATUS_CODES = frozenset({429, 503})


@cache
def _http() -> urllib3.PoolManager:
    """One pool per container, reused by warm invocations."""
    return urllib3.PoolManager()


def _retries(policy: DeliveryPolicy) -> Retry:
    return _Retry(
        total=policy.retries,
        redirect=0,
        raise_on_redirect=False,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"GET", "POST", "PUT"}),
        backoff_factor=policy.backoff_factor,
        backoff_max=policy.backoff_max,
        respect_retry_after_header=True,
        retry_after_max=policy.retry_after_max,
        raise_on_status=False,
    )


def _host(url: str) -> str:
    try:
        return urllib3.util.parse_url(url).host or "an unnamed host"
    except urllib3.exceptions.LocationParseError:
        return "an invalid URL"


def _safe_code(request: OutboundRequest, data: bytes) -> str:
    """The answer's error code when it is one and can be none of the request's secrets."""
    text = data[:65].decode("utf-8", "replace").strip()
    if not _ERROR_CODE.fullmatch(text):
        return ""
    if text in request.url or any(text in value for value in request.headers.values()):
        return ""
    return f" ({text})"


def deliver(request: OutboundRequest, policy: DeliveryPolicy = DEFAULT_POLICY) -> DeliveryResult:
    """Makes ``request`` with retries; the outcome as a result, never an exception."""
    host = _host(request.url)
    try:
        response = _http().request(
            request.method,
            request.url,
            body=request.body,
            headers={"User-Agent": USER_AGENT, **request.headers},
            retries=_retries(policy),
            timeout=urllib3.Timeout(total=policy.timeout),
            redirect=False,
        )
    except urllib3.exceptions.MaxRetryError as error:
        kind = type(error.reason).__name__ if error.reason is not None else "MaxRetryError"
        return DeliveryResult("retryable", None, f"{request.method} to {host} failed: {kind}")
    except urllib3.exceptions.LocationValueError as error:  # a malformed URL or an unknown scheme
        return DeliveryResult("failed", None, f"{request.method} to {host} failed: {type(error).__name__}")
    except urllib3.exceptions.HTTPError as error:
        return DeliveryResult("retryable", None, f"{request.method} to {host} failed: {type(error).__name__}")
    status = response.status
    if 200 <= status < 300:
        return DeliveryResult("delivered", status)
    answered = f"{request.method} to {host} answered {status}{_safe_code(request, response.data)}"
    if status in RETRIED_STATUSES:
        return DeliveryResult("retryable", status, f"{answered} after {policy.retries} retries")
    return DeliveryResult("failed", status, answered)
