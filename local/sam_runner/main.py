"""`make run-sam`: the system of `make run`, every function in its Lambda container (SPEC §14).

The runner's own gateway and rule dispatcher (``local.runner.start``) serve the same port, routes
and admin auth as ``make run``; only the functions run elsewhere: each ``FunctionPool`` invokes
``sam local start-lambda --warm-containers LAZY`` (one warm container per function, created on its
first event), built by ``sam build`` in the Lambda base image (``make sam-image``). A function's
error (``FunctionError``) is raised here, so an HTTP request gets API Gateway's 500 and an
EventBridge delivery is retried and then dead-lettered as in Lambda.

The containers reach the emulated AWS services (moto, in this process) over HTTP at the host's
address on Docker's default bridge (``--docker-network host`` does nothing in SAM CLI 1.170), given
to them as ``AWS_ENDPOINT_URL``: ``sam local --env-vars`` only sets variables the template
declares, so SAM runs a copy of the built template that declares it, and every function gets the
environment ``LocalStack.functions()`` resolves (SAM would resolve ``!Ref`` of a resource to its
logical id). The endpoint is served on the bridge address and, as in ``make run``, on 127.0.0.1.
It holds the admin token (SSM) and answers anyone who reaches it: for local use only.

Before starting: ``sam/ensure-docker.sh``, ``make sam-image`` and ``make build`` (skipped when
``.aws-sam/build`` is newer than its inputs, or with ``SAM_LOCAL_NO_BUILD=1``).

Environment: as ``local.runner`` (``PORT``, ``HOST``, ``ADMIN_TOKEN``, ``ENRICHMENT_WEBHOOK_SECRET``,
``PARAMETER_OVERRIDES``, ``AWS_PORT``), plus ``SAM_LAMBDA_PORT`` (default 3001, 0 picks a free port):
where ``sam local start-lambda`` listens, on 127.0.0.1, and ``SAM_WARM_CONTAINERS`` (``LAZY``, the
default: each container starts with its function's first event; ``EAGER``: all at start-up).

Ctrl-C or SIGTERM stops the gateway, sam local, and every container this run started (found by
the ``LOCAL_SAM_RUNNER_ID`` each of its containers carries, since SAM CLI leaves its warm
containers running when it is terminated).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import yaml
from botocore.config import Config

from local.aws_endpoint import AwsEndpoint
from local.runner import DEFAULT_ADMIN_TOKEN, DEFAULT_AWS_PORT, parameter_overrides, start
from local.template import LOCAL_REGION, REPOSITORY_ROOT, Function, LocalStack, load_template

SAM = REPOSITORY_ROOT / ".venv-sam" / "bin" / "sam"
BUILD_DIR = REPOSITORY_ROOT / ".aws-sam" / "build"
DEFAULT_LAMBDA_PORT = 3001
"""sam local start-lambda's own default."""
SAM_CONTAINER_LABEL = "sam.cli.container.type=lambda"
RUN_ID_VARIABLE = "LOCAL_SAM_RUNNER_ID"
"""Declared in the containers' template and set per run: how this run finds its own containers."""
SAM_START_SECONDS = 120
SAM_STOP_SECONDS = 15
COLD_START_MARGIN_SECONDS = 120
"""How much longer than the function's Timeout an invocation may take: its container's start."""
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
}
"""What SAM CLI hands each container: dummy credentials (moto accepts any) and the local region."""
_IGNORED_BUILD_INPUTS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


class FunctionError(RuntimeError):
    """The function raised (or timed out) in its container: Lambda's ``FunctionError``."""


def log(message: str) -> None:
    sys.stderr.write(f"run-sam: {message}\n")
    sys.stderr.flush()


# --- preparation ---------------------------------------------------------------------------------


def _run_step(command: list[str], what: str, quiet: str = "done") -> str:
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603 - our own scripts and Makefile
        command, cwd=REPOSITORY_ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout[-3000:] + "\n" + result.stderr[-3000:]).strip()
        raise SystemExit(f"run-sam: {what} failed:\n{output}")
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    return f"{lines[-1].strip() if lines else quiet} ({time.monotonic() - started:.1f} s)"


