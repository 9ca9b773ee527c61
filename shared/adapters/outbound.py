"""Outbound HTTP (webhooks, notifications): urllib3 with retries and a timeout on every call.

A delivery that still fails after these retries raises, so Lambda retries the invocation and
then keeps the event in the function's dead-letter queue: nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import urllib3
from urllib3.util.retry import Retry

RETRIED_STATUSES = (408, 425, 429, 500, 502, 503, 504)
USER_AGENT = "deployment-events/1"


class DeliveryFailed(Exception):
    """The receiver did not take the request; Lambda's retries and the dead-letter queue follow."""


@cache
def _http() -> urllib3.PoolManager:
    retries = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"POST"}),
        raise_on_status=False,
    )
    return urllib3.PoolManager(retries=retries, timeout=urllib3.Timeout(connect=3.0, read=10.0))


def post(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """POSTs ``body``; a 2xx answer's status, or ``DeliveryFailed`` once the retries are spent.
    The error names the host only: a webhook URL may carry a token in its path."""
    host = urllib3.util.parse_url(url).host
    try:
        response = _http().request("POST", url, body=body, headers={"User-Agent": USER_AGENT, **headers})
    except urllib3.exceptions.HTTPError as error:
        raise DeliveryFailed(f"POST to {host} failed: {type(error).__name__}") from None
    if not 200 <= response.status < 300:
        raise DeliveryFailed(f"POST to {host} answered {response.status} after retries")
    return response.status
