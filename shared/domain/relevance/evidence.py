"""§17's evidence: what one change has, or lacks, that makes it the likely cause of one alert.

Each ``Term`` names its code, the weight that scales it and a value, so the model's sum can be
explained term by term and the weights fitted on labelled cases without re-reading the changes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.catalog import Catalog
from shared.domain.correlation import Plan
from shared.domain.models.alerts import Alert, Scope
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.failures import FailureDetection
from shared.domain.models.verdicts import VerdictKind
from shared.domain.names import environment_key
from shared.domain.relevance.wording import EvidenceCode, describe_offset

TIME_SCALE_MINUTES = 10.0
TIME_NEUTRAL = 2.0
"""``TIME``'s value is ``2 - log2(1 + minutes before / 10)``: closeness halves every time
``1 + minutes / 10`` doubles, so 5 and 12 minutes are both close (1.4 and 0.9), an hour is not
(-0.8), three days are far (-6.8); the 2 puts the turn at half an hour, so a change of the last
half hour reads as evidence for, an older one as evidence against."""
KIND_VALUES = {
    EventKind.DEPLOYMENT: 1.0,
    EventKind.RELEASE: 1.0,
    EventKind.CUSTOM: 1.0,
    EventKind.FLAG: 1.0,
    EventKind.INFRA: 1.0,
    EventKind.WORKFLOW: 0.5,
    EventKind.MERGE: 0.3,
    EventKind.PUSH: 0.0,
}
KIND_NOUNS = {
    EventKind.CUSTOM: "deployment",
    EventKind.WORKFLOW: "workflow run",
    EventKind.FLAG: "feature flag change",
    EventKind.INFRA: "infrastructure change",
}
"""Generic events are deployments in ilert's sense, whatever they change. A flag change and an
infrastructure apply are configuration pushes, which cause outages about as often as binary
pushes (§20): they weigh as deployments do."""
UNSUCCESSFUL = frozenset({"failure", "failed", "error", "errored", "cancelled", "canceled", "aborted", "degraded"})
VERSION_LABELS = ("version", "image", "commit", "sha")
_COMMIT_PREFIX = re.compile(r"^[0-9a-f]{7,64}$")


@dataclass(frozen=True)
class Term:
    code: EvidenceCode
    weight: str
    """The name of the ``RelevanceWeights`` field that scales ``value``."""
    value: float
    text: str


@dataclass(frozen=True)
class AlertFacts:
    """What the alert says about itself, resolved once for all its candidates."""

    onset: datetime
    service: ServiceName | None
    environment: str | None
    versions: frozenset[str]
    plan: Plan
    catalog: Catalog
    feedback: Mapping[str, VerdictKind] = field(default_factory=dict)
    """Verdicts on earlier alerts of this alert's kind (§18), by change id."""

    @classmethod
    def of(
        cls, alert: Alert, plan: Plan, catalog: Catalog, feedback: Mapping[str, VerdictKind] | None = None
    ) -> AlertFacts:
        labels = {name.casefold(): value for name, value in alert.labels.items() if value}
        return cls(
            onset=alert.report_time,
            service=_service(catalog, labels.get("service"), labels.get("repository")),
            environment=environment_key(labels.get("environment")),
            versions=frozenset(_version_forms(labels.get(label)) for label in VERSION_LABELS if labels.get(label)),
            plan=plan,
            catalog=catalog,
            feedback=feedback or {},
        )


@dataclass(frozen=True)
class ServiceName:
    """A service as one side names it; ``guessed`` when only a repository's last path segment
    names it, which a monorepo shares with many services: it may match, never count against."""

    name: str
    guessed: bool = False


def _service(catalog: Catalog, service: str | None, repository: str | None) -> ServiceName | None:
    """The catalog's name, else the named service, else the repository's last path segment."""
    named = catalog.service_of(service, repository)
    if named is not None:
        return ServiceName(named)
    if repository:
        tail = repository.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1].casefold()
        return ServiceName(tail, guessed=True) if tail else None
    return None


def _version_forms(label: str | None) -> str:
    """An image reference counts by its tag (``registry/shop:1.4.2`` → ``1.4.2``)."""
    text = (label or "").strip().casefold()
    if "@" in text:
        return text.rsplit("@", 1)[-1]
    tail = text.rsplit("/", 1)[-1]
    return tail.rsplit(":", 1)[-1] if ":" in tail else text


def after_alert(facts: AlertFacts, change: DeploymentEvent) -> bool:
    return change.timestamp > facts.onset


def terms(facts: AlertFacts, change: DeploymentEvent) -> list[Term]:
    """Every term that applies to this change; a term with nothing to say is left out."""
    service = _service(facts.catalog, change.service, change.repository)
    found: list[Term | None] = [_time(facts, change), *_service_terms(facts, service), *_kind(change)]
    found += [_version(facts, change, service), _environment_term(facts, change), _team(facts, change)]
    found += [_rolled_back(change), _feedback(facts, change)]
    return [term for term in found if term is not None and term.value != 0]


