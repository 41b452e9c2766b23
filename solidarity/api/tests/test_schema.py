"""The OpenAPI document: valid OpenAPI 3, describing every endpoint and its error responses."""

import json

import pytest
from openapi_spec_validator import validate

from solidarity.core.tests.casefile import leaked

OPERATIONS = {
    "/api/v1/cases/": {"200", "400"},
    "/api/v1/cases/{slug}/": {"200", "400", "404"},
    "/api/v1/organisations/": {"200", "400"},
    "/api/v1/publications/": {"200", "400"},
    "/api/v1/publications/{language}/{slug}/": {"200", "400", "404"},
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_endpoint_documents_its_responses(document):
    assert set(document["paths"]) == set(OPERATIONS)
    for path, codes in OPERATIONS.items():
        assert set(document["paths"][path]["get"]["responses"]) == codes, path
        assert set(document["paths"][path]) == {"get"}, path


def test_restricted_fields_are_optional_in_the_schema(document):
    schemas = document["components"]["schemas"]
    assert "birth_date" in schemas["Case"]["properties"]
    assert "birth_date" not in schemas["Case"]["required"]
    assert "name" in schemas["Case"]["required"]
    assert "postal_address" not in schemas["Place"]["required"]
    assert "name" in schemas["Place"]["required"]


def test_query_parameters_carry_their_constraints(document):
    params = {p["name"]: p for p in document["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert set(params) == {"country", "status", "organisation", "q", "limit", "offset"}
    assert params["limit"]["schema"]["maximum"] == 200
    assert "detained" in params["status"]["schema"]["enum"]


def test_the_document_holds_no_restricted_data(client, casefile):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert leaked(response.content.decode(), casefile) == []
