"""The emulated stack, built in one place for `make run`, the tests and `make bench`.

Fake credentials, moto, the template's resources, API Gateway and the EventBridge rules: each
caller gets the same thing, so a test or a benchmark runs what `make run` runs. A client or cache
that must be forgotten between two emulated accounts is reset in ``reset_caches``, and nowhere else.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from unittest import mock

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS  # type: ignore[attr-defined]
from moto import mock_aws

from local.aws import LOCAL_CREDENTIALS, CreatedResources, create_resources, serialize_emulated_calls
from local.eventbridge import RuleDispatcher
from local.gateway import INSTANCES_PER_FUNCTION, Gateway
from local.queues import QueueConsumer, queue_sources
from local.startup import DEFAULT_SLACK_SIGNING_SECRET, DEFAULT_WEBHOOK_SECRET
from local.template import REPOSITORY_ROOT, LocalStack
from shared.adapters import bus, envelope, fold_queue, resource_tags
from shared.adapters.store import client as store
from shared.logic import aws_changes
from shared.settings import reset_settings_cache


def reset_caches() -> None:
    """Forgets the clients, settings and secrets cached per container: they belong to one emulated account."""
    reset_settings_cache()
    store.reset_client()
    bus.reset_client()
    envelope.reset_client()
    fold_queue.reset_client()
    resource_tags.reset_clients()
    aws_changes.RESOURCE_TAGS.clear()
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    DEFAULT_PROVIDERS.clear()


@dataclass
class EmulatedStack:
    """The template's resources in moto, and the gateway and rules that hand events to the functions."""

    stack: LocalStack
    resources: CreatedResources
    instances: int = INSTANCES_PER_FUNCTION
    """Warm instances per function; a request that finds them all busy waits, as in Lambda."""

    @property
    def table_name(self) -> str:
        return self.resources.table_name

    @property
    def bus_name(self) -> str:
        return self.stack.parameters["AlertEventBusName"]

    @cached_property
    def gateway(self) -> Gateway:
        """API Gateway and the functions, in-process (created on first use)."""
        return Gateway.from_stack(self.stack, instances=self.instances)

    @cached_property
    def dispatcher(self) -> RuleDispatcher:
        """The template's EventBridge rules; ``start`` delivers in the background, ``deliver_pending`` in the caller."""
        return RuleDispatcher(self.stack, self.resources, self.gateway.pools)

    @cached_property
    def queues(self) -> QueueConsumer:
        """The template's SQS event sources (the delay queue of folded notifications, §18)."""
        return QueueConsumer(queue_sources(self.stack, self.resources.queue_urls), self.gateway.pools)


@contextmanager
def emulated_stack(
    parameter_overrides: dict[str, str] | None = None,
    *,
    admin_token: str,
    webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
    slack_signing_secret: str = DEFAULT_SLACK_SIGNING_SECRET,
    instances: int = INSTANCES_PER_FUNCTION,
    environment: dict[str, str] | None = None,
) -> Iterator[EmulatedStack]:
    """A fresh emulated AWS holding the template's resources, the admin token and the webhook secret.

    The functions' environment (the template's, plus ``environment``) is set in ``os.environ`` while
    it lasts and the caller's is back afterwards. X-Ray is off unless asked for: there is no daemon.
    """
    stack = LocalStack(parameter_overrides or {})
    values = {
        **LOCAL_CREDENTIALS,
        **stack.environment(),
        "POWERTOOLS_TRACE_DISABLED": os.environ.get("POWERTOOLS_TRACE_DISABLED", "true"),
        **(environment or {}),
    }
    # Handlers emit their metrics one by one (single_metric), so log_metrics has none left to flush.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    if str(REPOSITORY_ROOT) not in sys.path:
        sys.path.insert(0, str(REPOSITORY_ROOT))
    serialize_emulated_calls()
    with mock.patch.dict(os.environ, values), mock_aws():
        reset_caches()
        secret_parameter = stack.parameters["EnrichmentWebhookSecretParameter"]
        secrets = {secret_parameter: webhook_secret} if secret_parameter else {}
        secrets[stack.parameters["SlackSigningSecretParameter"]] = slack_signing_secret
        emulated = EmulatedStack(stack, create_resources(stack, admin_token, secrets), instances)
        os.environ.update(emulated.resources.environment(stack.environment()))
        try:
            yield emulated
        finally:
            if "dispatcher" in vars(emulated):  # created, so maybe started
                emulated.dispatcher.stop()
            if "queues" in vars(emulated):
                emulated.queues.stop()
            reset_caches()