def _time(facts: AlertFacts, change: DeploymentEvent) -> Term:
    offset = facts.onset - change.timestamp
    if after_alert(facts, change):
        return Term(
            EvidenceCode.TIME,
            "after_alert",
            1.0,
            f"{describe_offset(offset)} after the alert: most often a response to it",
        )
    minutes = offset.total_seconds() / 60
    value = TIME_NEUTRAL - math.log2(1 + minutes / TIME_SCALE_MINUTES)
    return Term(EvidenceCode.TIME, "time", value, f"{describe_offset(offset)} before the alert")


def _service_terms(facts: AlertFacts, service: ServiceName | None) -> list[Term]:
    if facts.service is None or service is None:
        return []
    wanted, changed = facts.service.name, service.name
    if changed == wanted:
        return [Term(EvidenceCode.SERVICE, "service", 1.0, f"to the alert's service {wanted}")]
    hops = facts.catalog.hops(wanted, changed)
    if hops is not None:
        way = "directly" if hops == 1 else f"{hops} hops away"
        return [
            Term(EvidenceCode.DEPENDENCY, "dependency", 1 / hops, f"to {changed}, which {wanted} depends on ({way})")
        ]
    hops = facts.catalog.hops(changed, wanted)
    if hops is not None:
        way = "directly" if hops == 1 else f"{hops} hops away"
        return [
            Term(EvidenceCode.DEPENDENCY, "dependent", 1 / hops, f"to {changed}, which depends on {wanted} ({way})")
        ]
    if facts.service.guessed or service.guessed:
        return []
    return [Term(EvidenceCode.SERVICE, "other_service", 1.0, f"to {changed}, not the alert's service {wanted}")]


def _matches_version(versions: frozenset[str], change: DeploymentEvent) -> bool:
    if change.version and _version_forms(change.version) in versions:
        return True
    sha = (change.commit_sha or "").casefold()
    return bool(sha) and any(_COMMIT_PREFIX.match(label) and sha.startswith(label) for label in versions)


def _named(change: DeploymentEvent) -> str:
    return change.version or (change.commit_sha or "")[:12]


def _version(facts: AlertFacts, change: DeploymentEvent, service: ServiceName | None) -> Term | None:
    if not facts.versions:
        return None
    if _matches_version(facts.versions, change):
        return Term(EvidenceCode.VERSION, "version", 1.0, f"with the version the alert names ({_named(change)})")
    if change.version and service is not None and facts.service is not None and service.name == facts.service.name:
        return Term(
            EvidenceCode.VERSION, "other_version", 1.0, f"version {change.version}, not the one the alert names"
        )
    return None


def _environment_term(facts: AlertFacts, change: DeploymentEvent) -> Term | None:
    environment = environment_key(change.environment)
    if facts.environment is None or environment is None:
        return None
    if environment == facts.environment:
        return Term(EvidenceCode.ENVIRONMENT, "environment", 1.0, f"in the alert's environment {change.environment}")
    return Term(
        EvidenceCode.ENVIRONMENT,
        "other_environment",
        1.0,
        f"in {change.environment}, not the alert's {facts.environment}",
    )


def _team(facts: AlertFacts, change: DeploymentEvent) -> Term | None:
    if facts.plan.scope is not Scope.TEAM:
        return None
    owners = [team.name or team.id for team in facts.plan.claiming_teams if team.id in change.teams]
    if not owners:
        return None
    listed = owners[0] if len(owners) == 1 else ", ".join(owners[:-1]) + " and " + owners[-1]
    team_word = "teams" if len(owners) > 1 else "team"
    return Term(EvidenceCode.TEAM, "team", 1.0, f"owned by {team_word} {listed}, to which this alert belongs")


def _kind(change: DeploymentEvent) -> list[Term]:
    found = [
        Term(EvidenceCode.KIND, "kind", KIND_VALUES[change.kind], f"a {KIND_NOUNS.get(change.kind, change.kind.value)}")
    ]
    if change.status and change.status.casefold() in UNSUCCESSFUL:
        text = f"the {change.kind.value} ended {change.status}: the old version may have kept running"
        found.append(Term(EvidenceCode.KIND, "unsuccessful", 1.0, text))
    return found


FAILURE_WORDS = {
    FailureDetection.ROLLBACK: "rolled back",
    FailureDetection.REVERT: "reverted",
    FailureDetection.HOTFIX: "hotfixed",
    FailureDetection.EXPLICIT: "fixed by a later change",
    FailureDetection.VERDICT: "confirmed as the cause of an alert",
}


def _rolled_back(change: DeploymentEvent) -> Term | None:
    """A change known to have failed (§19) when the alert is correlated: more likely the cause."""
    if change.failure is None:
        return None
    return Term(EvidenceCode.ROLLED_BACK, "rolled_back", 1.0, f"{FAILURE_WORDS[change.failure.detected_by]}: it failed")


def _feedback(facts: AlertFacts, change: DeploymentEvent) -> Term | None:
    """Responders' verdicts on this change for earlier alerts of the same name and service (§18)."""
    verdict = facts.feedback.get(change.id)
    if verdict is VerdictKind.CAUSED:
        return Term(
            EvidenceCode.FEEDBACK, "feedback_caused", 1.0, "confirmed as the cause of an earlier alert like this"
        )
    if verdict is VerdictKind.NOT_RELATED:
        return Term(EvidenceCode.FEEDBACK, "feedback_not_related", 1.0, "ruled out for an earlier alert like this")
    return None
