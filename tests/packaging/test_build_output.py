"""What `sam build` packages is enough to run: each handler imports from the build output alone.

Run by `make package-check` (part of `make test`) after `sam build`. Each function is imported
by the runtime's Python (3.12) with no site-packages, only the function's folder, its layers and
the AWS SDK as the Lambda runtime provides it: a dependency missing from the layer, or a
`shared/` that was not packaged, fails here rather than in AWS.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from local.template import REPOSITORY_ROOT, LocalStack, load_template

pytestmark = pytest.mark.packaging

BUILD_DIR = REPOSITORY_ROOT / ".aws-sam" / "build"
RUNTIME_SDK = REPOSITORY_ROOT / ".aws-sam" / "runtime-sdk"

EVERY_FUNCTION = {
    "EnrichmentWebhookUrl": "https://hooks.example.com/enrichment",
    "EnrichmentWebhookSecretParameter": "/hook",
}
"""Parameters under which every function of the template exists, the conditional ones too."""

IMPORT_AND_SMOKE = """
import json, sys
sys.path[:0] = json.loads(sys.argv[1])
module_name, handler_name = sys.argv[2].rsplit(".", 1)
module = __import__(module_name)
handler = getattr(module, handler_name)
assert callable(handler)
loaded = sorted({name.split(".")[0] for name in sys.modules})
assert "shared" in loaded and "pydantic_core" in loaded, loaded
files = [getattr(loaded_module, "__file__", None) or "" for loaded_module in list(sys.modules.values())]
assert not [name for name in files if "site-packages" in name], files
print(json.dumps({"python": sys.version.split()[0], "shared": sys.modules["shared"].__file__}))
"""


def _built_functions() -> dict[str, dict[str, Any]]:
    built = load_template(BUILD_DIR / "template.yaml")
    return {
        logical_id: resource
        for logical_id, resource in built["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def _layer_paths(built: dict[str, Any], function: dict[str, Any]) -> list[str]:
    layers = function["Properties"].get("Layers") or built.get("Globals", {}).get("Function", {}).get("Layers", [])
    paths = []
    for layer in layers:
        layer_resource = built["Resources"][layer["Ref"]]
        paths.append(str(BUILD_DIR / layer_resource["Properties"]["ContentUri"] / "python"))
    return paths


def test_the_build_exists() -> None:
    assert (BUILD_DIR / "template.yaml").is_file(), "run `make build` (sam build) first"
    assert set(_built_functions()) >= {"IngestFunction"}


@pytest.mark.parametrize("logical_id", sorted(_built_functions()) if (BUILD_DIR / "template.yaml").is_file() else [])
def test_handler_imports_from_the_build_output_alone(logical_id: str) -> None:
    # Given the function's folder, its layers and the runtime's SDK, and nothing else
    lambda_python = os.environ.get("LAMBDA_PYTHON", "")
    assert lambda_python, "LAMBDA_PYTHON must name the runtime's Python (3.12); `make package-check` sets it"
    built = load_template(BUILD_DIR / "template.yaml")
    function = built["Resources"][logical_id]
    code = str(BUILD_DIR / function["Properties"]["CodeUri"])
    search_path = [code, *_layer_paths(built, function), str(RUNTIME_SDK)]
    environment = {
        "PATH": "/usr/bin:/bin",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        **LocalStack(EVERY_FUNCTION).functions()[logical_id].environment,
    }
    # When the runtime's Python imports the handler without site-packages (-S) or user site (-s)
    result = subprocess.run(  # noqa: S603 - our own build
        [lambda_python, "-S", "-s", "-c", IMPORT_AND_SMOKE, json.dumps(search_path), function["Properties"]["Handler"]],
        cwd=code,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Then it imports, with `shared` and the compiled pydantic core from the layer
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["python"].startswith("3.12")
    assert Path(report["shared"]).is_relative_to(BUILD_DIR)
