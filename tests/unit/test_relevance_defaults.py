"""§17's default weights are what the documented fit yields, and the reference page shows them and
a worked example exactly as the model computes them."""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

from bench.relevance_fit import PRIORS, Example, fit, fit_examples
from shared.domain.catalog import Catalog
from shared.domain.models.deployments import EventKind
from shared.domain.relevance.model import assess
from shared.domain.relevance.weights import DEFAULT_WEIGHTS
from tests.unit.test_relevance import alert, change, plan

REFERENCE = Path(__file__).parents[2] / "docs" / "relevance.md"
README = Path(__file__).parents[2] / "README.md"
ROW = re.compile(r"^\| `?[A-Z()a-z_]+`? \| `(?P<name>[a-z_]+)` \| .* \| (?P<default>-?[0-9.]+) \|$", re.MULTILINE)


def test_the_defaults_are_what_the_fit_yields_on_the_fit_half() -> None:
    # Given the fit half of the evaluation set and the hand-set priors
    # When the weights are fitted as `make fit-weights` fits them
    fitted = fit(fit_examples(), PRIORS)
    # Then they are the defaults in the code
    assert fitted == DEFAULT_WEIGHTS


def test_the_fit_recovers_a_known_model() -> None:
    # Given alerts drawn from a model with known weights
    rng = random.Random(7)
    truth = {"time": 1.0, "service": 3.0, "kind": 1.0, "none": 0.5}
    examples = []
    for _ in range(200):
        candidates = [
            {
                "time": -rng.uniform(0, 8),
                "kind": rng.choice([0.0, 1.0]),
                **({"service": 1.0} if rng.random() < 0.3 else {}),
            }
            for _ in range(rng.randint(1, 6))
        ]
        odds = [truth["none"], *(sum(truth[name] * value for name, value in c.items()) for c in candidates)]
        shares = [math.exp(value) for value in odds]
        pick = rng.choices(range(len(shares)), weights=shares)[0]
        examples.append(Example(candidates, None if pick == 0 else pick - 1))
    # When they are fitted
    fitted = fit(examples, PRIORS)
    # Then the strong terms come back near their true values
    assert abs(fitted.service - truth["service"]) < 0.8
    assert abs(fitted.time - truth["time"]) < 0.4


def test_the_reference_page_lists_every_default_weight() -> None:
    documented = {match["name"]: float(match["default"]) for match in ROW.finditer(REFERENCE.read_text())}
    assert documented == DEFAULT_WEIGHTS.model_dump()


def test_the_worked_example_is_what_the_model_computes() -> None:
    text = REFERENCE.read_text()
    example = text[text.index("### A worked example") :]
    subject = alert(service="shop", environment="production")
    production = change("production", 14, service="shop", environment="production")
    staging = change("staging", 5, service="shop", environment="staging")
    push = change("push", 0.5, kind=EventKind.PUSH, repository="acme/search")
    result = assess(subject, [production, staging, push], plan(subject), Catalog([]), DEFAULT_WEIGHTS)
    by_id = {item.change.id: item for item in result.ranked}
    for item in by_id.values():
        assert f"| {sum(weight for _, weight in item.evidence):.2f} |" in example
    assert f"production deployment {by_id['production'].probability:.2f}" in example
    assert f'{result.none_probability:.2f}\nfor "no change"' in example
    unlabelled = alert(service="shop")
    again = assess(unlabelled, [production, staging, push], plan(unlabelled), Catalog([]), DEFAULT_WEIGHTS)
    scores = {item.change.id: item.score for item in again.ranked}
    assert f"scores {scores['staging']:.2f} and the\nproduction one {scores['production']:.2f}" in example


def test_the_readmes_worked_example_is_the_same() -> None:
    text = README.read_text()
    example = text[text.index("**A worked example.**") :]
    example = example[: example.index("\n\n")]
    subject = alert(service="shop", environment="production")
    changes = [
        change("production", 14, service="shop", environment="production"),
        change("staging", 5, service="shop", environment="staging"),
        change("push", 0.5, kind=EventKind.PUSH, repository="acme/search"),
    ]
    result = assess(subject, changes, plan(subject), Catalog([]), DEFAULT_WEIGHTS)
    odds = [f"{sum(weight for _, weight in item.evidence):.2f}" for item in result.ranked]
    assert f"{odds[0]}, {odds[1]} and {odds[2]}" in example
    assert f"{result.ranked[0].probability:.2f}, " in example
    assert f'with {result.none_probability:.2f} left for "no change"' in example
    for name in ("kind", "service", "environment", "other_environment", "none"):
        assert f"`{name}` {getattr(DEFAULT_WEIGHTS, name)}" in example
