"""What every reader of a sender's payload shares, deployment or alert: the model a payload is read
with, the result that says "valid, but nothing to do", the validation that turns a broken field
into a 422 naming it, and the coercion of the numbers senders write where we keep text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.domain.errors import InvalidField, problems_from


class PayloadModel(BaseModel):
    """The part of a sender's payload a reader reads: the rest is ignored, and the schema is built
    on first use, so a cold start pays only for the sender it serves."""

    model_config = ConfigDict(extra="ignore", defer_build=True, hide_input_in_errors=True)


Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Ignored:
    """A valid delivery with nothing to record or correlate: answered 200, nothing stored or published."""

    reason: str
    """For the sender, in words."""
    code: str
    """For metrics: one of a few stable values."""


def parse_payload(model: type[Model], payload: Mapping[str, Any], prefix: str = "") -> Model:
    """Validates the part of a payload a reader reads; a broken field is a 422 naming it."""
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise InvalidField.of_many(problems_from(error.errors(include_url=False), prefix)) from None


def number_as_text(value: object) -> object:
    """Senders write ids, versions and label values as numbers as often as strings; we keep them
    as text. A bool is no number here, and anything else is left for validation to judge."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value
