"""The Slack Web API (§18) through ``slack_sdk``'s ``WebClient``: the one module that touches it.

Each call is retried by slack_sdk's own handlers (429 honouring a ``Retry-After`` of up to 30 s,
500 and 503, connection errors); ``before_retry`` runs before every retry (the caller renews its claim there, as for
§13's HTTP targets). The outcome is a ``DeliveryResult``, never an exception of its own: an
``ok: false`` answer is final and named by Slack's error code, never by the token or the text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from shared.adapters.notify_http import DEFAULT_POLICY, DeliveryResult

RETRIES = 3
_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_QUIET = logging.getLogger("deployment_events.slack_sdk")
"""slack_sdk logs failed requests with their details: its records stop here, never in our logs."""
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


@dataclass(frozen=True)
class SlackAnswer:
    """What Slack answered: the delivery's outcome, and where the message is (``channel``, ``ts``)."""

    result: DeliveryResult
    channel: str | None = None
    ts: str | None = None


class _RateLimit(RateLimitErrorRetryHandler):
    """Waits a ``Retry-After`` of up to §13's cap (30 s); a longer or unreadable one is left to the
    invocation's own retry, so the function's time and the claim's lease stay bounded."""

    def _can_retry(self, **kwargs: Any) -> bool:
        response = kwargs.get("response")
        if response is None or response.status_code != 429:
            return False
        waits = [values for name, values in response.headers.items() if name.lower() == "retry-after"]
        wait = str(waits[0][0]) if waits and waits[0] else "1"
        return wait.isdigit() and int(wait) <= DEFAULT_POLICY.retry_after_max


class _BeforeRetry(RetryHandler):
    """One of slack_sdk's handlers, with ``before_retry`` run after its wait."""

    def __init__(self, inner: RetryHandler, before_retry: Callable[[], None] | None) -> None:
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner = inner
        self.before_retry = before_retry

    def _can_retry(self, **kwargs: Any) -> bool:
        return self.inner.can_retry(**kwargs)

    def prepare_for_next_attempt(self, **kwargs: Any) -> None:
        self.inner.prepare_for_next_attempt(**kwargs)
        if self.before_retry is not None:
            self.before_retry()


def _client(token: str, base_url: str, before_retry: Callable[[], None] | None) -> WebClient:
    handlers = [
        _RateLimit(max_retry_count=RETRIES),
        ServerErrorRetryHandler(max_retry_count=RETRIES),
        ConnectionErrorRetryHandler(max_retry_count=RETRIES),
    ]
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=int(DEFAULT_POLICY.timeout),
        logger=_QUIET,
        retry_handlers=[_BeforeRetry(handler, before_retry) for handler in handlers],
    )


def _refused(method: str, error: SlackApiError) -> DeliveryResult:
    status = error.response.status_code
    data = error.response.data if isinstance(error.response.data, dict) else {}
    code = str(data.get("error", ""))
    named = f" ({code})" if _ERROR_CODE.fullmatch(code) else ""
    answered = f"{method} answered {status}{named}"
    if status == 429 or status >= 500:
        return DeliveryResult("retryable", status, f"{answered} after {RETRIES} retries")
    return DeliveryResult("failed", status, answered)


def call(
    method: str, token: str, base_url: str, payload: dict[str, Any], before_retry: Callable[[], None] | None = None
) -> SlackAnswer:
    """``chat.postMessage`` or ``chat.update`` with ``payload`` as JSON; where the message is.
    Another exception (one ``before_retry`` raised: a lost lease) comes through."""
    try:
        response = _client(token, base_url, before_retry).api_call(method, json=payload)
    except SlackApiError as error:
        return SlackAnswer(_refused(method, error))
    except (OSError, HTTPException) as error:  # no answer (timeouts and resets are OSErrors)
        return SlackAnswer(DeliveryResult("retryable", None, f"{method} failed: {type(error).__name__}"))
    data = response.data if isinstance(response.data, dict) else {}
    channel, ts = data.get("channel"), data.get("ts")
    return SlackAnswer(
        DeliveryResult("delivered", response.status_code),
        str(channel) if channel else None,
        str(ts) if ts else None,
    )


@dataclass(frozen=True)
class SlackUser:
    """Whom ``users.lookupByEmail`` found (``user_id``), or why it found no one."""

    result: DeliveryResult
    user_id: str | None = None


def lookup_user(token: str, base_url: str, email: str, before_retry: Callable[[], None] | None = None) -> SlackUser:
    """``users.lookupByEmail`` (scope ``users:read.email``), the address in a form body rather
    than the URL, where proxies log it; ``users_not_found`` is a final ``failed``."""
    method = "users.lookupByEmail"
    try:
        response = _client(token, base_url, before_retry).api_call(method, data={"email": email})
    except SlackApiError as error:
        return SlackUser(_refused(method, error))
    except (OSError, HTTPException) as error:
        return SlackUser(DeliveryResult("retryable", None, f"{method} failed: {type(error).__name__}"))
    data = response.data if isinstance(response.data, dict) else {}
    user = data.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    if not user_id:
        return SlackUser(DeliveryResult("failed", response.status_code, f"{method} answered without a user"))
    return SlackUser(DeliveryResult("delivered", response.status_code), str(user_id))
