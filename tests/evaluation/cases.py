"""The labelled evaluation set of §17: its case format, and the loader that turns a case into the
domain objects correlation works on (an ``Alert``, ``DeploymentEvent``s and a ``Catalog``).

Cases live as JSON under ``tests/evaluation/cases/<part>/``, one file per source or pattern:
``{"origin": ..., "licence": ..., "cases": [...]}``; a case may name its own origin and licence,
else it takes the file's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from shared.domain.catalog import Catalog, Service
from shared.domain.models.alerts import Alert, AlertResource
from shared.domain.models.common import Team
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.pipelines import IntegrationType

CASES_DIRECTORY = Path(__file__).parent / "cases"
Split = Literal["fit", "holdout"]


class CaseModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class CaseAlert(CaseModel):
    report_time: datetime
    labels: dict[str, str] = Field(default_factory=dict)
    teams: list[str] = Field(default_factory=list)


class CaseChange(CaseModel):
    id: str
    timestamp: datetime
    kind: EventKind
    service: str | None = None
    repository: str | None = None
    environment: str | None = None
    version: str | None = None
    commit_sha: str | None = None
    status: str | None = None
    summary: str | None = None
    pipeline_teams: list[str] = Field(default_factory=list)


class CaseService(CaseModel):
    name: str
    depends_on: list[str] = Field(default_factory=list)
    repositories: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)


class EvaluationCase(CaseModel):
    """One alert, the changes a ranker sees for it, and which of them caused it (or none)."""

    id: str
    part: str
    split: Split
    origin: str
    licence: str
    alert: CaseAlert
    changes: list[CaseChange]
    catalog: list[CaseService] = Field(default_factory=list)
    culprit: str | None
    symptom_only: bool = False
    pattern: str | None = None
    """The synthetic pattern or revert kind the case stands for, to break figures down by it."""

    @model_validator(mode="after")
    def _culprit_is_a_change(self) -> EvaluationCase:
        ids = [change.id for change in self.changes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"case {self.id}: change ids repeat")
        if self.culprit is not None and self.culprit not in ids:
            raise ValueError(f"case {self.id}: culprit {self.culprit} is not among its changes")
        return self

    @cached_property
    def domain_alert(self) -> Alert:
        teams = [Team(id=team) for team in self.alert.teams]
        return Alert(
            id=self.id,
            summary=self.alert.labels.get("alertname", self.id),
            report_time=self.alert.report_time,
            alert_source=AlertResource(id=f"source-{self.part}", name=self.part, teams=teams or None),
            labels=self.alert.labels,
        )

    @cached_property
    def domain_changes(self) -> list[DeploymentEvent]:
        return [_deployment_event(change) for change in self.changes]

    @cached_property
    def domain_catalog(self) -> Catalog:
        return Catalog(
            Service(
                name=entry.name, depends_on=entry.depends_on, repositories=entry.repositories, aliases=entry.aliases
            )
            for entry in self.catalog
        )

    def without_culprit(self) -> EvaluationCase:
        """The same alert with its culprit gone: nothing left caused it (§17's "culprit removed")."""
        changes = [change for change in self.changes if change.id != self.culprit]
        return EvaluationCase.model_validate(
            {
                **{name: getattr(self, name) for name in EvaluationCase.model_fields},
                "id": f"{self.id}~removed",
                "changes": changes,
                "culprit": None,
            }
        )


def _deployment_event(change: CaseChange) -> DeploymentEvent:
    """A stored event as a pipeline of the change's repository or service would have recorded it."""
    pipeline = change.repository or change.service or "unnamed"
    return DeploymentEvent(
        id=change.id,
        pipeline_id=f"pipeline-{pipeline}",
        pipeline_name=pipeline,
        integration_type=IntegrationType.API,
        kind=change.kind,
        summary=change.summary or f"{change.kind} {change.id}",
        timestamp=change.timestamp,
        received_at=change.timestamp,
        teams=change.pipeline_teams,
        repository=change.repository,
        service=change.service,
        environment=change.environment,
        version=change.version,
        commit_sha=change.commit_sha,
        status=change.status,
    )


def split_of(case_id: str) -> Split:
    """Half the cases are fitted on, half held out, by a hash of the id: stable whatever the order."""
    return "fit" if hashlib.sha256(case_id.encode()).digest()[0] % 2 == 0 else "holdout"


def case_files(directory: Path = CASES_DIRECTORY) -> list[Path]:
    return sorted(directory.glob("*/*.json"))


def dump_file(path: Path, origin: str, licence: str, cases: Iterable[dict[str, Any]]) -> None:
    """A case file with one case a line, so that a regenerated set reads well in a diff."""
    lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in cases)
    head = json.dumps({"origin": origin, "licence": licence}, ensure_ascii=False)[:-1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{head}, "cases": [\n{lines}\n]}}\n', encoding="utf-8")


def load_file(path: Path) -> list[EvaluationCase]:
    document = json.loads(path.read_text(encoding="utf-8"))
    defaults = {"origin": document.get("origin"), "licence": document.get("licence"), "part": path.parent.name}
    return [
        EvaluationCase.model_validate({**{k: v for k, v in defaults.items() if v is not None}, **case})
        for case in document["cases"]
    ]


def load_cases(directory: Path = CASES_DIRECTORY) -> list[EvaluationCase]:
    """Every case of the set; ids are unique across it."""
    cases = [case for path in case_files(directory) for case in load_file(path)]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise ValueError(f"case id {case.id} repeats")
        seen.add(case.id)
    return cases


def with_culprits_removed(cases: Iterable[EvaluationCase]) -> list[EvaluationCase]:
    return [case.without_culprit() for case in cases if case.culprit is not None]
