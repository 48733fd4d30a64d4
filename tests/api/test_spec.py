"""The OpenAPI document: valid OpenAPI 3.1, and it describes every endpoint the API serves."""

from __future__ import annotations

from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator


def test_the_document_is_valid_openapi_3_1(client, db):
    document = client.get("/api/v1/openapi.json").get_json()

    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_api_route_is_described(app, client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    served = {
        rule.rule.replace("<int:", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint.startswith("api")
    }
    described = set(document["paths"])
    file_routes = {p for p in served if "testimony.<any" in p}
    for route in file_routes:
        served.remove(route)
        served |= {route.split(".<")[0] + ".csv", route.split(".<")[0] + ".jsonl"}
    served -= {"/api/v1/openapi.json", "/api/v1/docs"}

    assert served <= described, served - described


def test_errors_are_described_as_problem_documents(client, db):
    document = client.get("/api/v1/openapi.json").get_json()

    for path, methods in document["paths"].items():
        for operation in methods.values():
            for code, answer in operation["responses"].items():
                if code.startswith(("4", "5")) and "content" in answer:
                    assert set(answer["content"]) == {"application/problem+json"}, (path, code)


def test_the_document_never_changes_between_requests(client, db):
    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json", headers={"If-None-Match": first.headers["ETag"]})

    assert second.status_code == 304


def test_writing_needs_a_bearer_key_and_reading_does_not(client, db):
    document = client.get("/api/v1/openapi.json").get_json()

    assert document["components"]["securitySchemes"]["organisationKey"]["scheme"] == "bearer"
    for methods in document["paths"].values():
        for method, operation in methods.items():
            needs_key = operation.get("security") == [{"organisationKey": []}]
            assert needs_key is (method != "get"), (method, operation.get("operationId"))