def build_inputs() -> list[Path]:
    """What ``sam build`` reads: the template, samconfig and every CodeUri/ContentUri folder."""
    inputs = [REPOSITORY_ROOT / "template.yaml", REPOSITORY_ROOT / "samconfig.toml"]
    for resource in load_template()["Resources"].values():
        properties = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                inputs.append(REPOSITORY_ROOT / properties[key])
    return inputs


def _newest_mtime(path: Path) -> float:
    if path.is_file():
        return path.stat().st_mtime
    newest = path.stat().st_mtime if path.exists() else 0.0
    for root, directories, files in os.walk(path):
        directories[:] = [name for name in directories if name not in _IGNORED_BUILD_INPUTS]
        for name in [*files, *directories]:
            if not name.endswith(".pyc"):
                with contextlib.suppress(FileNotFoundError):
                    newest = max(newest, (Path(root) / name).stat().st_mtime)
    return newest


def build_is_current() -> bool:
    built = BUILD_DIR / "template.yaml"
    if not built.is_file():
        return False
    load_template.cache_clear()
    return max(_newest_mtime(path) for path in build_inputs()) < built.stat().st_mtime


def prepare() -> None:
    """Docker, the base image and the build, each said in one line."""
    log(f"docker: {_run_step(['bash', 'sam/ensure-docker.sh'], 'sam/ensure-docker.sh', quiet='answers')}")
    log(f"sam-image: {_run_step(['make', '--no-print-directory', 'sam-image'], 'make sam-image')}")
    if os.environ.get("SAM_LOCAL_NO_BUILD") == "1":
        log("sam build: skipped (SAM_LOCAL_NO_BUILD=1)")
    elif build_is_current():
        log(f"sam build: {BUILD_DIR.relative_to(REPOSITORY_ROOT)} is newer than its inputs, not rebuilt")
    else:
        log(f"sam build: {_run_step(['make', '--no-print-directory', 'build'], 'make build')}")
    if not (BUILD_DIR / "template.yaml").is_file():
        raise SystemExit(f"run-sam: {BUILD_DIR / 'template.yaml'} is missing: run `make build`")


