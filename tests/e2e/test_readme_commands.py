"""The README's commands run as written: each fenced ``sh``, ``bash`` or ``shell`` block, with
bash, against the local runner started as `make run` starts it (§10).

The README says its examples use ``URL=http://127.0.0.1:3000`` and ``TOKEN=local-dev-token``, what
`make run` prints; here they are this runner's address and token, and ``127.0.0.1:4566`` is its
emulated AWS endpoint (§12), all substituted in the commands. What the README leaves to the reader
to copy from earlier answers (``$ID``, ``$KEY``, ``$GITHUB_KEY``, …) is made here the way the
README makes it. Each block runs in a fresh ``bash -euo pipefail`` with no AWS credentials and an
empty home, as on a newcomer's machine, and must exit 0 (the README's ``curl -fsS`` fails on any
answer but a 2xx).

A block that cannot run here says why in an HTML comment right before it,
``<!-- no-test: <reason> -->``, and is skipped with that reason. A block that needs a tool missing
on this machine (the AWS CLI, jq) is skipped saying which.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from local.template import REPOSITORY_ROOT
from tests.e2e.runner import RunningSystem

pytestmark = pytest.mark.e2e

README = REPOSITORY_ROOT / "README.md"
SHELL_LANGUAGES = frozenset({"sh", "bash", "shell"})
FENCE_OPENING = re.compile(r"^(?P<indent>[ ]*)(?P<fence>```+)(?P<info>[^`]*)$")
NO_TEST = re.compile(r"<!--\s*no-test:\s*(?P<reason>(?:(?!-->).)*?)\s*-->\s*\Z", re.DOTALL)
EXAMPLE_VALUES = re.compile(r"`URL=(?P<url>[^`\s]+)` and\s+`TOKEN=(?P<token>[^`\s]+)`")
README_ADDRESS = "127.0.0.1:3000"
README_AWS_ENDPOINT = "127.0.0.1:4566"
TOOLS = ("curl", "jq", "aws")
"""Commands a block may need that are not part of bash."""
BLOCK_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Block:
    line: int
    """Where its opening fence is in the README, counted from 1."""
    language: str
    text: str
    skip_reason: str | None


def fenced_blocks(markdown: str) -> list[Block]:
    """Every fenced block, its text without the fence's indentation (blocks inside list items)."""
    lines = markdown.splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        opening = FENCE_OPENING.match(lines[index])
        if opening is None:
            index += 1
            continue
        closing = next(end for end in range(index + 1, len(lines)) if lines[end].strip() == opening["fence"])
        indent = opening["indent"]
        text = "\n".join(line.removeprefix(indent) for line in lines[index + 1 : closing])
        before = NO_TEST.search("\n".join(lines[:index]))
        skip_reason = " ".join(before["reason"].split()) if before else None
        blocks.append(Block(index + 1, opening["info"].strip().split(" ")[0], text, skip_reason))
        index = closing + 1
    return blocks


def shell_blocks() -> list[Block]:
    return [block for block in fenced_blocks(README.read_text(encoding="utf-8")) if block.language in SHELL_LANGUAGES]


def as_run_here(text: str, system: RunningSystem, aws_endpoint: str) -> str:
    """The README's text with `make run`'s address, endpoint and token replaced by this runner's."""
    replaced = text.replace(f"http://{README_ADDRESS}", system.url)
    replaced = replaced.replace(f"http://{README_AWS_ENDPOINT}", aws_endpoint)
    return replaced.replace("local-dev-token", system.admin_token)


def tools_used(text: str) -> list[str]:
    return [tool for tool in TOOLS if re.search(rf"(?<![\w./$-]){tool}\s", text)]


def create_pipeline(system: RunningSystem, name: str, integration_type: str) -> dict[str, str]:
    created = system.request("POST", "/api/deployment-pipelines", {"name": name, "integrationType": integration_type})
    assert created.status == 201, created.body
    pipeline: dict[str, str] = created.json()
    return pipeline


def send_event(system: RunningSystem, integration_key: str, summary: str) -> str:
    sent = system.request(
        "POST", "/api/deployment-events", {"integrationKey": integration_key, "summary": summary}, admin=False
    )
    assert sent.status == 202, sent.body
    event_id: str = sent.json()["id"]
    return event_id


