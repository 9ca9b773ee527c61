"""LaunchDarkly webhooks (§20): an audit-log entry per change; a change to what a flag serves in an
environment (turned on or off, its rules, rollout, targets) is a change of kind ``flag``.

The entry names what changed as ``accesses``: an action and a resource such as
``proj/default:env/production:flag/demo-flag``. ``previousVersion`` and ``currentVersion`` are the
whole flag before and after, from which the changed settings are taken.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from shared.domain.models.common import Link
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.normalisers.common import Delivery, NormalisedEvent, link, parse_time_field, summary_of
from shared.domain.normalisers.flags import FlagSettings, catalog_candidates, flag_details, service_from_tags
from shared.domain.payloads import Ignored, PayloadModel, parse_payload

SERVING_ACTIONS = {
    "updateOn": ("on",),
    "updateRules": ("rules",),
    "updateRulesWithMeasuredRollout": ("rules",),
    "updateFallthrough": ("fallthrough",),
    "updateFallthroughWithMeasuredRollout": ("fallthrough",),
    "updateTargets": ("targets", "contextTargets"),
    "updateOffVariation": ("offVariation",),
    "updatePrerequisites": ("prerequisites",),
    "copyFlagConfigFrom": ("on", "rules", "fallthrough", "targets", "offVariation", "prerequisites"),
}
"""The actions that change what a flag serves in an environment, and the environment's settings
each one changes. Other actions (a renamed flag, its description, event tracking) change nothing
users see."""
SITE = "https://app.launchdarkly.com"
"""LaunchDarkly's links are paths on its site."""


class Access(PayloadModel):
    action: str | None = None
    resource: str | None = None


class Member(PayloadModel):
    email: str | None = None
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")


class Href(PayloadModel):
    href: str | None = None


class TargetLinks(PayloadModel):
    site: Href | None = None


class Target(PayloadModel):
    name: str | None = None
    links: TargetLinks | None = Field(default=None, alias="_links")


class FlagVersion(PayloadModel):
    """The flag as a whole, before or after the change."""

    key: str | None = None
    name: str | None = None
    tags: list[Any] | None = None
    environments: dict[str, FlagSettings] | None = None


class AuditEntry(PayloadModel):
    id: str | None = Field(default=None, alias="_id")
    kind: str | None = None
    name: str | None = None
    date: int | float | str | None = None
    accesses: list[Access] = Field(default_factory=list)
    member: Member | None = None
    title_verb: str | None = Field(default=None, alias="titleVerb")
    comment: str | None = None
    target: Target | None = None
    tags: list[Any] | None = None
    current_version: FlagVersion | None = Field(default=None, alias="currentVersion")
    previous_version: FlagVersion | None = Field(default=None, alias="previousVersion")


def resource_names(resource: str) -> dict[str, str]:
    """``proj/default;tag:env/production:flag/demo-flag`` → ``{proj: default, env: production,
    flag: demo-flag}`` (a resource's tags, after ``;``, are not its name)."""
    names: dict[str, str] = {}
    for segment in resource.split(":"):
        kind, _, rest = segment.partition("/")
        name = rest.split(";", 1)[0]
        if kind and name:
            names.setdefault(kind, name)
    return names


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    entry = parse_payload(AuditEntry, delivery.payload)
    if entry.kind != "flag":
        return Ignored(f"a LaunchDarkly {entry.kind or 'unnamed'} change is no flag change", "unsupported_event")
    changes = _serving_changes(entry.accesses)
    if not changes:
        actions = ", ".join(sorted({access.action or "?" for access in entry.accesses})) or "no action"
        return Ignored(f"the flag change ({actions}) changes what no environment serves", "not_a_flag_change")
    names = changes[0][1]
    fields = [field for action, other in changes if other["env"] == names["env"] for field in SERVING_ACTIONS[action]]
    return _flag_change(entry, names, list(dict.fromkeys(fields)), delivery.received_at)


def _serving_changes(accesses: list[Access]) -> list[tuple[str, dict[str, str]]]:
    """The accesses that change what a flag serves in a named environment, with their resource's names."""
    changes = []
    for access in accesses:
        names = resource_names(access.resource or "")
        if access.action in SERVING_ACTIONS and "env" in names:
            changes.append((access.action, names))
    return changes


def _flag_change(entry: AuditEntry, names: dict[str, str], fields: list[str], received_at: datetime) -> NormalisedEvent:
    environment = names["env"]
    current, previous = entry.current_version or FlagVersion(), entry.previous_version or FlagVersion()
    flag_key = _flag_key(entry, current, names)
    member = entry.member or Member()
    author = _author(member)
    return NormalisedEvent(
        kind=EventKind.FLAG,
        summary=_summary(entry, author, current.name or entry.name or flag_key, environment),
        timestamp=parse_time_field(entry.date, "date") if entry.date is not None else received_at,
        natural_key=f"launchdarkly:{entry.id}" if entry.id else None,
        service=service_from_tags(_tags(entry, current)),
        service_candidates=catalog_candidates(flag_key, names.get("proj")),
        environment=environment,
        user_name=author,
        user_email=member.email,
        links=_site_link(entry.target),
        custom_details=flag_details(
            "launchdarkly",
            flag_key,
            environment,
            before=_settings(previous, environment, fields),
            after=_settings(current, environment, fields),
            author=author,
            project=names.get("proj"),
            comment=entry.comment,
        ),
    )


def _flag_key(entry: AuditEntry, current: FlagVersion, names: dict[str, str]) -> str:
    return current.key or names.get("flag") or entry.name or "flag"


def _tags(entry: AuditEntry, current: FlagVersion) -> list[Any]:
    """The flag's tags: the flag's own, and those an integration's context puts beside it."""
    return [*(current.tags or []), *(entry.tags or [])]


def _author(member: Member) -> str | None:
    return " ".join(part for part in (member.first_name, member.last_name) if part) or member.email


def _summary(entry: AuditEntry, author: str | None, flag_name: str, environment: str) -> str:
    """``Henrietta Powell turned on the flag Demo flag in production: Do it live!``"""
    where = f"in {environment}: {entry.comment}" if entry.comment else f"in {environment}"
    return summary_of(author or "Someone", entry.title_verb or "changed the flag", flag_name, where)


def _settings(version: FlagVersion, environment: str, fields: list[str]) -> dict[str, Any] | None:
    """The changed settings of the flag in the environment, where the version carries them."""
    settings = (version.environments or {}).get(environment)
    if not isinstance(settings, dict):
        return None
    present = {field: settings[field] for field in fields if field in settings}
    return present or None


def _site_link(target: Target | None) -> list[Link]:
    site = target.links.site if target and target.links else None
    href = site.href if site else None
    if href and href.startswith("/"):
        href = SITE + href
    return link(href, "Flag in LaunchDarkly")