def docker_bridge_gateway() -> str:
    """The host's address on Docker's default bridge: where the containers reach this process."""
    inspected = subprocess.run(
        ["docker", "network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if inspected.returncode != 0:
        raise SystemExit(f"run-sam: Docker has no default bridge: {inspected.stderr.strip()}")
    for config in json.loads(inspected.stdout) or []:
        if config.get("Gateway"):
            return str(config["Gateway"])
        if config.get("Subnet") and ":" not in config["Subnet"]:
            # Docker 20.10 leaves Gateway out of the default bridge's IPAM: it is the subnet's first address.
            return str(next(ipaddress.ip_network(config["Subnet"]).hosts()))
    raise SystemExit(f"run-sam: no IPv4 gateway on Docker's default bridge: {inspected.stdout.strip()}")


# --- what sam local runs -------------------------------------------------------------------------


def container_template(built_template: Path, destination: Path, declared: list[str]) -> Path:
    """The built template, declaring ``declared`` for every function, with absolute code paths.

    ``--env-vars`` only overrides variables the template declares; the deployed template must not
    declare ``AWS_ENDPOINT_URL`` (an empty value would be used as the endpoint), so only this copy does.
    """
    template: dict[str, Any] = yaml.safe_load(built_template.read_text(encoding="utf-8"))
    function_globals = template.setdefault("Globals", {}).setdefault("Function", {})
    variables = function_globals.setdefault("Environment", {}).setdefault("Variables", {})
    for name in declared:
        variables.setdefault(name, "")
    for resource in template["Resources"].values():
        properties = resource.get("Properties") or {}
        for uri in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(uri), str) and not Path(properties[uri]).is_absolute():
                properties[uri] = str((built_template.parent / properties[uri]).resolve())
    destination.write_text(yaml.safe_dump(template, sort_keys=False), encoding="utf-8")
    return destination


def container_environment(functions: dict[str, Function], extra: dict[str, str], api_url: str) -> dict[str, Any]:
    """``--env-vars``: each function's resolved environment, plus ``extra`` for every function.

    ``API_URL`` (the links notifications carry) is the runner's, as in ``make run``.
    """
    environments: dict[str, Any] = {"Parameters": dict(extra)}
    for name, function in functions.items():
        environment = {**function.environment, **extra}
        if "API_URL" in environment:
            environment["API_URL"] = api_url
        environments[name] = environment
    return environments


def sam_parameter_overrides(overrides: dict[str, str]) -> list[str]:
    """``--parameter-overrides`` items, quoted as SAM CLI parses them (values may hold spaces)."""
    items = []
    for name, value in overrides.items():
        escaped = value.replace('"', '\\"')  # SAM CLI unquotes and unescapes \" (and nothing else)
        items.append(f'{name}="{escaped}"')
    return items


def longest_timeout(template: dict[str, Any]) -> int:
    """The largest function Timeout of the template (Globals or the function's own), in seconds."""
    default = int(template.get("Globals", {}).get("Function", {}).get("Timeout", 3))
    return max(
        [default]
        + [
            int(resource["Properties"].get("Timeout", default))
            for resource in template["Resources"].values()
            if resource["Type"] == "AWS::Serverless::Function"
        ]
    )


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


# --- invoking ------------------------------------------------------------------------------------


class ContainerInvoker:
    """``FunctionPool.invoker``: one event, through ``sam local start-lambda``, to the function's container.

    Waits for sam local to be ready (the gateway serves as soon as ``start`` returns). Not retried
    here: a failed asynchronous event is retried by the rule dispatcher, as Lambda does.
    """

    def __init__(self, endpoint_url: str, read_timeout: float) -> None:
        self.ready = threading.Event()
        self._client = boto3.client(
            "lambda",
            endpoint_url=endpoint_url,
            region_name=LOCAL_REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(
                connect_timeout=10,
                read_timeout=read_timeout,
                retries={"total_max_attempts": 1},
                max_pool_connections=64,
            ),
        )
        self._invoked: set[str] = set()
        self._lock = threading.Lock()
        self._log = os.environ.get("LOCAL_ACCESS_LOG", "1") != "0"

    def __call__(self, function: Function, event: dict[str, Any]) -> Any:
        self.ready.wait()
        with self._lock:
            first = function.logical_id not in self._invoked
            self._invoked.add(function.logical_id)
        started = time.monotonic()
        response = self._client.invoke(FunctionName=function.logical_id, Payload=json.dumps(event).encode("utf-8"))
        payload = response["Payload"].read()
        elapsed = (time.monotonic() - started) * 1000
        result = json.loads(payload) if payload.strip() else None
        error = response.get("FunctionError") or ("Unhandled" if is_error_payload(result) else None)
        if self._log:
            kind = "first, cold" if first else "warm"
            failed = f", {error} error" if error else ""
            sys.stderr.write(f"lambda: {function.logical_id} {elapsed:.0f} ms ({kind}{failed})\n")
        if error:
            raise FunctionError(f"{function.logical_id} failed ({error}): {payload.decode()}")
        return result


ERROR_PAYLOAD_KEYS = frozenset({"errorMessage", "errorType", "stackTrace", "cause", "requestId"})


def is_error_payload(result: Any) -> bool:
    """The runtime's answer for a raised exception, a timeout or a failed import.

    sam local sets ``FunctionError`` only for answers of exactly errorMessage, errorType and
    stackTrace; awslambdaric adds ``requestId``, so sam local answers those as successes.
    """
    return isinstance(result, dict) and {"errorMessage", "errorType"} <= result.keys() <= ERROR_PAYLOAD_KEYS


# --- the whole --------------------------------------------------------------------------------------


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


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[threading.Event]:
    stopped = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stopped.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stopped
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main() -> None:
    port = int(os.environ.get("PORT") or 3000)
    host = os.environ.get("HOST") or "127.0.0.1"
    admin_token = os.environ.get("ADMIN_TOKEN") or DEFAULT_ADMIN_TOKEN
    aws_port = int(os.environ.get("AWS_PORT") or DEFAULT_AWS_PORT)
    lambda_port = int(os.environ.get("SAM_LAMBDA_PORT") or DEFAULT_LAMBDA_PORT) or free_port()
    warm_containers = (os.environ.get("SAM_WARM_CONTAINERS") or "LAZY").upper()
    if warm_containers not in ("LAZY", "EAGER"):
        raise SystemExit("run-sam: SAM_WARM_CONTAINERS is LAZY (the default) or EAGER")
    overrides = parameter_overrides(os.environ.get("PARAMETER_OVERRIDES", ""))
    functions = LocalStack(overrides).functions()

    prepare()
    bridge = docker_bridge_gateway()
    run_id = uuid.uuid4().hex[:12]

    server, dispatcher = start(port, host, overrides, admin_token, aws_port=None)
    read_timeout = longest_timeout(load_template()) + COLD_START_MARGIN_SECONDS
    invoker = ContainerInvoker(f"http://127.0.0.1:{lambda_port}", read_timeout)
    for pool in server.gateway.pools.values():
        pool.invoker = invoker
    sam: SamLocalLambda | None = None
    failed = False
    loopback: AwsEndpoint | str = "not served"
    workdir = tempfile.TemporaryDirectory(prefix="run-sam-")
    try:
        for_containers, loopback = serve_aws_endpoints(bridge, aws_port)
        server.aws_endpoint = for_containers  # stopped with the server
        url = f"http://{host}:{server.server_port}"
        extra = {
            "AWS_ENDPOINT_URL": for_containers.url,
            "POWERTOOLS_TRACE_DISABLED": "true",  # as make run: no X-Ray daemon to send to
            RUN_ID_VARIABLE: run_id,
        }
        directory = Path(workdir.name)
        template = container_template(BUILD_DIR / "template.yaml", directory / "template.yaml", list(extra))
        env_vars = directory / "env-vars.json"
        env_vars.write_text(json.dumps(container_environment(functions, extra, url), indent=2), encoding="utf-8")
        command = [
            str(SAM), "local", "start-lambda",
            "--template", str(template),
            "--env-vars", str(env_vars),
            "--host", "127.0.0.1",
            "--port", str(lambda_port),
            "--skip-pull-image",
            "--warm-containers", warm_containers,
        ]  # fmt: skip
        if overrides:
            command += ["--parameter-overrides", *sam_parameter_overrides(overrides)]
        environment = {
            **{name: value for name, value in os.environ.items() if not name.startswith("AWS_")},
            **CREDENTIALS,
            "SAM_CLI_TELEMETRY": "0",
        }
        with stopping_on_signals() as stopped:
            sam = SamLocalLambda(command, environment, lambda_port)
            starting = time.monotonic()
            if not sam.wait_until_ready(stopped):
                return
            log(f"sam local start-lambda: listening ({time.monotonic() - starting:.1f} s)")
            invoker.ready.set()
            print(f"Deployment events is running at {url}", flush=True)
            print(f"  overview:    {url}/#token={admin_token}", flush=True)
            print(f"  admin token: {admin_token}", flush=True)
            print(f"  health:      {url}/api/health", flush=True)
            endpoint = loopback.url if isinstance(loopback, AwsEndpoint) else for_containers.url
            print(
                f"  aws endpoint: {endpoint} (AWS_ENDPOINT_URL for the aws CLI, boto3 and sam local;"
                f" region {LOCAL_REGION}); containers use {for_containers.url}",
                flush=True,
            )
            print(
                f"  functions:   in their Lambda containers, through sam local start-lambda at {sam.url}"
                f" ({warm_containers.lower()} warm containers; {RUN_ID_VARIABLE}={run_id})",
                flush=True,
            )
            while not stopped.wait(1):
                if sam.exited():
                    log(f"sam local start-lambda exited:\n{''.join(sam.output[-20:])}")
                    failed = True
                    break
    finally:
        dispatcher.stop()
        server.shutdown()
        if isinstance(loopback, AwsEndpoint):
            loopback.stop()
        if sam is not None:
            sam.stop()
        removed = remove_containers(run_id)
        workdir.cleanup()
        log(f"stopped sam local{f' and removed {removed} container(s)' if removed else ''}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