def placeholders(system: RunningSystem) -> dict[str, str]:
    """What a reader copies from earlier answers: a pipeline's id (which the README updates,
    rotates and deletes), an event and a cursor of it, and the keys of four other pipelines."""
    listed = create_pipeline(system, "readme-listed", "API")
    event_id = send_event(system, listed["integrationKey"], "README placeholder, first")
    send_event(system, listed["integrationKey"], "README placeholder, second")
    page = system.request("GET", f"/api/deployment-events?pipeline={listed['id']}&max-results=1")
    assert page.status == 200, page.body
    return {
        "ID": listed["id"],
        "EVENT_ID": event_id,
        "NEXT_CURSOR": page.json()["nextCursor"],
        "KEY": create_pipeline(system, "readme-generic", "API")["integrationKey"],
        "GITHUB_KEY": create_pipeline(system, "readme-github", "GITHUB")["integrationKey"],
        "GITLAB_KEY": create_pipeline(system, "readme-gitlab", "GITLAB")["integrationKey"],
        "UNLEASH_KEY": create_pipeline(system, "readme-unleash", "UNLEASH")["integrationKey"],
    }


@pytest.fixture(scope="module")
def aws_endpoint(system: RunningSystem) -> str:
    printed = "".join(system.output)
    served = re.search(r"aws endpoint: (http://\S+)", printed)
    if served is None:
        pytest.fail(f"the runner does not serve the emulated AWS endpoint:\n{printed}")
    return served[1]


@pytest.fixture(scope="module")
def readme_environment(
    system: RunningSystem, aws_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """A newcomer's shell: no AWS credentials or configuration, an empty home, this Python's
    tools first on PATH, and the variables the README's examples use."""
    example = EXAMPLE_VALUES.search(README.read_text(encoding="utf-8"))
    assert example, "the README no longer says which URL and TOKEN its examples use"
    environment = {name: value for name, value in os.environ.items() if not name.upper().startswith("AWS_")}
    environment.update(
        HOME=str(tmp_path_factory.mktemp("home")),
        PATH=os.pathsep.join((str(Path(sys.executable).parent), environment.get("PATH", ""))),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        URL=as_run_here(example["url"], system, aws_endpoint),
        TOKEN=as_run_here(example["token"], system, aws_endpoint),
        **placeholders(system),
    )
    return environment


def test_the_readme_has_commands_to_run() -> None:
    # Given the README's shell blocks
    blocks = shell_blocks()
    # When those a test can run are counted
    runnable = [block for block in blocks if block.skip_reason is None]
    # Then most of them are: a skip is the exception, and says why
    assert len(runnable) > len(blocks) / 2, [block.line for block in blocks]
    assert all(block.skip_reason for block in blocks if block not in runnable)


def test_every_fenced_block_names_its_language() -> None:
    # Given every fenced block of the README
    blocks = fenced_blocks(README.read_text(encoding="utf-8"))
    # When their info strings are read
    unlabelled = [block.line for block in blocks if not block.language]
    # Then each names its language (``text`` for output), so that no command escapes this test
    assert blocks
    assert not unlabelled, f"README.md blocks without a language, at lines {unlabelled}"


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(block, id=f"README.md:{block.line}", marks=[pytest.mark.skip(reason=block.skip_reason)])
        if block.skip_reason
        else pytest.param(block, id=f"README.md:{block.line}")
        for block in shell_blocks()
    ],
)
def test_readme_block_runs_as_written(
    block: Block, system: RunningSystem, aws_endpoint: str, readme_environment: dict[str, str]
) -> None:
    # Given a shell block of the README, pointed at this runner, and the tools it calls
    missing = [tool for tool in tools_used(block.text) if shutil.which(tool, path=readme_environment["PATH"]) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}, not installed here")
    script = as_run_here(block.text, system, aws_endpoint)
    # When bash runs it from the repository's root, as a reader would
    ran = subprocess.run(  # noqa: S603 - the README's own commands, the point of this test
        ["bash", "-euo", "pipefail", "-c", script],  # noqa: S607 - bash as the reader's shell finds it
        cwd=REPOSITORY_ROOT,
        env=readme_environment,
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT_SECONDS,
        check=False,
    )
    # Then every command in it succeeds
    output = f"--- stdout\n{ran.stdout}\n--- stderr\n{ran.stderr}"
    assert ran.returncode == 0, f"README.md:{block.line} failed ({ran.returncode}):\n{script}\n{output}"
