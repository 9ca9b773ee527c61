"""What every reader of a sender's payload shares, deployment or alert: the result that says
"valid, but nothing to do", and the validation that turns a broken field into a 422 naming it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared.domain.errors import InvalidField, problems_from

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
