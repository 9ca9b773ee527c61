"""docs/openapi.json fuzzed against the running system with schemathesis, over real HTTP.

Whatever the fuzzer sends, valid by the document or deliberately not, is answered without a
server error (§3: no 5xx for any input a client can send), and every documented answer has
the documented shape. Bounded: a few dozen examples per operation, no stateful sequences.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from local.openapi import DOCUMENT_PATH
from shared.domain.models.pipelines import GITHUB_EVENTS, GITLAB_EVENTS
from shared.logic.pipelines import GENERIC_PATH
from tests.e2e.runner import RunningSystem, running_system

pytestmark = pytest.mark.e2e

ADMIN_TOKEN = "fuzz-admin-token"
EXAMPLES_PER_OPERATION = 25
RUNNER_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
"""The methods the local runner's HTTP server handles; it answers others (TRACE, OPTIONS) with its
own 501 before any route is matched, which says nothing about the functions behind the routes."""


def wait_until_quiet(system: RunningSystem, quiet_seconds: float = 2.0, at_most_seconds: float = 20.0) -> None:
    """Until the runner has printed nothing for a while: the bus has delivered what it was given."""
    deadline = time.monotonic() + at_most_seconds
    printed = -1
    while len(system.output) != printed and time.monotonic() < deadline:
        printed = len(system.output)
        time.sleep(quiet_seconds)


@pytest.fixture(scope="module")
def fuzzed_system() -> Iterator[RunningSystem]:
    """A runner of its own: the fuzzer creates pipelines and events the other e2e tests do not expect.

    Once the fuzzing is over, nothing may have crashed in it: an alert accepted with a 202 that
    then fails on the bus is a crash that no HTTP status shows.
    """
    with running_system(admin_token=ADMIN_TOKEN) as system:
        yield system
        wait_until_quiet(system)
        crashes = [line for line in system.output if line.startswith("Traceback")]
        assert not crashes, "a function crashed while fuzzing:\n" + "".join(system.output[-150:])


@pytest.fixture(scope="module")
def integration_keys(fuzzed_system: RunningSystem) -> dict[str, str]:
    """A pipeline of each type, every event and branch enabled, so that fuzzed deliveries are read
    and normalised rather than refused as an unknown key (404) before their bodies are looked at."""
    all_events = {"GITHUB": list(GITHUB_EVENTS), "GITLAB": list(GITLAB_EVENTS), "API": []}
    keys = {}
    for integration_type, events in all_events.items():
        body = {
            "name": f"fuzzed-{integration_type.lower()}",
            "integrationType": integration_type,
            "teams": [{"id": "fuzz"}],
            "params": {"branchFilters": [], "eventFilters": events},
        }
        created = fuzzed_system.request("POST", "/api/deployment-pipelines", body)
        assert created.status == 201, created.body
        keys[integration_type] = created.json()["integrationKey"]
    return keys


def use_real_keys(case: Case[Any], keys: dict[str, str]) -> None:
    """Where the made-up request names an integration key, it names a real one of the right type."""
    if "integrationKey" in case.path_parameters:
        case.path_parameters["integrationKey"] = keys["GITHUB" if "/github/" in case.path else "GITLAB"]
    elif case.path == GENERIC_PATH and case.method.upper() == "POST" and isinstance(case.body, dict):
        case.body["integrationKey"] = keys["API"]


schema = schemathesis.openapi.from_path(
    DOCUMENT_PATH,
    config=SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Bearer {ADMIN_TOKEN}"},
            "generation": {"max-examples": EXAMPLES_PER_OPERATION},
            "phases": {
                "stateful": {"enabled": False},
                "coverage": {"unexpected-methods": RUNNER_METHODS},
            },
        }
    ),
)
"""Loaded when the module is: schemathesis' fixture-based loader does not run on pytest 9 (it reads
``Node._nodeid``, which pytest 9 removed), so the runner's URL is given to each call instead."""


@schema.parametrize()
def test_no_server_errors_and_documented_answers(
    case: Case[Any], fuzzed_system: RunningSystem, integration_keys: dict[str, str]
) -> None:
    # Given a request the fuzzer made up for an operation, keyed for a real pipeline where it takes a key
    use_real_keys(case, integration_keys)
    # When it is sent, Then it is not a server error, and a documented answer has the documented shape
    case.call_and_validate(base_url=fuzzed_system.url, checks=[not_a_server_error, response_schema_conformance])
