"""Once per target (§13, §21, §22), for notifications and forwards alike: claim, send, settle.

The claim is taken with a conditional write naming a holder of its own. Its lease outlasts one
attempt and is renewed before each retry, so a claim is taken over only from a holder that
crashed, and only its holder records the outcome: a request is lost never and repeated at most
once. A retryable failure raises ``Pending``, so Lambda retries the invocation; the claim's last
invocation marks it failed, and a redrive opens it again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.adapters.notify_http import DEFAULT_POLICY, DeliveryResult
from shared.adapters.store import notifications as claim_store
from shared.adapters.store.notifications import Taker
from shared.domain.keys import ItemKey
from shared.domain.models.notifications import ClaimStatus, NotificationClaim
from shared.observability import logger

LEASE = timedelta(seconds=DEFAULT_POLICY.worst_case_attempt_seconds + 20)
"""One attempt at its worst (the longest wait, then the timeout: 40 s) and 20 s for the records
around it: a minute, renewed before each retry."""
MAX_ATTEMPTS = 3
"""The first invocation and Lambda's two asynchronous retries (``EventInvokeConfig``)."""

Clock = Callable[[], datetime]
Fold = Callable[[NotificationClaim], str | None]
"""Given the claim just taken: the note it is settled with instead of sending, else None."""


class Pending(Exception):
    """Some target is not served yet; Lambda retries the invocation, then dead-letters it."""


class LeaseLost(Exception):
    """The claim was taken over while its request was retried: the new holder records it."""


class RenewalFailed(Exception):
    """The store could not renew the lease: sending stops, and the invocation is retried."""


@dataclass(frozen=True)
class Held:
    """A claim this invocation holds: where it is, and who holds it."""

    key: ItemKey
    target_type: str
    holder: str
    clock: Clock

    def renew(self) -> None:
        """Before each retry: the lease extended, the request counted, or ``LeaseLost``."""
        try:
            renewed = claim_store.renew_at(self.key, self.holder, self.clock(), LEASE)
        except Exception as error:  # noqa: BLE001 - named by type, then retried as a whole
            raise RenewalFailed(type(error).__name__) from None
        if not renewed:
            raise LeaseLost(self.target_type)


@dataclass(frozen=True)
class Sent:
    type: str
    status: str


def _nothing_kept(_: DeliveryResult) -> dict[str, str]:
    return {}


@dataclass(frozen=True)
class Job:
    """One target's claim and what is sent under it.

    ``shown``: the target as the claim records it (secrets redacted). ``folded``: given the claim
    just taken, the note it is settled with instead of sending (§18's rate limit), else None.
    ``kept``: what of the answer the claim keeps for a later request (Grafana's annotation id)."""

    kind: str
    """What is sent, for the logs: ``notification`` or ``forward``."""
    key: ItemKey
    target_id: str
    target_type: str
    shown: str
    send: Callable[[Held], DeliveryResult]
    folded: Fold | None = None
    kept: Callable[[DeliveryResult], dict[str, str]] = _nothing_kept


def status_after(result: DeliveryResult, claim: NotificationClaim) -> ClaimStatus:
    """Retryable stays pending until the claim's last invocation, which fails it."""
    if result.status == "delivered":
        return "delivered"
    return "pending" if result.status == "retryable" and claim.invocations < MAX_ATTEMPTS else "failed"


def _take(job: Job, taker: Taker, clock: Clock) -> NotificationClaim | None:
    """The claim, now this invocation's; None when it was settled; ``Pending`` while another
    invocation holds it."""
    taken, claim = claim_store.claim_at(job.key, job.target_id, job.target_type, job.shown, taker, clock(), LEASE)
    if taken:
        return claim
    if claim is not None and claim.status == "pending":
        raise Pending(f"another invocation holds the {job.target_type} {job.kind}")
    return None


def _result(job: Job, held: Held) -> DeliveryResult:
    try:
        return job.send(held)
    except LeaseLost:
        raise
    except RenewalFailed as error:
        return DeliveryResult("retryable", None, f"renewing the {job.target_type} claim failed: {error}")
    except Exception as error:  # noqa: BLE001 - one target's fault must not stop the others (§22)
        return DeliveryResult("failed", None, f"sending the {job.target_type} request failed: {type(error).__name__}")


def send_once(job: Job, invocation: str, clock: Clock) -> Sent | None:
    """Claim, send, record; None when another invocation holds or settled the claim."""
    taker = Taker(secrets.token_hex(8), invocation)
    claim = _take(job, taker, clock)
    if claim is None:
        return None
    note = job.folded(claim) if job.folded else None
    if note is not None:
        claim_store.settle_at(job.key, taker.holder, "delivered", note, clock())
        return Sent(job.target_type, "folded")
    try:
        result = _result(job, Held(job.key, job.target_type, taker.holder, clock))
    except LeaseLost:
        logger.warning("lease lost before a retry", extra={"kind": job.kind, "type": job.target_type})
        return None
    status = status_after(result, claim)
    if not claim_store.settle_at(job.key, taker.holder, status, result.error, clock(), job.kept(result)):
        logger.warning("lease lost; its new holder records it", extra={"kind": job.kind, "type": job.target_type})
        return None
    logger.info(job.kind, extra={"type": job.target_type, "status": status, "invocations": claim.invocations})
    if result.status == "retryable":
        raise Pending(f"{job.target_type} did not take the {job.kind}: {result.error}")
    return Sent(job.target_type, status)


def send_each(jobs: list[Job], invocation: str, clock: Clock) -> tuple[list[Sent], list[str]]:
    """Each job tried whatever the others do: what was sent, and why others are pending."""
    sent, pending = [], []
    for job in jobs:
        try:
            outcome = send_once(job, invocation, clock)
        except Pending as error:
            pending.append(str(error))
            continue
        except Exception as error:  # noqa: BLE001 - the store failing for one target; the others go on
            logger.warning(
                "not recorded", extra={"kind": job.kind, "type": job.target_type, "error": type(error).__name__}
            )
            pending.append(f"{job.target_type} could not be recorded: {type(error).__name__}")
            continue
        if outcome is not None:
            sent.append(outcome)
    return sent, pending
