"""The emulated deployment runs in a virtual environment of its own (.venv-deploy, `make test`): the SAM
translator's pins clash with the app's. Elsewhere, without the translator, this folder is not collected."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator

import pytest

if importlib.util.find_spec("samtranslator") is None:
    collect_ignore_glob = ["*.py"]
else:
    from moto import mock_aws

    @pytest.fixture(autouse=True, scope="session")
    def _credentials() -> None:
        # The translator and moto both ask botocore for a Region; nothing here reaches AWS.
        for name, value in {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }.items():
            os.environ[name] = value

    @pytest.fixture
    def account() -> Iterator[None]:
        """A fresh emulated AWS account."""
        with mock_aws():
            yield
