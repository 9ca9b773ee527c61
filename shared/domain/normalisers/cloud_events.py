"""The CDEvent a delivery carries (§20): in CloudEvents' HTTP binary mode (``ce-*`` headers, the
CDEvent as the body), its structured mode (``application/cloudevents+json``, the CDEvent in
``data``), or bare (the body is the CDEvent).

The two modes are read with the CloudEvents SDK; its refusals become 422s that name the
attribute, never the value (§22)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudevents.core.bindings.http import CE_PREFIX, HTTPMessage, from_http
from cloudevents.core.exceptions import BaseCloudEventException, CloudEventValidationError
from cloudevents.core.formats.json import JSONFormat

from shared.domain.errors import FieldProblem, InvalidField
from shared.domain.normalisers.common import Delivery

STRUCTURED_MEDIA_TYPE = "application/cloudevents+json"
ATTRIBUTES = frozenset({"specversion", "id", "source", "type", "datacontenttype", "dataschema", "subject", "time"})
"""CloudEvents' own attributes: the names an error may repeat (an extension's name is the sender's)."""


@dataclass(frozen=True)
class Carried:
    """A CDEvent and where it was found: ``data`` in structured mode, so errors point there."""

    cdevent: dict[str, Any]
    field_prefix: str = ""
    mode: str = "bare"

    def field(self, name: str) -> str:
        """A field of the CDEvent as the sender finds it in the body."""
        return f"{self.field_prefix}.{name}" if self.field_prefix else name


def carried_cdevent(delivery: Delivery) -> Carried:
    binary = any(name.lower().startswith(CE_PREFIX) for name in delivery.headers)
    media_type = delivery.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not binary and media_type != STRUCTURED_MEDIA_TYPE:
        return Carried(delivery.payload)
    data = _cloud_event_data(delivery, binary)
    if not isinstance(data, dict):
        field = "body" if binary else "data"
        raise InvalidField.of(field, "must be a CDEvent, a JSON object")
    return Carried(data, "" if binary else "data", "binary" if binary else "structured")


def _cloud_event_data(delivery: Delivery, binary: bool) -> object:
    message = HTTPMessage(headers=dict(delivery.headers), body=delivery.body)
    try:
        return from_http(message, JSONFormat()).get_data()
    except CloudEventValidationError as error:
        raise InvalidField.of_many([_problem(name, binary) for name in error.errors]) from None
    except (BaseCloudEventException, ValueError, TypeError) as error:
        where = "the ce-* headers" if binary else "the envelope"
        raise InvalidField.of("CloudEvent", f"{where} cannot be read ({type(error).__name__})") from None


def _problem(attribute: str, binary: bool) -> FieldProblem:
    name = attribute if attribute in ATTRIBUTES else "extension attribute"
    return FieldProblem(f"ce-{name}" if binary else name, "is not a valid CloudEvents attribute")
