"""The service catalog as a graph (§17): which service a change names, and how far two are apart."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.domain import keys
from shared.domain.catalog import MAX_HOPS, Catalog, Service, ServiceRequest
from shared.domain.names import service_key


def service(name: str, *depends_on: str, aliases: tuple[str, ...] = (), repositories: tuple[str, ...] = ()) -> Service:
    return Service(name=name, depends_on=list(depends_on), aliases=list(aliases), repositories=list(repositories))


def test_service_key_ignores_case_and_surrounding_space() -> None:
    assert service_key("  Payments ") == service_key("PAYMENTS") == "payments"


@pytest.mark.parametrize("named", ["payments", "Payments", "pay", "PAY-API"])
def test_a_name_or_an_alias_names_the_service(named: str) -> None:
    # Given a service with aliases
    catalog = Catalog([service("Payments", aliases=("pay", "pay-api"))])
    # When a change names it by any of them, Then it is that service
    assert catalog.service_of(named, None) == "payments"


@pytest.mark.parametrize(
    "repository",
    [
        "acme/shop",
        "Acme/Shop",
        "https://github.com/acme/shop",
        "https://github.com/acme/shop.git",
        "https://github.com/acme/shop/",
        "git@github.com:acme/shop.git",
        "ssh://git@gitlab.example.com/acme/shop",
    ],
)
def test_a_repository_in_any_url_form_names_its_service(repository: str) -> None:
    # Given a service with its repository
    catalog = Catalog([service("shop", repositories=("acme/shop",))])
    # When a change names the repository as a slug or a URL, Then it is that service
    assert catalog.service_of(None, repository) == "shop"


def test_a_known_service_wins_over_the_repository() -> None:
    catalog = Catalog([service("shop", repositories=("acme/mono",)), service("cart")])
    assert catalog.service_of("cart", "acme/mono") == "cart"


def test_an_unknown_service_is_itself_and_nothing_names_nothing() -> None:
    catalog = Catalog([service("shop")])
    assert catalog.service_of("Elsewhere", "acme/other") == "elsewhere"
    assert catalog.service_of(None, "acme/other") is None
    assert catalog.service_of(None, None) is None


def test_an_empty_catalog_is_false() -> None:
    assert not Catalog([])
    assert Catalog([service("shop")])


@pytest.mark.parametrize(("goal", "hops"), [("b", 1), ("c", 2), ("d", 3), ("e", None)])
def test_hops_are_counted_up_to_three(goal: str, hops: int | None) -> None:
    # Given a chain a -> b -> c -> d -> e
    catalog = Catalog([service("a", "b"), service("b", "c"), service("c", "d"), service("d", "e")])
    # When the distance from a is asked, Then it is the edges walked, and nothing past three
    assert MAX_HOPS == 3
    assert catalog.hops("a", goal) == hops


def test_the_shortest_way_counts() -> None:
    catalog = Catalog([service("a", "b", "d"), service("b", "c"), service("c", "d")])
    assert catalog.hops("a", "d") == 1


def test_dependencies_go_one_way() -> None:
    catalog = Catalog([service("checkout", "payments")])
    assert catalog.hops("checkout", "payments") == 1
    assert catalog.hops("payments", "checkout") is None


def test_a_cycle_ends_the_walk() -> None:
    # Given services that depend on each other in a circle
    catalog = Catalog([service("a", "b"), service("b", "c"), service("c", "a")])
    # Then the walk finds what it reaches and ends for what it does not
    assert catalog.hops("a", "c") == 2
    assert catalog.hops("a", "a") == 3
    assert catalog.hops("a", "unknown") is None


def test_unknown_dependencies_are_reached_by_name() -> None:
    # Given a dependency on a service not (yet) in the catalog
    catalog = Catalog([service("checkout", "Ledger")])
    # Then it is one hop away, by any case of its name
    assert catalog.hops("checkout", "ledger") == 1
    assert catalog.hops("ledger", "checkout") is None


def test_a_dependency_named_by_an_alias_reaches_the_service() -> None:
    # Given checkout depending on "pay", an alias of payments, which depends on the ledger
    catalog = Catalog([service("checkout", "pay"), service("payments", "ledger", aliases=("pay",))])
    # Then payments is one hop away and the ledger two, whichever name is asked for
    assert catalog.hops("checkout", "payments") == 1
    assert catalog.hops("checkout", "pay") == 1
    assert catalog.hops("checkout", "ledger") == 2


def test_a_name_of_a_service_wins_over_an_alias_of_another() -> None:
    catalog = Catalog([service("payments", aliases=("shop",)), service("shop")])
    assert catalog.service_of("shop", None) == "shop"


@pytest.mark.parametrize(
    ("field", "values"),
    [("depends_on", ["x"] * 101), ("repositories", ["acme/r"] * 21), ("aliases", ["x"] * 21), ("aliases", [" "])],
)
def test_a_request_over_its_limits_is_invalid(field: str, values: list[str]) -> None:
    with pytest.raises(ValidationError):
        ServiceRequest.model_validate({field: values})


@pytest.mark.parametrize("repository", ["acme", "acme/", "/shop", "acme shop/x"])
def test_a_repository_must_be_owner_and_name(repository: str) -> None:
    with pytest.raises(ValidationError):
        ServiceRequest.model_validate({"repositories": [repository]})


def test_every_service_is_keyed_in_one_partition_by_its_compared_name() -> None:
    # Given two spellings of one name and another name
    first, second, other = (keys.catalog_service_key(service_key(name)) for name in ("Payments", " payments", "ledger"))
    # Then the two spellings are one item, and every service shares the catalog's partition
    assert first == second == keys.ItemKey("SERVICES", "SERVICE#payments")
    assert other.pk == first.pk
