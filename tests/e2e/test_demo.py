"""`make demo` as a newcomer runs it, on its own (it starts its own runner): every step prints what
it promises, among them §18's storm, one Slack message for a group of 20 alerts, edited in place
by a signed click."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from local.template import REPOSITORY_ROOT

pytestmark = pytest.mark.e2e


def test_the_demo_shows_a_storm_as_one_slack_message_that_a_verdict_edits() -> None:
    # Given no system answering where the demo looks first
    environment = {**os.environ, "DEMO_URL": "http://127.0.0.1:9", "PYTHONUNBUFFERED": "1"}
    # When the demo runs
    finished = subprocess.run(
        [sys.executable, "-m", "local.demo"],
        cwd=REPOSITORY_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # Then it ends well, and its storm made one message, edited once after the click
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    shown = finished.stdout
    assert "Started the local runner" in shown
    assert "Slack got 1 message(s) for the group's 20 alerts" in shown
    posted, edited = shown.split("the message as posted:")[1].split("the same message, edited with chat.update:")
    assert "20 alerts in this group" in posted
    assert "Likely cause (100%)" not in posted
    assert "20 alerts in this group" in edited
    assert "Likely cause (100%)" in edited
    assert "confirmed as the cause by ada" in edited
    assert "Alarm ServerCpuTooHigh" in shown
