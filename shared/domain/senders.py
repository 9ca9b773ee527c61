"""Every kind of sender, deployment or alert, as one row: how its deliveries are checked and read.

Each delivery then takes the same path (``shared.logic.intake``), in §3's order. A new
sender is a row here and, where no reader fits, one reader module.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.models.deliveries import LogOwner
from shared.domain.requests import MAX_BODY_BYTES
from shared.domain.verifiers import Bearer, HmacHeader, TokenHeader, Verifier

ARGOCD_MAX_BODY_BYTES = 5 * 1024 * 1024
PAGERDUTY_CHANGE_MAX_BODY_BYTES = 512 * 1024


@dataclass(frozen=True)
class SenderKind:
    """How one kind of sender's deliveries are checked and read."""

    name: str
    """For metrics and logs; an alert sender's path segment (``/api/v1/alerts/<name>/<key>``)."""
    owner: LogOwner
    """What its keys belong to: a pipeline (deployment events) or an alert source (alerts)."""
    integration_type: str
    """The integration type the key's owner must have, as its enum's value: a string, so that the
    ingest function's cold start does not load the alert sources' models."""
    reader: str
    """The module that reads a delivery (a normaliser's ``normalise``, an alert reader's ``read``),
    imported on first use, so a function's cold start loads only the readers of its senders."""
    verify: Verifier | None = None
    """Checks the owner's webhook secret, when it has one."""
    event_header: str | None = None
    """The header naming the event; without one, every delivery is ``event_name``."""
    event_name: str = "deployment-event"
    delivery_headers: tuple[str, ...] = ("idempotency-key",)
    """Headers naming the delivery, for the delivery log, first present wins."""
    allows_form: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    key_fields: tuple[str, ...] = ()
    """Where the body carries the key when the URL does not, first present wins."""
    accepts_every_type: bool = False
    """Takes the key of an owner of any integration type, not only its own."""


def _alert_sender(name: str, reader: str, verify: Verifier) -> SenderKind:
    """Alerting systems differ only in how they are read and how they prove the secret (§11)."""
    return SenderKind(
        name,
        LogOwner.ALERT_SOURCE,
        name.upper(),
        f"shared.domain.alert_readers.{reader}",
        verify=verify,
        event_name=name,
        delivery_headers=("x-webhook-id", "idempotency-key"),
    )


