"""What `make run` and `make run-sam` share before and after serving: their settings from the
environment, the lines they print, and stopping on Ctrl-C or SIGTERM."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shlex
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

DEFAULT_PORT = 3000
DEFAULT_HOST = "127.0.0.1"
DEFAULT_ADMIN_TOKEN = "local-dev-token"
DEFAULT_WEBHOOK_SECRET = "local-webhook-secret"
"""Signs the enrichment webhook where the template names its SSM parameter."""
DEFAULT_SLACK_SIGNING_SECRET = "local-slack-signing-secret"
"""Checks the Slack app's interaction requests under ``make run`` (§18), as SSM holds it in AWS."""
DEFAULT_AWS_PORT = 4566
"""LocalStack's port, which scripts and ``AWS_ENDPOINT_URL`` settings already name."""


def is_loopback(host: str) -> bool:
    """``localhost``, an address of 127.0.0.0/8, or ``::1`` (bracketed or not): this machine only."""
    name = host.strip().lower().removeprefix("[").removesuffix("]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def refuse_public_default_token(host: str, admin_token: str) -> None:
    """The default admin token is in the README: served beyond this machine, it opens the API,
    and the emulated AWS with every secret, to whoever reaches the port (§22)."""
    if admin_token == DEFAULT_ADMIN_TOKEN and not is_loopback(host):
        raise SystemExit(
            f"HOST={host} serves the runner beyond this machine, and the admin token is the public default"
            f" ({DEFAULT_ADMIN_TOKEN}): set ADMIN_TOKEN to a secret of your own, or leave HOST unset (127.0.0.1)"
        )


def parameter_overrides(text: str) -> dict[str, str]:
    """``Name=value Name=value``, as ``sam deploy --parameter-overrides`` takes them."""
    overrides = {}
    for item in shlex.split(text):
        name, separator, value = item.partition("=")
        if not separator:
            raise SystemExit(f"PARAMETER_OVERRIDES: expected Name=value, got {item!r}")
        overrides[name] = value
    return overrides


@dataclass(frozen=True)
class RunnerOptions:
    """``PORT`` (0 picks a free port), ``HOST``, ``ADMIN_TOKEN``, ``AWS_PORT`` (0 picks a free port),
    ``PARAMETER_OVERRIDES``, ``ENRICHMENT_WEBHOOK_SECRET`` and ``SLACK_SIGNING_SECRET``; empty means the default."""

    port: int
    host: str
    admin_token: str
    aws_port: int
    overrides: dict[str, str]
    webhook_secret: str
    slack_signing_secret: str = DEFAULT_SLACK_SIGNING_SECRET

    @classmethod
    def from_environment(cls) -> RunnerOptions:
        """The options, or ``SystemExit`` for a non-loopback ``HOST`` with the default admin token."""
        host = os.environ.get("HOST") or DEFAULT_HOST
        admin_token = os.environ.get("ADMIN_TOKEN") or DEFAULT_ADMIN_TOKEN
        refuse_public_default_token(host, admin_token)
        return cls(
            port=int(os.environ.get("PORT") or DEFAULT_PORT),
            host=host,
            admin_token=admin_token,
            aws_port=int(os.environ.get("AWS_PORT") or DEFAULT_AWS_PORT),
            overrides=parameter_overrides(os.environ.get("PARAMETER_OVERRIDES", "")),
            webhook_secret=os.environ.get("ENRICHMENT_WEBHOOK_SECRET") or DEFAULT_WEBHOOK_SECRET,
            slack_signing_secret=os.environ.get("SLACK_SIGNING_SECRET") or DEFAULT_SLACK_SIGNING_SECRET,
        )


def announce(url: str, admin_token: str, details: dict[str, str]) -> None:
    """The lines a user (and the e2e runner, which waits for "running at") reads at start."""
    print(f"Deployment events is running at {url}", flush=True)
    lines = {"overview": f"{url}/#token={admin_token}", "admin token": admin_token, "health": f"{url}/api/health"}
    for name, detail in {**lines, **details}.items():
        print(f"  {name + ':':<12} {detail}", flush=True)


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or Ctrl-C, so that the caller stops in its own order."""
    stopped = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopped.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stopped
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
