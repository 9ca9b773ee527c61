"""Cold start: a fresh process importing each function's handler module, against one importing
boto3 alone (which every handler needs anyway), median of several runs.

The processes get the environment Lambda gives a function (``LAMBDA_TASK_ROOT`` and the
template's variables), since libraries such as the X-Ray SDK start differently inside Lambda.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from dataclasses import dataclass

from local.template import REPOSITORY_ROOT, LocalStack

RUNS = 9
EVERY_FUNCTION = {
    "EnrichmentWebhookUrl": "https://hooks.example.com/enrichment",
    "EnrichmentWebhookSecretParameter": "/hook",
}
TIMED_IMPORT = "import time; started = time.perf_counter(); import {module}; print(time.perf_counter() - started)"


@dataclass(frozen=True)
class ColdImport:
    function: str
    seconds: float
    ratio: float


def _median_seconds(module: str, code_directory: str, environment: dict[str, str]) -> float:
    runs = []
    for _ in range(RUNS):
        result = subprocess.run(  # noqa: S603 - our own interpreter and modules
            [sys.executable, "-c", TIMED_IMPORT.format(module=module)],
            cwd=code_directory,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(runs)


def run() -> tuple[float, list[ColdImport]]:
    stack = LocalStack(EVERY_FUNCTION)
    lambda_like = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LAMBDA_TASK_ROOT": "/var/task",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    boto3_alone = _median_seconds("boto3", str(REPOSITORY_ROOT), lambda_like)
    results = []
    for logical_id, function in stack.functions().items():
        code_directory = str(REPOSITORY_ROOT / function.code_uri)
        environment = {**lambda_like, **function.environment, "PYTHONPATH": f"{code_directory}:{REPOSITORY_ROOT}"}
        module = function.handler.rsplit(".", 1)[0]
        seconds = _median_seconds(module, code_directory, environment)
        results.append(ColdImport(logical_id, seconds, seconds / boto3_alone))
    return boto3_alone, results
