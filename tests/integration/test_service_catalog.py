"""The service catalog through the API (§17): services one by one, and the Backstage import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shared.adapters.store import services as service_store
from shared.logic.services import load_catalog
from tests.conftest import Api, Aws

BACKSTAGE = Path(__file__).parents[1] / "fixtures" / "backstage"
YAML = {"content-type": "application/yaml"}


def real_catalog(*names: str) -> bytes:
    """Backstage's own files, as published, joined into one multi-document catalog."""
    return b"---\n".join((BACKSTAGE / name).read_bytes() for name in names)


def put(api: Api, name: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.call("PUT", f"/api/services/{name}", body)
    assert response.status == 200, response.body
    answer: dict[str, Any] = response.json()
    return answer


def import_catalog(api: Api, body: bytes, content_type: str = "application/yaml") -> Any:
    return api.call("POST", "/api/services/import", body, {"content-type": content_type})


def test_put_answers_the_record_and_get_reads_it(api: Api) -> None:
    # When a service is written with its dependencies, team, repository and alias
    body = {
        "dependsOn": ["payments", "orders-db"],
        "teams": [{"id": "shop", "name": "Shop"}],
        "repositories": ["acme/checkout"],
        "aliases": ["checkout-api"],
    }
    written = put(api, "Checkout", body)
    # Then the answer is the record, under the name as written
    assert written["name"] == "Checkout"
    assert written["dependsOn"] == ["payments", "orders-db"]
    assert written["teams"] == [{"id": "shop", "name": "Shop"}]
    assert written["imported"] is False
    assert written["updatedAt"].endswith("Z")
    # And a read by any case of the name finds it
    assert api.call("GET", "/api/services/CHECKOUT").json() == written


def test_names_are_compared_without_regard_to_case(api: Api) -> None:
    # Given a service written as "Payments"
    put(api, "Payments", {"dependsOn": ["ledger"]})
    # When "payments" is written
    put(api, "payments", {"dependsOn": ["fx"]})
    # Then it is the same service, replaced
    listed = api.call("GET", "/api/services").json()
    assert [(service["name"], service["dependsOn"]) for service in listed] == [("payments", ["fx"])]


def test_names_come_url_decoded_from_the_path(api: Api) -> None:
    put(api, "order%20service", {})
    assert api.call("GET", "/api/services/ORDER%20SERVICE").json()["name"] == "order service"


def test_unknown_services_are_404(api: Api) -> None:
    assert api.call("GET", "/api/services/nothing").status == 404
    assert api.call("DELETE", "/api/services/nothing").status == 404
    assert api.call("GET", "/api/services/" + "x" * 129).status == 404


def test_delete_is_204_and_the_service_is_gone(api: Api) -> None:
    # Given a service
    put(api, "search", {})
    # When it is deleted, by another case of its name
    deleted = api.call("DELETE", "/api/services/SEARCH")
    # Then 204 with no body, and it is gone
    assert (deleted.status, deleted.body) == (204, b"")
    assert api.call("GET", "/api/services/search").status == 404


def test_list_pages_in_name_order(api: Api) -> None:
    # Given four services
    for name in ("delta", "Alpha", "charlie", "bravo"):
        put(api, name, {})
    # When the list is read a page at a time
    page = api.call("GET", "/api/services", query="start-index=1&max-results=2").json()
    # Then the pages follow the names, compared without regard to case
    assert [service["name"] for service in page] == ["bravo", "charlie"]
    assert api.call("GET", "/api/services", query="start-index=9").json() == []


@pytest.mark.parametrize("query", ["max-results=0", "max-results=101", "start-index=-1", "start-index=x"])
def test_list_rejects_bad_paging_with_400(api: Api, query: str) -> None:
    assert api.call("GET", "/api/services", query=query).status == 400


@pytest.mark.parametrize(
    ("field", "count"),
    [("dependsOn", 101), ("repositories", 21), ("aliases", 21)],
)
def test_limits_are_422(api: Api, field: str, count: int) -> None:
    # Given one more entry than the field takes (100 dependencies, 20 repositories, 20 aliases)
    values = [f"acme/repo-{index}" for index in range(count)]
    # When written, Then 422 names the field, and nothing is stored
    response = api.call("PUT", "/api/services/shop", {field: values})
    assert response.status == 422, response.body
    assert response.json()["errors"][0]["field"] == field
    assert api.call("GET", "/api/services/shop").status == 404


def test_the_largest_service_fits(api: Api) -> None:
    # Given every list at its limit, each name as long as allowed
    body = {
        "dependsOn": [f"{index:03d}" + "d" * 125 for index in range(100)],
        "repositories": [f"acme/{index:03d}" + "r" * 200 for index in range(20)],
        "aliases": [f"{index:03d}" + "a" * 125 for index in range(20)],
        "teams": [{"id": f"{index:02d}" + "t" * 126, "name": "n" * 255} for index in range(50)],
    }
    # When written, Then it is stored whole
    assert len(put(api, "n" * 128, body)["dependsOn"]) == 100


@pytest.mark.parametrize("name", ["x" * 129, "%20%20"])
def test_a_name_out_of_bounds_is_422(api: Api, name: str) -> None:
    assert api.call("PUT", f"/api/services/{name}", {}).status == 422


def test_the_real_backstage_catalog_is_imported(api: Api) -> None:
    # Given Backstage's own catalog-info.yaml and examples (a Group file of six documents, a System)
    body = real_catalog(
        "catalog-info.yaml",
        "artist-lookup-component.yaml",
        "artists-db-resource.yaml",
        "audio-playback-system.yaml",
        "team-a-group.yaml",
    )
    # When it is imported
    response = import_catalog(api, body)
    # Then its Component and Resource entities are services, the others skipped with a reason
    assert response.status == 200, response.body
    answer = response.json()
    assert answer["imported"] == 3
    skipped = {entry["name"]: entry["reason"] for entry in answer["skipped"]}
    assert set(skipped) == {"audio-playback", "team-a", "breanna.davison", "janelle.dawe", "nigel.manning", "guest"}
    assert "kind 'System' is not a service" in skipped["audio-playback"]
    # And the repository and owner come from the annotation and spec.owner
    backstage = api.call("GET", "/api/services/backstage-existing").json()
    assert backstage["repositories"] == ["backstage/backstage"]
    assert backstage["teams"] == [{"id": "CNCF"}]
    assert backstage["imported"] is True
    assert api.call("GET", "/api/services/artists-db").json()["teams"] == [{"id": "team-a"}]


def test_entity_references_become_names(api: Api) -> None:
    # Given dependencies and owners in each form Backstage allows
    body = b"""apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotations:
    gitlab.com/project-slug: acme/shop/checkout
spec:
  type: service
  owner: group:default/payments
  dependsOn:
    - component:payments
    - component:default/ledger
    - resource:orders-db
"""
    # When imported
    assert import_catalog(api, body, "text/yaml").status == 200
    # Then each reference is the entity's name
    checkout = api.call("GET", "/api/services/checkout").json()
    assert checkout["dependsOn"] == ["payments", "ledger", "orders-db"]
    assert checkout["teams"] == [{"id": "payments"}]
    assert checkout["repositories"] == ["acme/shop/checkout"]


def test_reimport_replaces_what_the_last_import_wrote(api: Api) -> None:
    # Given an import of two services
    first = b"kind: Component\nmetadata: {name: a}\n---\nkind: Component\nmetadata: {name: b}\n"
    assert import_catalog(api, first).json()["imported"] == 2
    # When a catalog naming b (changed) and c is imported
    second = (
        b"kind: Component\nmetadata: {name: b}\nspec: {dependsOn: [component:c]}\n"
        b"---\nkind: Resource\nmetadata: {name: c}\n"
    )
    answer = import_catalog(api, second).json()
    # Then a is removed, b replaced, c added
    assert (answer["imported"], answer["removed"]) == (2, 1)
    listed = {service["name"]: service["dependsOn"] for service in api.call("GET", "/api/services").json()}
    assert listed == {"b": ["c"], "c": []}


def test_a_service_made_by_put_is_kept_by_imports(api: Api) -> None:
    # Given a service written by PUT
    put(api, "Payments", {"dependsOn": ["ledger"]})
    # When an import names it too, and a later one does not
    answer = import_catalog(api, b"kind: Component\nmetadata: {name: payments}\nspec: {dependsOn: [fx]}\n").json()
    import_catalog(api, b"kind: Component\nmetadata: {name: other}\n")
    # Then it is skipped, saying why, and kept as PUT wrote it
    assert answer["imported"] == 0
    assert answer["skipped"][0]["name"] == "payments"
    assert "PUT" in answer["skipped"][0]["reason"]
    assert api.call("GET", "/api/services/payments").json()["dependsOn"] == ["ledger"]


def test_entities_without_a_valid_name_or_fields_are_skipped(api: Api) -> None:
    # Given entities without a name, with a name too long, with a bad dependsOn, and twice the same name
    body = b"""kind: Component
metadata: {}
---
kind: Component
metadata: {name: %s}
---
kind: Component
metadata: {name: ok}
spec: {dependsOn: {not: a list}}
---
kind: Component
metadata: {name: twice}
---
kind: Resource
metadata: {name: TWICE}
---
- not an entity
""" % (b"n" * 129)
    # When imported
    answer = import_catalog(api, body).json()
    # Then only the first "twice" is imported, and each other one is skipped with its reason
    assert answer["imported"] == 1
    reasons = [entry["reason"] for entry in answer["skipped"]]
    assert len(reasons) == 5
    assert reasons[0].startswith("document 1: Component without a valid metadata.name")
    assert reasons[1].startswith("document 2: Component without a valid metadata.name")
    assert "spec.dependsOn" in reasons[2]
    assert "another entity of this import" in reasons[3]
    assert "not an entity" in reasons[4]


def test_yaml_that_does_not_parse_is_400_naming_the_line(api: Api) -> None:
    response = import_catalog(api, b"kind: Component\nmetadata:\n  name: [unclosed\nspec: {}\n")
    assert response.status == 400
    assert "line 4" in response.json()["message"]


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", ""])
def test_other_content_types_are_415(api: Api, content_type: str) -> None:
    assert import_catalog(api, b"kind: Component\n", content_type).status == 415


def test_a_catalog_over_1_mb_is_413(api: Api) -> None:
    body = b"# " + b"x" * (1024 * 1024) + b"\n"
    assert import_catalog(api, body).status == 413


def test_hostile_yaml_is_400(api: Api, aws: Aws) -> None:
    # Given a "billion laughs" of merge keys, a recursive alias and deep nesting
    laughs = b"a0: &a0 {k: 1}\n" + b"".join(
        b"a%d: &a%d {<<: [*a%d, *a%d], k%d: 1}\n" % (index, index, index - 1, index - 1, index)
        for index in range(1, 64)
    )
    for body in (laughs, b"&a [*a]\n", b"[" * 40 + b"]" * 40, b"a: !!python/object/apply:os.system [ls]\n"):
        # When imported, Then 400, and nothing is stored
        assert import_catalog(api, body).status == 400
    assert load_catalog_names(aws) == set()


def load_catalog_names(aws: Aws) -> set[str]:
    return {item["SK"]["S"] for item in aws.items() if item["PK"]["S"] == "SERVICES"}


def test_load_catalog_reads_the_graph(api: Api) -> None:
    # Given a catalog written by PUT and by import
    put(api, "checkout", {"dependsOn": ["pay"], "repositories": ["acme/checkout"]})
    import_catalog(api, b"kind: Component\nmetadata: {name: payments}\nspec: {dependsOn: [resource:ledger-db]}\n")
    put(api, "Payments-Alias-Holder", {"aliases": ["pay"]})
    # When correlation loads it
    catalog = load_catalog()
    # Then a repository names its service, and dependencies are walked
    assert catalog.service_of(None, "https://github.com/acme/checkout.git") == "checkout"
    assert catalog.hops("checkout", "payments-alias-holder") == 1
    assert catalog.hops("payments", "ledger-db") == 1
    assert catalog.hops("checkout", "ledger-db") is None


def test_a_put_makes_an_imported_service_its_own(api: Api) -> None:
    # Given an imported service, then written by PUT
    import_catalog(api, b"kind: Component\nmetadata: {name: search}\n")
    put(api, "search", {"dependsOn": ["index"]})
    # When an import no longer names it
    answer = import_catalog(api, b"kind: Component\nmetadata: {name: other}\n").json()
    # Then it is kept, as PUT wrote it
    assert answer["removed"] == 0
    assert api.call("GET", "/api/services/search").json()["imported"] is False


def test_a_put_during_an_import_is_kept_and_the_import_is_409(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a service written by PUT after the import read the catalog (here: it read an empty one)
    put(api, "payments", {"dependsOn": ["ledger"]})
    monkeypatch.setattr(service_store, "all_services", list)
    # When the import writes a service of that name
    response = import_catalog(api, b"kind: Component\nmetadata: {name: Payments}\n")
    # Then it is refused, and the PUT's service is kept
    assert response.status == 409
    assert api.call("GET", "/api/services/payments").json()["dependsOn"] == ["ledger"]


def test_an_import_of_more_than_5000_services_is_413(api: Api, aws: Aws) -> None:
    # Given a catalog of 5,001 components, well under 1 MiB
    body = b"".join(b"---\nkind: Component\nmetadata: {name: s%d}\n" % index for index in range(5_001))
    # When imported, Then 413 and nothing is written
    assert import_catalog(api, body).status == 413
    assert load_catalog_names(aws) == set()


def test_the_answer_shows_the_first_thousand_skips_and_counts_them_all(api: Api) -> None:
    # Given a catalog of 3,000 documents that are not entities
    body = b"---\n[]\n" * 3_000
    # When imported, Then the answer lists the first 1,000 skips and counts every one
    answer = import_catalog(api, body).json()
    assert (len(answer["skipped"]), answer["skippedCount"]) == (1_000, 3_000)
