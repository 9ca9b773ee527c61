"""The service catalog over HTTP against the local runner (§17): a service by PUT, a Backstage
catalog-info.yaml imported, both read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.runner import RunningSystem

pytestmark = pytest.mark.e2e

CATALOG_INFO = Path(__file__).parents[1] / "fixtures" / "backstage" / "catalog-info.yaml"


def test_a_service_put_over_http_is_read_back(system: RunningSystem) -> None:
    # When a service is written over HTTP
    body = {"dependsOn": ["e2e-payments"], "repositories": ["acme/e2e-checkout"], "aliases": ["e2e-co"]}
    written = system.request("PUT", "/api/services/E2E-Checkout", body)
    # Then it is answered, and read back by another case of its name
    assert written.status == 200, written.body
    read = system.request("GET", "/api/services/e2e-checkout")
    assert read.json() == written.json()
    # And deleted, it is gone
    assert system.request("DELETE", "/api/services/e2e-checkout").status == 204
    assert system.request("GET", "/api/services/e2e-checkout").status == 404


def test_backstages_catalog_info_is_imported_over_http(system: RunningSystem) -> None:
    # When Backstage's own catalog-info.yaml is posted as YAML
    imported = system.request(
        "POST", "/api/services/import", CATALOG_INFO.read_bytes(), {"Content-Type": "application/yaml"}
    )
    # Then its component is a service with its repository and owner
    assert imported.status == 200, imported.body
    assert imported.json()["imported"] == 1
    service = system.request("GET", "/api/services/backstage-existing").json()
    assert (service["repositories"], service["teams"]) == (["backstage/backstage"], [{"id": "CNCF"}])
    listed = system.request("GET", "/api/services?max-results=100").json()
    assert "backstage-existing" in [entry["name"] for entry in listed]


def test_an_import_that_is_not_yaml_is_refused_over_http(system: RunningSystem) -> None:
    # When JSON is posted to the import, or YAML that does not parse
    as_json = system.request("POST", "/api/services/import", {"kind": "Component"})
    broken = system.request(
        "POST", "/api/services/import", b"kind: Component\n  name: x\n", {"Content-Type": "text/yaml"}
    )
    # Then 415 and 400 naming the line
    assert as_json.status == 415
    assert broken.status == 400
    assert "line 2" in broken.json()["message"]
