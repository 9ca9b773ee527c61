"""Starts the local runner as `make run` does, in a subprocess, and talks plain HTTP to it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from local.template import REPOSITORY_ROOT

STARTUP_SECONDS = 60


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RunningSystem:
    url: str
    admin_token: str
    output: list[str]

    def request(
        self,
        method: str,
        path: str,
        body: bytes | dict[str, Any] | list[Any] | None = None,
        headers: dict[str, str] | None = None,
        admin: bool = True,
    ) -> HttpResponse:
        data = json.dumps(body).encode() if isinstance(body, dict | list) else body
        request_headers = {"Content-Type": "application/json"} if isinstance(body, dict | list) else {}
        if admin:
            request_headers["Authorization"] = f"Bearer {self.admin_token}"
        request_headers.update(headers or {})
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=request_headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return HttpResponse(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, dict(error.headers), error.read())


@contextmanager
def running_system(admin_token: str = "e2e-admin-token", parameter_overrides: str = "") -> Iterator[RunningSystem]:
    environment = {
        **os.environ,
        "PORT": "0",
        "AWS_PORT": "0",
        "ADMIN_TOKEN": admin_token,
        "PARAMETER_OVERRIDES": parameter_overrides,
        "LOCAL_ACCESS_LOG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "local.runner"],
        cwd=REPOSITORY_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    ready = threading.Event()
    found: dict[str, str] = {}

    def read_output() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            match = re.search(r"running at (http://\S+)", line)
            if match:
                found["url"] = match[1]
                ready.set()

    threading.Thread(target=read_output, daemon=True).start()
    try:
        if not ready.wait(STARTUP_SECONDS):
            raise RuntimeError("the local runner did not start:\n" + "".join(output))
        system = RunningSystem(found["url"], admin_token, output)
        deadline = time.monotonic() + STARTUP_SECONDS
        while system.request("GET", "/api/health", admin=False).status != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("the local runner never became healthy:\n" + "".join(output))
            time.sleep(0.1)
        yield system
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
