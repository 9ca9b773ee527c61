"""What every notification leads with (§17): the likely cause, or that no change stands out and
which ones are possible. Unlikely changes are counted, not sent: the alert's page shows them."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.models.alerts import Confidence, Enrichment, RelatedDeployment
from shared.domain.notifications.text import one_line
from shared.domain.relevance.wording import LIKELY, POSSIBLE

NO_CAUSE_FALLBACK = "No change stands out."
"""For an enrichment stored before §17's verdict, which names no cause and gives no sentence."""


def confidence(deployment: RelatedDeployment) -> Confidence:
    """The deployment's confidence; one stored before §17's scores gets it from its score."""
    if deployment.confidence is not None:
        return deployment.confidence
    if deployment.score >= LIKELY:
        return "likely"
    return "possible" if deployment.score >= POSSIBLE else "unlikely"


def percent(deployment: RelatedDeployment) -> str:
    return f"{round(deployment.score * 100)}%"


def strongest_evidence(deployment: RelatedDeployment) -> str | None:
    """The evidence that counts most for the change (its terms come strongest first), in words
    with its code and weight: ``to the alert's service shop (SERVICE +2.4)``."""
    found = next((item for item in deployment.evidence if item.weight > 0), None)
    if found is None:
        return None
    return f"{found.text} ({found.code} {found.weight:+g})"


def listed_label(deployment: RelatedDeployment) -> str:
    """``20% possible``, and for a change after the alert ``after the alert · 2% unlikely``: such a
    change is most often the response to the alert, never its cause."""
    label = f"{percent(deployment)} {confidence(deployment)}"
    return f"after the alert · {label}" if deployment.after_alert else label


def left_out_text(count: int) -> str:
    return f"{count} unlikely change{'' if count == 1 else 's'} left out"


@dataclass(frozen=True)
class Verdict:
    """The enrichment as a responder reads it first."""

    likely_cause: RelatedDeployment | None
    no_cause: str
    """Why no change is named, when ``likely_cause`` is None."""
    listed: list[RelatedDeployment]
    """The other changes worth a look (possible, or likely but not leading by enough), best first."""
    left_out: int
    """How many unlikely changes are not sent."""

    @classmethod
    def of(cls, enrichment: Enrichment) -> Verdict:
        cause = next(
            (item for item in enrichment.deployments if item.id == enrichment.likely_cause and not item.after_alert),
            None,
        )
        others = [item for item in enrichment.deployments if item is not cause]
        listed = [item for item in others if confidence(item) != "unlikely"]
        return cls(
            likely_cause=cause,
            no_cause=enrichment.no_likely_cause or NO_CAUSE_FALLBACK,
            listed=listed,
            left_out=len(others) - len(listed),
        )


def headline(verdict: Verdict) -> str:
    """One line: ``Likely cause (72%): <summary>``, or why no change stands out."""
    if verdict.likely_cause is None:
        return one_line(verdict.no_cause)
    return f"Likely cause ({percent(verdict.likely_cause)}): {one_line(verdict.likely_cause.summary)}"
