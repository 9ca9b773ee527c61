"""Docker's bridge, ``sam local start-lambda``, and the containers a run leaves behind."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from local.template import REPOSITORY_ROOT

SAM_CONTAINER_LABEL = "sam.cli.container.type=lambda"
RUN_ID_VARIABLE = "LOCAL_SAM_RUNNER_ID"
"""Declared in the containers' template and set per run: how this run finds its own containers."""
SAM_START_SECONDS = 120
SAM_STOP_SECONDS = 15


class NoDockerBridge(RuntimeError):
    """No Docker, or no IPv4 address of this machine on Docker's default bridge."""


def docker_bridge_gateway() -> str:
    """The host's address on Docker's default bridge: where the containers reach this machine.

    (``--docker-network host`` is no help: SAM CLI 1.170 keeps the container on the bridge, and
    its 127.0.0.1 is its own.)
    """
    try:
        inspected = subprocess.run(
            ["docker", "network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as error:
        raise NoDockerBridge("no `docker` binary (sam/ensure-docker.sh installs it)") from error
    if inspected.returncode != 0:
        raise NoDockerBridge(f"Docker has no default bridge: {inspected.stderr.strip()}")
    for config in json.loads(inspected.stdout) or []:
        if config.get("Gateway"):
            return str(config["Gateway"])
        if config.get("Subnet") and ":" not in config["Subnet"]:
            # Docker 20.10 leaves Gateway out of the default bridge's IPAM: it is the subnet's first address.
            return str(next(ipaddress.ip_network(config["Subnet"]).hosts()))
    raise NoDockerBridge(f"no IPv4 gateway on Docker's default bridge: {inspected.stdout.strip()}")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.create_server((host, 0)) as probe:
        port: int = probe.getsockname()[1]
        return port


class SamLocalLambda:
    """``sam local start-lambda`` in its own session, its output passed on to stderr."""

    def __init__(self, command: list[str], environment: dict[str, str], port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.output: list[str] = []
        self._process = subprocess.Popen(  # noqa: S603 - our own sam CLI
            command,
            cwd=REPOSITORY_ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # Ctrl-C reaches the runner, which stops this after the gateway
        )
        threading.Thread(target=self._pass_output, name="sam-output", daemon=True).start()

    def _pass_output(self) -> None:
        for line in self._process.stdout or ():
            self.output.append(line)
            del self.output[:-200]
            # Its access log says what the runner's invocation lines say already.
            if '"POST /2015-03-31/functions/' not in line:
                sys.stderr.write(line)

    def wait_until_ready(self, stopped: threading.Event, timeout: float = SAM_START_SECONDS) -> bool:
        """True once it listens; False when ``stopped`` is set first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if stopped.is_set():
                return False
            if self._process.poll() is not None:
                raise SystemExit(f"run-sam: sam local start-lambda exited:\n{''.join(self.output[-40:])}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
            time.sleep(0.2)
        raise SystemExit(f"run-sam: sam local start-lambda did not listen within {timeout:.0f} s")

    def exited(self) -> bool:
        return self._process.poll() is not None

    def stop(self) -> None:
        """SIGINT (how SAM CLI stops its warm containers), then SIGKILL if it lingers."""
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(SAM_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()


def containers_of_run(run_id: str) -> list[str]:
    """Ids of the SAM CLI containers, running or not, whose environment names this run."""
    listed = subprocess.run(  # noqa: S603 - docker from PATH, a constant filter
        ["docker", "ps", "-aq", "--no-trunc", "--filter", f"label={SAM_CONTAINER_LABEL}"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    ids = listed.stdout.split()
    if not ids:
        return []
    inspected = subprocess.run(  # noqa: S603 - docker from PATH, ids from docker itself
        ["docker", "inspect", "--format", "{{.Id}}{{range .Config.Env}} {{.}}{{end}}", *ids],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    marker = f"{RUN_ID_VARIABLE}={run_id}"
    return [line.split()[0] for line in inspected.stdout.splitlines() if marker in line.split()[1:]]


def remove_containers(run_id: str) -> int:
    ids = containers_of_run(run_id)
    if ids:
        subprocess.run(  # noqa: S603 - docker from PATH, ids from docker itself
            ["docker", "rm", "-f", *ids],  # noqa: S607
            capture_output=True,
            check=False,
        )
    return len(ids)
