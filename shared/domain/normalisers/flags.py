"""What LaunchDarkly's and Unleash's flag changes share (§20): the service a flag belongs to, and
the details every flag change carries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AfterValidator

from shared.domain.models.deployments import CUSTOM_DETAILS_MAX_DEPTH, _deeper_than
from shared.domain.normalisers.common import custom_details_of

SERVICE_TAG = "service:"
_KEY_SEPARATOR = re.compile(r"[.\-_:/]")
"""Where a flag's key is cut into the prefixes the catalog may know (``checkout.new-button``)."""


def _storable(settings: Any) -> Any:
    """A flag's settings go into the change's custom details, one level down, as sent."""
    if _deeper_than(settings, CUSTOM_DETAILS_MAX_DEPTH - 1):
        raise ValueError(f"is nested deeper than {CUSTOM_DETAILS_MAX_DEPTH - 1} levels")
    return settings


FlagSettings = Annotated[Any, AfterValidator(_storable)]
"""A flag's settings before or after a change, in whatever shape the sender gives them."""


def service_from_tags(tags: Iterable[object]) -> str | None:
    """The ``<name>`` of the first ``service:<name>`` tag, compared without regard to case."""
    for tag in tags:
        if isinstance(tag, str) and tag[: len(SERVICE_TAG)].casefold() == SERVICE_TAG:
            name = tag[len(SERVICE_TAG) :].strip()
            if name:
                return name
    return None


def catalog_candidates(flag_key: str | None, project: str | None) -> tuple[str, ...]:
    """What the catalog may know a flag's service by, most specific first: the flag's key, the key
    cut at each separator from the right (``checkout.new-button``: ``checkout.new``, ``checkout``),
    then the flag's project."""
    names: list[str] = []
    if flag_key:
        cuts = [match.start() for match in _KEY_SEPARATOR.finditer(flag_key)]
        names.extend([flag_key, *(flag_key[:cut] for cut in reversed(cuts) if cut > 0)])
    if project:
        names.append(project)
    return tuple(dict.fromkeys(name for name in names if name.strip()))


def flag_details(source: str, flag: str, environment: str | None, **values: Any) -> dict[str, Any]:
    """``{source, flag, environment, before, after, author, …}``, leaving out what the payload lacks."""
    return custom_details_of({"source": source, "flag": flag}, environment=environment, **values)
