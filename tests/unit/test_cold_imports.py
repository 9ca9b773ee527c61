"""What each function loads at a cold start (§20): a library or a part of ours is imported by the
functions that use it, and by no other. `make bench` measures the time; this guards the modules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from local.template import REPOSITORY_ROOT, LocalStack

PARSER = "aws_lambda_powertools.utilities.parser"
SCORING = "shared.domain.relevance.model"
CORRELATION = "shared.domain.correlation"
WATCHED = (PARSER, SCORING, CORRELATION, "slack_sdk", "yaml", "cloudevents", "packageurl")
"""Each costs a cold start milliseconds that most functions never need."""
EXPECTED = {
    "IngestFunction": set(),
    "AlertIntakeFunction": set(),
    "ApiFunction": set(),
    "WebFunction": set(),
    "AwsChangesFunction": set(),
    "CorrelateFunction": {PARSER, SCORING, CORRELATION},
    "EnrichFunction": {PARSER},
    "NotifyFunction": {PARSER, CORRELATION, "slack_sdk"},
    "NotifyFoldFunction": {PARSER, CORRELATION, "slack_sdk"},
    "ForwardFunction": {PARSER, CORRELATION},
}
STACK = LocalStack({"EnrichmentWebhookUrl": "https://hooks.example.com/e", "EnrichmentWebhookSecretParameter": "/h"})


def loaded_at_import(logical_id: str) -> set[str]:
    """The watched modules in ``sys.modules`` once a fresh process imported the handler's module,
    with the function's own environment."""
    function = STACK.functions()[logical_id]
    code_directory = str(REPOSITORY_ROOT / function.code_uri)
    environment = {
        "PATH": "/usr/bin:/bin",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        **function.environment,
        "PYTHONPATH": f"{code_directory}:{REPOSITORY_ROOT}",
    }
    module = function.handler.rsplit(".", 1)[0]
    code = f"import json, sys; import {module}; print(json.dumps([m for m in {WATCHED!r} if m in sys.modules]))"
    result = subprocess.run(  # noqa: S603 - our own interpreter and handler
        [sys.executable, "-c", code], cwd=code_directory, env=environment, capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_every_function_of_the_template_is_expected() -> None:
    assert set(STACK.functions()) == set(EXPECTED)


@pytest.mark.parametrize("logical_id", sorted(EXPECTED))
def test_a_function_loads_only_what_it_uses_at_its_cold_start(logical_id: str) -> None:
    # Given a function of the template
    # When a fresh process imports its handler, as Lambda does at a cold start
    loaded = loaded_at_import(logical_id)
    # Then of the costly modules it has loaded exactly those it uses on every invocation
    assert loaded == EXPECTED[logical_id]
