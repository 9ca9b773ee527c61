"""``python -m local.sam_runner`` (`make run-sam`): `make run`, its functions in their containers.

Before starting: ``sam/ensure-docker.sh`` and ``make sam-image`` (run here), and ``make build``
(a prerequisite of `make run-sam`).

Environment: as ``local.runner`` (``PORT``, ``HOST``, ``ADMIN_TOKEN``, ``ENRICHMENT_WEBHOOK_SECRET``,
``PARAMETER_OVERRIDES``, ``AWS_PORT``), plus ``SAM_LAMBDA_PORT`` (default 3001, 0 picks a free port):
where ``sam local start-lambda`` listens, on 127.0.0.1, and ``SAM_WARM_CONTAINERS`` (``LAZY``, the
default: each container starts with its function's first event; ``EAGER``: all at start-up).

Ctrl-C or SIGTERM stops the gateway, sam local, and every container this run started (found by
the ``LOCAL_SAM_RUNNER_ID`` each of its containers carries, since SAM CLI leaves its warm
containers running when it is terminated).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from local.aws_endpoint import AwsEndpoint
from local.runner import start
from local.sam_runner.build import log, longest_timeout, prepare, sam_environment, sam_local_command
from local.sam_runner.containers import (
    RUN_ID_VARIABLE,
    NoDockerBridge,
    SamLocalLambda,
    docker_bridge_gateway,
    free_port,
    remove_containers,
)
from local.sam_runner.invoker import ContainerInvoker
from local.startup import RunnerOptions, announce, stopping_on_signals
from local.template import LOCAL_REGION, LocalStack, load_template

DEFAULT_LAMBDA_PORT = 3001
"""sam local start-lambda's own default."""
COLD_START_MARGIN_SECONDS = 120
"""How much longer than the function's Timeout an invocation may take: its container's start."""


@dataclass(frozen=True)
class SamOptions:
    runner: RunnerOptions
    lambda_port: int
    warm_containers: str

    @classmethod
    def from_environment(cls) -> SamOptions:
        warm_containers = (os.environ.get("SAM_WARM_CONTAINERS") or "LAZY").upper()
        if warm_containers not in ("LAZY", "EAGER"):
            raise SystemExit("run-sam: SAM_WARM_CONTAINERS is LAZY (the default) or EAGER")
        return cls(
            runner=RunnerOptions.from_environment(),
            lambda_port=int(os.environ.get("SAM_LAMBDA_PORT") or DEFAULT_LAMBDA_PORT) or free_port(),
            warm_containers=warm_containers,
        )


def serve_aws_endpoints(bridge: str, port: int) -> tuple[AwsEndpoint, AwsEndpoint | str]:
    """The emulated AWS on the bridge address (for the containers; required) and on 127.0.0.1."""
    try:
        for_containers = AwsEndpoint.serve(port, host=bridge)
    except OSError as error:
        raise SystemExit(
            f"run-sam: cannot serve the AWS endpoint on {bridge}:{port} ({error.strerror}); set AWS_PORT"
        ) from error
    try:
        loopback: AwsEndpoint | str = AwsEndpoint.serve(for_containers.port)
    except OSError as error:
        loopback = f"not on 127.0.0.1:{for_containers.port} ({error.strerror})"
    return for_containers, loopback


class SamRun:
    """One `make run-sam`: the runner's gateway and rules, the AWS endpoints, and sam local."""

    def __init__(self, options: SamOptions, bridge: str) -> None:
        self.options = options
        self.bridge = bridge
        self.run_id = uuid.uuid4().hex[:12]
        self.loopback: AwsEndpoint | str = "not served"
        self.containers_aws_url = ""
        self.sam: SamLocalLambda | None = None
        self._workdir = tempfile.TemporaryDirectory(prefix="run-sam-")
        self.invoker = ContainerInvoker(
            f"http://127.0.0.1:{options.lambda_port}", longest_timeout(load_template()) + COLD_START_MARGIN_SECONDS
        )
        runner = options.runner
        self.server = start(
            runner.port, runner.host, runner.overrides, runner.admin_token, webhook_secret=runner.webhook_secret
        )
        for pool in self.server.gateway.pools.values():
            pool.invoker = self.invoker

    def start_sam(self, stopped: threading.Event) -> SamLocalLambda | None:
        """sam local, listening; None when stopped before it listens."""
        for_containers, self.loopback = serve_aws_endpoints(self.bridge, self.options.runner.aws_port)
        self.server.aws_endpoint = for_containers  # stopped with the server
        self.containers_aws_url = for_containers.url
        self.sam = SamLocalLambda(self._command(), sam_environment(), self.options.lambda_port)
        starting = time.monotonic()
        if not self.sam.wait_until_ready(stopped):
            return None
        log(f"sam local start-lambda: listening ({time.monotonic() - starting:.1f} s)")
        self.invoker.ready.set()
        return self.sam

    def _command(self) -> list[str]:
        runner = self.options.runner
        emulated = self.server.emulated
        extra = {
            **emulated.resources.environment(emulated.stack.environment()),  # the KMS key moto created
            "AWS_ENDPOINT_URL": self.containers_aws_url,
            "POWERTOOLS_TRACE_DISABLED": "true",  # as make run: no X-Ray daemon to send to
            RUN_ID_VARIABLE: self.run_id,
        }
        arguments = ["start-lambda", "--host", "127.0.0.1", "--port", str(self.options.lambda_port)]
        arguments += ["--warm-containers", self.options.warm_containers]
        functions = LocalStack(runner.overrides).functions()
        directory = Path(self._workdir.name)
        return sam_local_command(arguments, directory, functions, extra, runner.overrides, self.server.url)

    def announce(self, sam: SamLocalLambda) -> None:
        endpoint = self.loopback.url if isinstance(self.loopback, AwsEndpoint) else self.containers_aws_url
        warm = self.options.warm_containers.lower()
        details = {
            "aws endpoint": f"{endpoint} (AWS_ENDPOINT_URL for the aws CLI, boto3 and sam local;"
            f" region {LOCAL_REGION}); containers use {self.containers_aws_url}",
            "functions": f"in their Lambda containers, through sam local start-lambda at {sam.url}"
            f" ({warm} warm containers; {RUN_ID_VARIABLE}={self.run_id})",
        }
        announce(self.server.url, self.options.runner.admin_token, details)

    @staticmethod
    def serve_until(sam: SamLocalLambda, stopped: threading.Event) -> bool:
        """Serves until stopped (True) or until sam local exits by itself (False)."""
        while not stopped.wait(1):
            if sam.exited():
                log(f"sam local start-lambda exited:\n{''.join(sam.output[-20:])}")
                return False
        return True

    def stop(self) -> None:
        """The gateway first, so nothing new reaches sam local; then sam local and its containers."""
        self.server.shutdown()
        if isinstance(self.loopback, AwsEndpoint):
            self.loopback.stop()
        if self.sam is not None:
            self.sam.stop()
        removed = remove_containers(self.run_id)
        self._workdir.cleanup()
        log(f"stopped sam local{f' and removed {removed} container(s)' if removed else ''}")


def main() -> None:
    options = SamOptions.from_environment()
    prepare()
    try:
        bridge = docker_bridge_gateway()
    except NoDockerBridge as error:
        raise SystemExit(f"run-sam: {error}") from error
    run = SamRun(options, bridge)
    served = True
    try:
        with stopping_on_signals() as stopped:
            sam = run.start_sam(stopped)
            if sam is not None:
                run.announce(sam)
                served = run.serve_until(sam, stopped)
    finally:
        run.stop()
    if not served:
        raise SystemExit(1)
