"""The submission endpoints in the OpenAPI document: what each takes, with the web form's
bounds shown, and what each answers."""

from __future__ import annotations

from app.api import spec


def _document(app) -> dict:
    with app.test_request_context():
        return spec.document()


def test_each_endpoint_says_what_it_takes_and_answers(app):
    document = _document(app)
    paths = document["paths"]
    expected = {
        "/api/v1/hearings/{hearing_id}/testimony": ("TestimonyIn", "201", "Stored"),
        "/api/v1/hearings/{hearing_id}/testimony/batch": ("TestimonyBatch", "200", "BatchAnswer"),
        "/api/v1/hearings/{hearing_id}/sign-ins": ("SignInIn", "201", "Stored"),
        "/api/v1/hearings/{hearing_id}/sign-ins/batch": ("SignInBatch", "200", "BatchAnswer"),
    }
    for path, (taken, status, answered) in expected.items():
        operation = paths[path]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith(f"/{taken}")
        answer = operation["responses"][status]["content"]["application/json"]["schema"]
        assert answer["$ref"].endswith(f"/{answered}")
        for refusal in ("401", "403", "409", "422", "429", "503"):
            assert "application/problem+json" in operation["responses"][refusal]["content"]
        assert operation["tags"] == ["submitting"]


def test_items_show_the_web_forms_bounds(app):
    schemas = _document(app)["components"]["schemas"]
    testimony = schemas["TestimonyIn"]
    assert testimony["additionalProperties"] is False
    properties = testimony["properties"]
    assert properties["full_name"]["maxLength"] == 200
    assert properties["zip_code"]["pattern"] == "^[0-9]{5}(-[0-9]{4})?$"
    assert properties["email"]["default"] == ""
    assert "receipt goes to the organisation" in properties["email"]["description"]
    assert properties["external_reference"]["maxLength"] == 100
    assert properties["attachments"]["maxItems"] == 3
    assert set(testimony["required"]) == {
        "full_name", "city", "zip_code", "positions", "public_record_acknowledged",
        "street_address", "text",
    }  # fmt: skip
    batch = schemas["TestimonyBatch"]["properties"]["items"]
    assert (batch["minItems"], batch["maxItems"]) == (1, 1000)
    assert "street_address" not in schemas["SignInIn"]["properties"]


def test_the_idempotency_key_is_documented_required_on_batches(app):
    paths = _document(app)["paths"]
    for path, required in (
        ("/api/v1/hearings/{hearing_id}/testimony", False),
        ("/api/v1/hearings/{hearing_id}/testimony/batch", True),
        ("/api/v1/hearings/{hearing_id}/sign-ins", False),
        ("/api/v1/hearings/{hearing_id}/sign-ins/batch", True),
    ):
        (header,) = [p for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key"
        assert header.get("required", False) is required
        assert "stores nothing twice" in header["description"]
