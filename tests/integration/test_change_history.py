"""§19's change histories: each change is listed once under its service (or repository) and
environment, so that reading one service's deployments never reads another's."""

from __future__ import annotations

from typing import Any

from shared.adapters.store.events import query_listing
from shared.domain.keys_history import repository_history, service_history
from shared.domain.timestamps import utc_now
from tests.conftest import Api, Aws
from tests.integration.test_github_webhooks import _status, create, deliver

PUBLIC = {"authorization": ""}


def _send(api: Api, key: str, summary: str, **facts: Any) -> str:
    response = api.call("POST", "/api/deployment-events", {"integrationKey": key, "summary": summary, **facts}, PUBLIC)
    assert response.status == 202
    return str(response.json()["id"])


def _history(partition: str) -> list[str]:
    end = utc_now()
    page = query_listing(partition, end.replace(year=end.year - 20), end, limit=100)
    return [event.summary for event in page.events]


def test_a_services_history_holds_its_environment_only(api: Api) -> None:
    key = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])["integrationKey"]
    # Given changes of one service named and spelled in different ways, another environment,
    # another service, and a change that names only its repository
    _send(api, key, "shop 1", service="Shop", environment="prod", timestamp="2026-12-01T10:00:00Z")
    _send(api, key, "shop 2", service="shop", environment="Production", timestamp="2026-12-01T11:00:00Z")
    _send(api, key, "shop staging", service="shop", environment="staging", timestamp="2026-12-01T12:00:00Z")
    _send(api, key, "cart 1", service="cart", environment="production", timestamp="2026-12-01T13:00:00Z")
    _send(api, key, "merge", repository="https://github.com/Acme/Shop.git", timestamp="2026-12-01T14:00:00Z")
    _send(api, key, "nothing named", timestamp="2026-12-01T15:00:00Z")
    # When each history is read
    # Then it holds its own changes, newest first, and a repository is one whatever its spelling
    assert _history(service_history("SHOP", "prd")) == ["shop 2", "shop 1"]
    assert _history(service_history("shop", "stage")) == ["shop staging"]
    assert _history(service_history("cart", "production")) == ["cart 1"]
    assert _history(repository_history("acme/shop", None)) == ["merge"]


def test_a_later_state_moves_its_history_entry(api: Api, aws: Aws) -> None:
    key = create(api)["integrationKey"]
    # Given a deployment whose later status moves it in time
    first = deliver(api, key, "deployment_status", _status("failure", 100, "2019-05-15T15:20:55Z")).json()["id"]
    deliver(api, key, "deployment_status", _status("success", 101, "2019-05-15T15:25:00Z"))
    # Then its history holds it once, at its newest time
    entries = [item for item in aws.items() if item["PK"]["S"] == f"EVENT#{first}" and item["SK"]["S"] == "HISTORY"]
    [entry] = entries
    assert entry["listPK"]["S"].startswith("LIST#HISTORY#")
    assert entry["listSK"]["S"] == f"2019-05-15T15:25:00.000Z#{first}"


def test_names_that_could_read_as_another_pair_have_histories_of_their_own(api: Api) -> None:
    key = api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])["integrationKey"]
    # Given two changes whose service and environment joined with "#" would read alike, and one
    # whose names are as long as facts may be
    _send(api, key, "a#b in c", service="a#b", environment="c")
    _send(api, key, "a in b#c", service="a", environment="b#c")
    _send(api, key, "long", service="s" * 512, environment="€" * 512)
    # Then each is in its own history
    assert _history(service_history("a#b", "c")) == ["a#b in c"]
    assert _history(service_history("a", "b#c")) == ["a in b#c"]
    assert _history(service_history("s" * 512, "€" * 512)) == ["long"]
