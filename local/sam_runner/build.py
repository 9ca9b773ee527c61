"""What ``sam local`` runs: the checks before starting, and the containers' template and environment.

The build itself is make's: `make run-sam` and `make invoke` depend on ``.aws-sam/build/template.yaml``,
which make rebuilds when an input is newer, and ``sam build`` (``cached = true`` in samconfig.toml)
rebuilds only the functions whose code changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from local.aws import LOCAL_CREDENTIALS
from local.template import REPOSITORY_ROOT, Function

SAM = REPOSITORY_ROOT / ".venv-sam" / "bin" / "sam"
BUILD_DIR = REPOSITORY_ROOT / ".aws-sam" / "build"
BUILT_TEMPLATE = BUILD_DIR / "template.yaml"


def log(message: str) -> None:
    sys.stderr.write(f"run-sam: {message}\n")
    sys.stderr.flush()


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


def prepare() -> None:
    """Docker and the base image, each said in one line; the build must be there (`make build`)."""
    log(f"docker: {_run_step(['bash', 'sam/ensure-docker.sh'], 'sam/ensure-docker.sh', quiet='answers')}")
    log(f"sam-image: {_run_step(['make', '--no-print-directory', 'sam-image'], 'make sam-image')}")
    if not BUILT_TEMPLATE.is_file():
        raise SystemExit(f"run-sam: {BUILT_TEMPLATE} is missing: run `make build` (`make run-sam` does)")


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


def container_environment(
    functions: dict[str, Function], extra: dict[str, str], api_url: str | None = None
) -> dict[str, Any]:
    """``--env-vars``: each function's resolved environment, plus ``extra`` for every function.

    SAM CLI would resolve ``!Ref`` of a resource to its logical id (``EVENT_BUS_NAME=AlertEventBus``)
    where AWS, and the emulated stack, use its physical name. ``API_URL`` (the links notifications
    carry) is the runner's, as in ``make run``, when ``api_url`` is given.
    """
    environments: dict[str, Any] = {"Parameters": dict(extra)}
    for name, function in functions.items():
        environment = {**function.environment, **extra}
        if api_url and "API_URL" in environment:
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


def sam_local_command(
    arguments: list[str],
    directory: Path,
    functions: dict[str, Function],
    extra: dict[str, str],
    overrides: dict[str, str],
    api_url: str | None = None,
) -> list[str]:
    """``sam local <arguments>`` over the built code, every function reaching the emulated AWS.

    Writes the containers' template and ``--env-vars`` file into ``directory``.
    """
    template = container_template(BUILT_TEMPLATE, directory / "template.yaml", list(extra))
    env_vars = directory / "env-vars.json"
    env_vars.write_text(json.dumps(container_environment(functions, extra, api_url), indent=2), encoding="utf-8")
    command = [
        str(SAM), "local", *arguments,
        "--template", str(template),
        "--env-vars", str(env_vars),
        "--skip-pull-image",
    ]  # fmt: skip
    if overrides:
        command += ["--parameter-overrides", *sam_parameter_overrides(overrides)]
    return command


def sam_environment() -> dict[str, str]:
    """SAM CLI's own environment: dummy credentials (it hands them to each container), no telemetry."""
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith("AWS_")},
        **LOCAL_CREDENTIALS,
        "SAM_CLI_TELEMETRY": "0",
    }


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
