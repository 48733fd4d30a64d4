"""The OpenAPI 3.1 document, written by spectree from the views' models (chosen by measurement:
docs/benchmarks.md#choosing-the-openapi-library).

The SpecTree object is never registered on the app: registering would serve spectree's own docs
pages, which load their scripts from public CDNs, and we download nothing at run time. The
document is served by our own route, and the docs page is drawn from it on the server.
"""

from __future__ import annotations

import copy
import re

from flask import abort, current_app, request
from spectree import SpecTree

from app.api.problems import PROBLEM_TYPE, FieldError, problem_response
from app.api.schemas import Problem

SPEC_KEY = "api.openapi"


def _refuse_invalid(req, resp, error, instance, model_adapter) -> None:
    """spectree's hook before the view: refused input becomes a problem document, field by
    field (a query parameter as `?name`, a JSON value as a JSON Pointer)."""
    if error is None:
        return
    in_query = request.method in ("GET", "HEAD")
    errors = []
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        location = [str(part) for part in item["loc"]]
        pointer = ("?" + ".".join(location)) if in_query else "/" + "/".join(location)
        errors.append(FieldError(pointer, item["msg"]))
    status = 400 if in_query else 422
    detail = (
        "A query parameter is not valid."
        if in_query
        else "The request body is not valid: see `errors`."
    )
    abort(problem_response(status, detail, errors=errors))


openapi = SpecTree(
    "flask",
    title="OpenTestimony API",
    version="1",
    openapi_version="3.1.0",
    mode="strict",
    annotations=False,
    before=_refuse_invalid,
    # Refused input is a problem document: 400 for a query string (the default here), 422 for
    # a request body (views that take one say `validation_error_status=422`).
    validation_error_status=400,
    validation_error_model=Problem,
    # Components are named after the models, which are named after the domain (spectree
    # would add a hash of the module to each name).
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)


# Answers that spectree cannot describe: the open-data files are streamed (spectree would read
# a whole answer to check it), so their routes carry no model and are described here.
STREAMED = {
    "/api/v1/hearings/{hearing_id}/testimony.csv": (
        "text/csv",
        "Every published testimony of the hearing as CSV (UTF-8, one row per testimony).",
    ),
    "/api/v1/hearings/{hearing_id}/testimony.jsonl": (
        "application/jsonl",
        "Every published testimony of the hearing as JSON Lines: one Testimony object a line.",
    ),
}


def _streamed_operation(media_type: str, summary: str) -> dict:
    return {
        "get": {
            "operationId": "download_" + media_type.split("/")[1],
            "summary": summary,
            "tags": ["open data"],
            "parameters": [
                {
                    "name": "hearing_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                }
            ],
            "responses": {
                "200": {"description": summary, "content": {media_type: {"schema": {}}}},
                "304": {"description": "Not modified since the ETag given."},
                "404": {
                    "description": "No such hearing.",
                    "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                },
            },
        }
    }


def document() -> dict:
    """The OpenAPI document of this app (built once per app, after every route is known)."""
    cached = current_app.extensions.get(SPEC_KEY)
    if cached is None:
        cached = _build()
        current_app.extensions[SPEC_KEY] = cached
    return cached


def _build() -> dict:
    spec = copy.deepcopy(openapi.spec)
    # spectree names every answer application/json; our errors are problem documents.
    for path in spec["paths"].values():
        for operation in path.values():
            for code, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if code[0] in "45" and "application/json" in content:
                    answer["content"] = {PROBLEM_TYPE: content["application/json"]}
    for path, (media_type, summary) in STREAMED.items():
        spec["paths"][path] = _streamed_operation(media_type, summary)
    # Writing needs an organisation's key, sent as a bearer token; reading needs none.
    spec.setdefault("components", {})["securitySchemes"] = {
        "organisationKey": {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation's API key (otk_…), issued by an admin; see "
            "/api/v1/docs.",
        }
    }
    for path in spec["paths"].values():
        for method, operation in path.items():
            if method not in ("get", "head", "options"):
                operation["security"] = [{"organisationKey": []}]
    spec["info"]["description"] = (
        "Open data from OpenTestimony: bodies, committees, measures, hearings, published "
        "testimony, positions on record, campaigns and committee actions. Lists are paged "
        "with cursors; every read carries an ETag; errors are RFC 9457 problem details."
    )
    return spec


def _type_of(schema: dict) -> str:
    """A parameter's type in words, as the docs page lists it."""
    if "anyOf" in schema:
        return " or ".join(_type_of(s) for s in schema["anyOf"] if s.get("type") != "null")
    kind = schema.get("type", "")
    if schema.get("format"):
        kind += f" ({schema['format']})"
    bounds = [
        f"{word} {schema[key]}"
        for key, word in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"))
        if key in schema
    ]
    if "maxLength" in schema:
        bounds.append(f"at most {schema['maxLength']} characters")
    return kind + (f", {', '.join(bounds)}" if bounds else "")


def operations(document: dict) -> list[tuple[str, list[dict]]]:
    """The document's operations grouped by tag, in the order the paths were declared, each
    with what the docs page shows: parameters, answers and a curl example."""
    groups: dict[str, list[dict]] = {}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            parameters = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "type": _type_of(p.get("schema", {})),
                    "description": p.get("description")
                    or p.get("schema", {}).get("description", ""),
                }
                for p in operation.get("parameters", [])
            ]
            # Every id in an example is 1: the demo data has a hearing, measure, body... of id 1.
            example_path = re.sub(r"\{[^}]+\}", "1", path)
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": operation.get("operationId", path),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "responses": sorted(operation.get("responses", {}).items()),
                    "example_path": example_path,
                }
            )
    return list(groups.items())
