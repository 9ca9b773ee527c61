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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import urllib3
from urllib3.util.retry import Retry

from shared.domain.notifications.context import OutboundRequest

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
    def worst_case_attempt_seconds(self) -> float:
        """The longest wait before an attempt, then the attempt timing out: what a claim's lease,
        renewed before each attempt, must outlast."""
        return self.timeout + max(self.retry_after_max, self.backoff_max)

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
    answer: bytes | None = field(default=None, repr=False, compare=False)
    """A 2xx answer's body, for a caller that keeps what it names (a Grafana annotation's id, §21)."""


class _Retry(Retry):
    """Only 429 and 503 wait for their ``Retry-After``: urllib3 would also retry a 413 that has
    one, and any other 4xx is final. ``before_retry`` runs after each wait, just before the next
    attempt (the caller renews its claim there; an exception it raises ends the delivery)."""

    RETRY_AFTER_STATUS_CODES = frozenset({429, 503})

    def __init__(self, *args: Any, before_retry: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_retry = before_retry

    def new(self, **kw: Any) -> _Retry:
        return super().new(before_retry=self.before_retry, **kw)

    def sleep(self, response: urllib3.BaseHTTPResponse | None = None) -> None:
        super().sleep(response)
        if self.before_retry is not None:
            self.before_retry()


@cache
def _http() -> urllib3.PoolManager:
    """One pool per container, reused by warm invocations."""
    return urllib3.PoolManager()


def _retries(policy: DeliveryPolicy, before_retry: Callable[[], None] | None) -> Retry:
    return _Retry(
        before_retry=before_retry,
        total=policy.retries,
        redirect=0,
        raise_on_redirect=False,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"GET", "POST", "PUT", "PATCH"}),
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


def _unanswered(request: OutboundRequest, host: str, error: Exception) -> DeliveryResult:
    """No answer: retryable, unless the request itself is at fault (a malformed URL, an unknown
    scheme, a header value http.client refuses). Named by type: a message may quote the value."""
    reason = error.reason if isinstance(error, urllib3.exceptions.MaxRetryError) else None
    kind = type(reason or error).__name__
    final = isinstance(error, urllib3.exceptions.LocationValueError) or not isinstance(
        error, urllib3.exceptions.HTTPError
    )
    return DeliveryResult("failed" if final else "retryable", None, f"{request.method} to {host} failed: {kind}")


def deliver(
    request: OutboundRequest,
    policy: DeliveryPolicy = DEFAULT_POLICY,
    before_retry: Callable[[], None] | None = None,
) -> DeliveryResult:
    """Makes ``request`` with retries; the outcome as a result, never an exception of its own
    (one that ``before_retry`` raises comes through, ending the delivery)."""
    host = _host(request.url)
    try:
        response = _http().request(
            request.method,
            request.url,
            body=request.body,
            headers={"User-Agent": USER_AGENT, **request.headers},
            retries=_retries(policy, before_retry),
            timeout=urllib3.Timeout(total=policy.timeout),
            redirect=False,
        )
    except (urllib3.exceptions.HTTPError, ValueError) as error:
        return _unanswered(request, host, error)
    status = response.status
    if 200 <= status < 300:
        return DeliveryResult("delivered", status, answer=response.data[:4096])
    answered = f"{request.method} to {host} answered {status}{_safe_code(request, response.data)}"
    if status in RETRIED_STATUSES:
        return DeliveryResult("retryable", status, f"{answered} after {policy.retries} retries")
    return DeliveryResult("failed", status, answered)
