"""Building blocks shared by the API models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from shared.domain.timestamps import isoformat


class ApiModel(BaseModel):
    """camelCase on the wire (ilert's names), snake_case in Python; fields without a value are
    left out of responses rather than sent as null (§8). A validation error names fields and kinds,
    never the input (§22): its text reaches logs, traces and dead-letter messages."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", defer_build=True, hide_input_in_errors=True
    )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Documents the fields (for the OpenAPI document): pydantic would describe a response by
        the serializer below, whose plain dict says "any object". A field with a default is not
        required, which is right: the serializer leaves it out when it has no value."""
        return handler({key: value for key, value in schema.items() if key != "serialization"})

    @model_serializer(mode="wrap")
    def _omit_missing_values(self, serialize: SerializerFunctionWrapHandler) -> dict[str, object]:
        values: dict[str, object] = serialize(self)
        return {name: value for name, value in values.items() if value is not None}

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)


def _number_to_string(value: object) -> object:
    """ilert's ids are numbers; ours are strings, so either is accepted."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def not_blank(value: str) -> str:
    """pydantic checks ``min_length`` before ``strip_whitespace``: ``"\\x0b"`` would pass as ``""``."""
    if not value:
        raise ValueError("must not be blank")
    return value


def _reject_key_separator(value: str) -> str:
    if "#" in value:
        raise ValueError("must not contain '#'")
    return not_blank(value)


ResourceId = Annotated[
    str,
    BeforeValidator(_number_to_string),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
    AfterValidator(_reject_key_separator),
]
"""An id that ends up inside a DynamoDB key: bounded, and free of the key separator."""

UtcTime = Annotated[datetime, PlainSerializer(isoformat, return_type=str)]
"""A time that is aware in Python and ``2026-11-29T12:00:00.000Z`` on the wire."""

ShortText = Annotated[str, StringConstraints(max_length=255)]
HttpUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048, pattern=r"^https?://[^\s]+$")]


class Team(ApiModel):
    id: ResourceId
    name: ShortText | None = None


class Link(ApiModel):
    href: HttpUrl
    text: ShortText | None = None


def _one_per_id(teams: list[Team]) -> list[Team]:
    """A team named twice is one team, named as its last mention names it."""
    return list({team.id: team for team in teams}.values())


MAX_NAMED_TEAMS = 50
MAX_OWNER_TEAMS = 10
"""An event is written once per team of its pipeline, plus twice, in one transaction; with the
body limit of 256 KiB, ten teams keep that transaction under DynamoDB's 4 MB."""

TeamList = Annotated[list[Team], Field(max_length=MAX_NAMED_TEAMS)]
"""Teams as an alert or a registration names them."""
DistinctTeams = Annotated[TeamList, AfterValidator(_one_per_id)]
"""Teams as a request names them, one per id."""
OwnerTeams = Annotated[list[Team], Field(max_length=MAX_OWNER_TEAMS), AfterValidator(_one_per_id)]
"""The teams a pipeline or an alert source is owned by: at most ten (counted as sent), one per id."""
