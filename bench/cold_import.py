"""Cold start: a fresh process importing each function's handler module, median of several runs,
against two baselines measured the same way in the same run:

- ``boto3`` alone (``cold_import_ratio``, kept for continuity);
- the function's floor (``cold_import_floor_ratio``): a minimal handler importing the same
  third-party pieces the function needs and nothing of ours: Logger, Metrics and Tracer; the HTTP
  resolver with validation for an HTTP function, or Parser's EventBridge envelope for a bus
  consumer; a boto3 client.

The processes get the environment Lambda gives a function (``LAMBDA_TASK_ROOT`` and the
template's variables), since libraries such as the X-Ray SDK start differently inside Lambda.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from local.template import REPOSITORY_ROOT, LocalStack

RUNS = 11
EVERY_FUNCTION = {
    "EnrichmentWebhookUrl": "https://hooks.example.com/enrichment",
    "EnrichmentWebhookSecretParameter": "/hook",
}
TIMED_IMPORT = "import time; started = time.perf_counter(); import {module}; print(time.perf_counter() - started)"
OBSERVABILITY_FLOOR = """
import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
logger, metrics, tracer = Logger(), Metrics(), Tracer(patch_modules=["botocore"])
client = boto3.client("dynamodb")
"""
HTTP_FLOOR = (
    OBSERVABILITY_FLOOR
    + """
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
app = APIGatewayHttpResolver(enable_validation=True)
"""
)
BUS_FLOOR = (
    OBSERVABILITY_FLOOR
    + """
from aws_lambda_powertools.utilities.parser import envelopes, event_parser
"""
)


@dataclass(frozen=True)
class ColdImport:
    function: str
    seconds: float
    ratio: float
    """To boto3 alone."""
    floor_seconds: float
    floor_ratio: float
    """To the minimal handler of the same kind (HTTP or bus consumer): the median of runs paired
    with the floor's."""


@dataclass(frozen=True)
class _Import:
    module: str
    code_directory: str
    environment: dict[str, str]

    def seconds(self) -> float:
        result = subprocess.run(  # noqa: S603 - our own interpreter and modules
            [sys.executable, "-c", TIMED_IMPORT.format(module=self.module)],
            cwd=self.code_directory,
            env=self.environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return float(result.stdout.strip().splitlines()[-1])


def _median_seconds(timed: _Import) -> float:
    return statistics.median(timed.seconds() for _ in range(RUNS))


def _paired(function: _Import, floor: _Import) -> tuple[float, float, float]:
    """The function and its floor imported in turn, so that a machine slowing down or speeding up
    during the run weighs on both alike: their medians, and the median of the pairs' ratios."""
    pairs = [(function.seconds(), floor.seconds()) for _ in range(RUNS)]
    return (
        statistics.median(seconds for seconds, _ in pairs),
        statistics.median(floor_seconds for _, floor_seconds in pairs),
        statistics.median(seconds / floor_seconds for seconds, floor_seconds in pairs),
    )


def run() -> tuple[float, list[ColdImport]]:
    stack = LocalStack(EVERY_FUNCTION)
    http_functions = {route.function for route in stack.routes()}
    lambda_like = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LAMBDA_TASK_ROOT": "/var/task",
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    boto3_alone = _median_seconds(_Import("boto3", str(REPOSITORY_ROOT), lambda_like))
    results = []
    with tempfile.TemporaryDirectory() as floors:
        (Path(floors) / "http_floor.py").write_text(HTTP_FLOOR, encoding="utf-8")
        (Path(floors) / "bus_floor.py").write_text(BUS_FLOOR, encoding="utf-8")
        for logical_id, function in stack.functions().items():
            code_directory = str(REPOSITORY_ROOT / function.code_uri)
            environment = {**lambda_like, **function.environment}
            handler = _Import(
                function.handler.rsplit(".", 1)[0],
                code_directory,
                {**environment, "PYTHONPATH": f"{code_directory}:{REPOSITORY_ROOT}"},
            )
            floor = _Import(
                "http_floor" if logical_id in http_functions else "bus_floor",
                floors,
                {**environment, "PYTHONPATH": floors},
            )
            seconds, floor_seconds, floor_ratio = _paired(handler, floor)
            results.append(ColdImport(logical_id, seconds, seconds / boto3_alone, floor_seconds, floor_ratio))
    return boto3_alone, results
