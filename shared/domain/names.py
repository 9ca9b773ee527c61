"""How services, repositories and environments are compared: one form for every reader.

Correlation (§17) and the change histories of §19 must agree that ``Prod`` and ``production``
are one environment and ``https://github.com/Acme/Shop.git`` and ``acme/shop`` one repository.
"""

from __future__ import annotations

import re

ENVIRONMENT_SYNONYMS = {"prod": "production", "prd": "production", "live": "production", "stage": "staging"}
ENVIRONMENT_SYNONYMS |= {"stg": "staging", "dev": "development", "qa": "test", "testing": "test"}
_HOST_PREFIX = re.compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?[^/:]+\.[^/:]+[:/]")
"""``https://github.com/``, ``git@gitlab.com:``: where a repository URL names its host."""


def service_key(name: str) -> str:
    """The form service names are compared and stored in."""
    return name.strip().casefold()


def repository_key(repository: str) -> str:
    """``https://github.com/Acme/Shop.git`` and ``acme/shop`` are the same repository."""
    text = repository.strip().casefold().removesuffix("/").removesuffix(".git")
    return _HOST_PREFIX.sub("", text, count=1)


def environment_key(name: str | None) -> str | None:
    """``Prod``, ``prd`` and ``production`` are one environment; blank is none."""
    folded = (name or "").strip().casefold()
    return ENVIRONMENT_SYNONYMS.get(folded, folded) or None
