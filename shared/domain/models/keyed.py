"""What pipelines and alert sources share (§2, §11): an integration key shown once and kept
only as its SHA-256 and a hint, a webhook secret kept sealed (§22), a version that every write
bumps, and an ``updatedAt`` that never goes back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.domain.ids import integration_key_hash, new_integration_key
from shared.domain.models.common import ApiModel, ResourceId, Team
from shared.domain.models.header_safe import HeaderText
from shared.domain.models.sealed import Seal, SecretPlace, StoredSecret

KEY_HINT_LENGTH = 4
ResourceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
WebhookSecret = Annotated[str, StringConstraints(max_length=1024), HeaderText]
"""Compared with a header a sender sets (GitLab's ``X-Gitlab-Token``), or the key of a signature:
header-safe (§22); ``""`` removes it."""


@dataclass(frozen=True)
class IssuedKey:
    """A new integration key: answered once, to whoever created or rotated it."""

    key: str

    @classmethod
    def new(cls, prefix: str) -> IssuedKey:
        return cls(new_integration_key(prefix))

    @property
    def key_hash(self) -> str:
        """What intake finds the record by."""
        return integration_key_hash(self.key)

    @property
    def key_hint(self) -> str:
        """What people recognise the key by, once it is no longer shown."""
        return self.key[-KEY_HINT_LENGTH:]


class KeyedRecord(BaseModel):
    """A pipeline or an alert source as stored; the integration key itself is never stored.
    Each kind narrows ``integration_type`` to its own types (plain subclasses: a parametrized
    pydantic generic costs every cold start a model build).

    Each secret is stored once (§22): the webhook secret, which intake uses, only in the
    integration-key copy that intake reads; the listed record says only that it is set.
    """

    record_kind: ClassVar[str]
    """The record kind that the encryption context of its secrets names."""
    listed_only: ClassVar[frozenset[str]] = frozenset()
    """Fields kept in the listed record alone (secrets intake does not use)."""

    model_config = ConfigDict(hide_input_in_errors=True, defer_build=True)

    id: ResourceId
    name: str
    integration_type: StrEnum
    integration_key_hash: str
    integration_key_hint: str
    teams: list[Team]
    webhook_secret: StoredSecret | None = Field(default=None, repr=False)
    """Held by the integration-key copy; ``None`` in a listed record read for an answer."""
    webhook_secret_set: bool = False
    created_at: datetime
    updated_at: datetime
    version: int = 0
    """Incremented by every write; concurrent writers are detected by a condition on it."""

    @model_validator(mode="after")
    def _secret_is_set(self) -> Self:
        """A record written before secrets were sealed holds its secret without the flag."""
        if self.webhook_secret:
            self.webhook_secret_set = True
        return self

    @property
    def team_ids(self) -> list[str]:
        return [team.id for team in self.teams]

    def secret_place(self, field: str) -> SecretPlace:
        return SecretPlace(self.record_kind, self.id, field)

    def sealed_with(self, seal: Seal) -> Self:
        """This record with every secret still in plain text sealed (new, or stored before sealing)."""
        if isinstance(self.webhook_secret, str):
            return self.model_copy(
                update={"webhook_secret": seal(self.webhook_secret, self.secret_place("webhookSecret"))}
            )
        return self

    def revised(self, changes: dict[str, Any], now: datetime) -> Self:
        """The next version: ``updated_at`` never goes back, even when the clock does."""
        update = {**changes, "updated_at": max(now, self.updated_at), "version": self.version + 1}
        if "webhook_secret" in changes:
            update["webhook_secret_set"] = bool(changes["webhook_secret"])
        return self.model_copy(update=update)

    def with_key(self, issued: IssuedKey, now: datetime) -> Self:
        return self.revised({"integration_key_hash": issued.key_hash, "integration_key_hint": issued.key_hint}, now)


class KeyedResponse(ApiModel):
    """The answer about a pipeline or an alert source; the key only from create and rotate-key."""

    id: str
    name: str
    integration_type: StrEnum
    integration_key: str | None = None
    integration_key_hint: str
    integration_url: str | None = None
    """Where the sender posts; when the URL contains the key, only in the answers that hold the key."""
    teams: list[Team]
    params: ApiModel
    webhook_secret_set: bool

    @classmethod
    def of(
        cls,
        record: KeyedRecord,
        integration_key: str | None,
        integration_url: str | None,
        **specific: Any,
    ) -> Self:
        """The answer about ``record``: what every kind maps alike, and ``specific``, what only its kind has."""
        return cls(
            id=record.id,
            name=record.name,
            integration_type=record.integration_type,
            integration_key=integration_key,
            integration_key_hint=record.integration_key_hint,
            integration_url=integration_url,
            teams=record.teams,
            webhook_secret_set=record.webhook_secret_set,
            **specific,
        )
