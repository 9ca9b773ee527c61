"""``Verdict Given`` (§18): a responder's verdict on one change of one alert, put on the alert bus
by the Slack interactions route (answering Slack within its 3 seconds) and recorded by its consumer."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from shared.domain.models.alerts import MAX_ALERT_ID_LENGTH

VERDICT_GIVEN = "Verdict Given"
VerdictKind = Literal["CAUSED", "NOT_RELATED"]
MAX_AUTHOR_LENGTH = 256


class VerdictGiven(BaseModel):
    """The event's detail; ``alertSourceId`` and ``note`` are null rather than absent."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, hide_input_in_errors=True)

    alert_source_id: Annotated[str, Field(min_length=1, max_length=128)] | None
    alert_id: Annotated[str, Field(min_length=1, max_length=MAX_ALERT_ID_LENGTH)]
    event_id: Annotated[str, Field(min_length=1, max_length=200)]
    verdict: VerdictKind
    author: Annotated[str, Field(min_length=1, max_length=MAX_AUTHOR_LENGTH)]
    note: Annotated[str, Field(max_length=2000)] | None = None

    def detail(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)


class VerdictGivenEvent(EventBridgeModel):
    detail_type: Literal["Verdict Given"] = Field(alias="detail-type")
    detail: VerdictGiven
