"""The weights of §17's evidence terms: how much each piece of evidence moves a change's odds of
having caused the alert, against the constant odds that no change did.

Each weight multiplies its term's value (a number between -1 and 1, or ``TIME``'s log scale) and
the sum is a change's log-odds; a weight of 1 multiplies the odds by e (about 2.7). The defaults
are fitted on the fit half of the evaluation set in ``tests/evaluation`` (``make fit-weights``)
and documented in the README; ``RelevanceWeights`` (a template parameter) and the preview's
``?weights=`` override any of them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import InvalidField
from shared.domain.payloads import parse_payload
from shared.domain.strict_json import parse_json

Weight = Annotated[float, Field(ge=-20, le=20, allow_inf_nan=False)]


class RelevanceWeights(BaseModel):
    """One weight per term and direction; a name the model does not know is refused, so a typo in
    ``RelevanceWeights`` fails loudly instead of leaving a default in place."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    time: Weight = 0.49
    """Per halving of closeness: ``TIME``'s value is ``2 - log2(1 + minutes before / 10)``."""
    after_alert: Weight = -5.27
    """A change that started after the alert's onset: most often the response to it."""
    service: Weight = 2.7
    """The change is to the alert's service."""
    other_service: Weight = -4.21
    """Both name a service, they differ, and the catalog relates them in no way."""
    dependency: Weight = 2.27
    """The alert's service depends on the changed one; the value is 1 / hops."""
    dependent: Weight = 0.6
    """The changed service depends on the alert's one; the value is 1 / hops."""
    version: Weight = 3.34
    """The alert names the change's version or commit."""
    other_version: Weight = -4.37
    """The alert names another version of the same service."""
    environment: Weight = 1.88
    """Both name the same environment."""
    other_environment: Weight = -4.78
    """Both name an environment, and they differ."""
    team: Weight = 0.0
    """The change's pipeline belongs to a team that claims the alert (§5)."""
    kind: Weight = 3.98
    """Times the kind's value: deployments and releases 1, workflows 0.5, merges 0.3, pushes 0."""
    unsuccessful: Weight = -0.8
    """The change failed or was cancelled: the old version may have kept running."""
    rolled_back: Weight = 1.5
    """The change was later rolled back, reverted, hotfixed or fixed, or confirmed as a cause (§19)."""
    feedback_caused: Weight = 3.0
    """A responder confirmed the change as the cause of an earlier alert of the same kind (§18)."""
    feedback_not_related: Weight = -3.0
    """A responder ruled the change out for an earlier alert of the same kind (§18)."""
    none: Weight = 5.38
    """The log-odds that no change caused the alert, against which every change competes."""


DEFAULT_WEIGHTS = RelevanceWeights()


def weights_from_json(text: str, base: RelevanceWeights = DEFAULT_WEIGHTS) -> RelevanceWeights:
    """``RelevanceWeights`` or the preview's ``?weights=``: a JSON object of the weights to
    change; empty means ``base``. A bad one is a 400 or a 422 naming the field."""
    if not text.strip():
        return base
    changes = parse_json(text)
    if not isinstance(changes, dict):
        raise InvalidField.of("weights", "must be a JSON object of weight names and numbers")
    return parse_payload(RelevanceWeights, {**base.model_dump(), **changes}, "weights")
