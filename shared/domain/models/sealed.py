"""Secrets at rest (§22): a stored secret is a ``Sealed`` value, a ciphertext that only the
stack's KMS key opens, and only in the place it was sealed for. The domain handles sealed values
as opaque; sealing and opening are the envelope adapter's, handed in as functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field


class Sealed(BaseModel):
    """An envelope-encrypted secret as stored (``{"sealed": "<base64>"}``); never shown or logged."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True, defer_build=True)

    sealed: str = Field(min_length=1, repr=False)


@dataclass(frozen=True)
class SecretPlace:
    """Where a secret belongs: bound into its ciphertext, so one copied into another record or
    field does not open."""

    kind: str
    record_id: str
    field: str

    def context(self) -> dict[str, str]:
        """The encryption context the ciphertext is bound to."""
        return {"kind": self.kind, "recordId": self.record_id, "field": self.field}


StoredSecret = Sealed | str
"""What a stored secret field holds: sealed, or plain text written before secrets were sealed
(used as it is, and sealed on the next write)."""
Seal = Callable[[str, SecretPlace], Sealed]
Open = Callable[[StoredSecret, SecretPlace], str]
