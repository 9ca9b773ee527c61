"""Each package of ``shared`` opens with an index of its modules: a newcomer reads it first, so it
must name every module the package has."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from local.template import REPOSITORY_ROOT

PACKAGES = sorted(path.parent for path in (REPOSITORY_ROOT / "shared").rglob("__init__.py"))


def _members(package: Path) -> set[str]:
    modules = {path.stem for path in package.glob("*.py") if path.stem != "__init__"}
    subpackages = {path.parent.name for path in package.glob("*/__init__.py")}
    return modules | subpackages


@pytest.mark.parametrize("package", PACKAGES, ids=lambda path: str(path.relative_to(REPOSITORY_ROOT)))
def test_the_package_docstring_names_every_module(package: Path) -> None:
    # Given the package's docstring
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""

    # When its members are looked for in it as ``name``
    missing = sorted(name for name in _members(package) if f"``{name}``" not in docstring)

    # Then none is missing
    assert not missing, f"{package.name}/__init__.py does not list {missing}"