SENDERS = (
    # The ilert-compatible API (§3.1), its key in the body. Like ilert's, it takes the key of
    # a pipeline of any type: ilert's GitHub Action posts to the GitHub pipeline its README advises.
    SenderKind(
        "api",
        LogOwner.PIPELINE,
        "API",
        "shared.domain.normalisers.generic",
        key_fields=("integrationKey", "apiKey"),
        accepts_every_type=True,
    ),
    SenderKind(
        "github",
        LogOwner.PIPELINE,
        "GITHUB",
        "shared.domain.normalisers.github",
        verify=HmacHeader("X-Hub-Signature-256", "pipeline", prefix="sha256="),
        event_header="X-GitHub-Event",
        delivery_headers=("x-github-delivery",),
        allows_form=True,
    ),
    SenderKind(
        "gitlab",
        LogOwner.PIPELINE,
        "GITLAB",
        "shared.domain.normalisers.gitlab",
        verify=TokenHeader("X-Gitlab-Token", "pipeline"),
        event_header="X-Gitlab-Event",
        delivery_headers=("idempotency-key", "x-gitlab-event-uuid"),
    ),
    # Argo CD's webhook service sets any header we ask for: ours carries the secret. ilert's
    # template sends the whole Application (hundreds of resources: several hundred KB) and little
    # of it is stored (§15), so bodies are read up to 5 MB, under Lambda's 6 MB request.
    SenderKind(
        "argocd",
        LogOwner.PIPELINE,
        "ARGOCD",
        "shared.domain.normalisers.argocd",
        verify=TokenHeader("X-Argocd-Token", "pipeline"),
        max_body_bytes=ARGOCD_MAX_BODY_BYTES,
    ),
    # PagerDuty's change events, keyed in the URL or, at ``/v2/change/enqueue``, by ``routing_key``;
    # PagerDuty takes bodies up to 512 KB, read as it does; one whose stored form would not fit
    # DynamoDB's item (400 KB) or transaction (4 MB, one copy per team) is refused with 413 when stored.
    SenderKind(
        "pagerduty",
        LogOwner.PIPELINE,
        "PAGERDUTY_CHANGE",
        "shared.domain.normalisers.pagerduty_change",
        key_fields=("routing_key",),
        max_body_bytes=PAGERDUTY_CHANGE_MAX_BODY_BYTES,
    ),
    # Feature flags and Terraform (§20). LaunchDarkly signs with HMAC-SHA256, hex, no prefix;
    # Unleash's webhook addon cannot sign and sends its ``authorization`` parameter verbatim;
    # HCP Terraform signs with HMAC-SHA512. None names its event in a header: the body does.
    SenderKind(
        "launchdarkly",
        LogOwner.PIPELINE,
        "LAUNCHDARKLY",
        "shared.domain.normalisers.launchdarkly",
        verify=HmacHeader("X-LD-Signature", "pipeline"),
        event_name="launchdarkly-change",
    ),
    SenderKind(
        "unleash",
        LogOwner.PIPELINE,
        "UNLEASH",
        "shared.domain.normalisers.unleash",
        verify=TokenHeader("Authorization", "pipeline"),
        event_name="unleash-event",
    ),
    SenderKind(
        "terraform",
        LogOwner.PIPELINE,
        "TERRAFORM",
        "shared.domain.normalisers.terraform",
        verify=HmacHeader("X-TFE-Notification-Signature", "pipeline", digest="sha512"),
        event_name="terraform-notification",
    ),
    # CDEvents (§20) in any of CloudEvents' HTTP modes or bare; CloudEvents senders do not sign,
    # so a secret is a bearer token. ``ce-id`` names a binary-mode delivery.
    SenderKind(
        "cdevents",
        LogOwner.PIPELINE,
        "CDEVENTS",
        "shared.domain.normalisers.cdevents",
        verify=Bearer("pipeline"),
        event_name="cdevent",
        delivery_headers=("ce-id", "idempotency-key"),
    ),
    # Flux's notification-controller, ``generic-hmac`` provider: the body's HMAC-SHA256.
    SenderKind(
        "flux",
        LogOwner.PIPELINE,
        "FLUX",
        "shared.domain.normalisers.flux",
        verify=HmacHeader("X-Signature", "pipeline", prefix="sha256="),
        event_name="flux-event",
    ),
    # Alertmanager cannot sign: its ``http_config`` sends the secret as a bearer token.
    _alert_sender("alertmanager", "alertmanager", Bearer("alert source")),
    _alert_sender(
        "grafana",
        "alertmanager",
        HmacHeader(
            "X-Grafana-Alerting-Signature",
            "alert source",
            case_insensitive=True,
            mismatch="{header} does not match the body and the webhook secret",
        ),
    ),
    _alert_sender(
        "pagerduty",
        "pagerduty",
        HmacHeader(
            "X-PagerDuty-Signature",
            "alert source",
            prefix="v1=",
            listed=True,
            mismatch="no {header} matches the body and the webhook secret",
        ),
    ),
    _alert_sender("ilert", "ilert", Bearer("alert source")),
    _alert_sender("generic", "generic", Bearer("alert source")),
)
DEPLOYMENT_SENDERS = {sender.name: sender for sender in SENDERS if sender.owner is LogOwner.PIPELINE}
"""The ingest function's senders, by name."""
ALERT_SENDERS = {sender.name: sender for sender in SENDERS if sender.owner is LogOwner.ALERT_SOURCE}
"""The alert intake's senders, by the path segment that names them (§11)."""
