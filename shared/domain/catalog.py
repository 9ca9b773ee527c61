"""The service catalog (§17): which service depends on which, the strongest evidence after the
service itself. Pure: the store hands ``Catalog`` the services it read, and correlation asks it
which service a change or an alert belongs to and how many hops apart two services are.

Names are compared case-insensitively; a dependency may name a service not (yet) in the catalog.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from shared.domain.models.common import ApiModel, DistinctTeams, UtcTime, not_blank
from shared.domain.names import repository_key, service_key

MAX_HOPS = 3
"""How far a dependency walk goes: beyond three hops a shared dependency says little."""
MAX_DEPENDENCIES = 100
MAX_REPOSITORIES = 20
MAX_ALIASES = 20

ServiceName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128), AfterValidator(not_blank)
]
RepositorySlug = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=256, pattern=r"^[^/\s]+(/[^/\s]+)+$")
]
"""``owner/repo`` (GitLab's groups may nest: ``group/subgroup/repo``)."""


class ServiceRequest(ApiModel):
    """The body of ``PUT /api/services/{name}``."""

    depends_on: Annotated[list[ServiceName], Field(max_length=MAX_DEPENDENCIES)] = Field(default_factory=list)
    teams: DistinctTeams = Field(default_factory=list)
    repositories: Annotated[list[RepositorySlug], Field(max_length=MAX_REPOSITORIES)] = Field(default_factory=list)
    aliases: Annotated[list[ServiceName], Field(max_length=MAX_ALIASES)] = Field(default_factory=list)


class Service(ServiceRequest):
    """A service as stored and answered; ``imported`` marks what a Backstage import wrote, which
    the next import replaces."""

    name: ServiceName
    imported: bool = False
    updated_at: UtcTime | None = None


class Catalog:
    """The services read for one correlation, as a graph that answers in memory."""

    def __init__(self, services: Iterable[Service]) -> None:
        self._canonical: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._by_repository: dict[str, str] = {}
        self._depends_on: dict[str, set[str]] = {}
        for service in services:
            name = service_key(service.name)
            self._canonical[name] = name
            self._names[name] = service.name
            self._depends_on.setdefault(name, set()).update(service_key(dep) for dep in service.depends_on)
            for alias in service.aliases:
                self._canonical.setdefault(service_key(alias), name)
            for repository in service.repositories:
                self._by_repository.setdefault(repository_key(repository), name)

    def __bool__(self) -> bool:
        return bool(self._canonical)

    def service_of(self, service: str | None, repository: str | None) -> str | None:
        """The catalog's name for what a change or an alert names: its service (or an alias of
        one), else its repository; the named service itself when the catalog does not know it."""
        if service and service_key(service) in self._canonical:
            return self._canonical[service_key(service)]
        if repository and repository_key(repository) in self._by_repository:
            return self._by_repository[repository_key(repository)]
        return service_key(service) if service else None

    def first_known(self, names: Iterable[str]) -> str | None:
        """The service, as the catalog writes its name, that the first of ``names`` the catalog
        knows (as a name or an alias) means; None when it knows none of them."""
        for name in names:
            known = self._canonical.get(service_key(name))
            if known is not None:
                return self._names[known]
        return None

    def _named(self, name: str) -> str:
        """The service a name means: a dependency may name a service by one of its aliases."""
        return self._canonical.get(service_key(name), service_key(name))

    def hops(self, start: str, goal: str) -> int | None:
        """How many ``dependsOn`` edges lead from ``start`` to ``goal`` (1 for a direct
        dependency), up to ``MAX_HOPS``; ``None`` when ``goal`` is further or unreachable."""
        start, goal = self._named(start), self._named(goal)
        seen = {start}
        frontier: deque[tuple[str, int]] = deque([(start, 0)])
        while frontier:
            current, distance = frontier.popleft()
            if distance == MAX_HOPS:
                continue
            for dependency in sorted({self._named(name) for name in self._depends_on.get(current, ())}):
                if dependency == goal:
                    return distance + 1
                if dependency not in seen:
                    seen.add(dependency)
                    frontier.append((dependency, distance + 1))
        return None
