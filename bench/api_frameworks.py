"""Which library should write the public API's OpenAPI 3.1 document: measured in one run.

Builds the same two endpoints under a Blueprint at /api/v1 with apiflask (pydantic models),
flask-smorest (marshmallow schemas) and spectree (pydantic models), plus a bare Flask baseline
that validates by hand, each inside a plain Flask app that keeps its own HTML error pages, and
measures through the Flask test client:

- GET /api/v1/testimony?limit=50&cursor=...: validated query, 50 nested items returned;
  requests a second (best of three rounds of ~2 s) and the ratio to bare Flask;
- POST /api/v1/testimony/batch: 1,000 items, one in twenty invalid; the envelope is validated
  by the library and each item by the library's model or schema on its own, so the answer
  lists field-level errors per rejected item instead of refusing the batch; seconds a batch
  (best of three rounds) and its peak memory (tracemalloc), with ratios to bare Flask;
- the OpenAPI 3.1.0 document each generates, checked by openapi-spec-validator's 3.1
  validator, and whether optional fields are written the 3.1 way (no `nullable`);
- whether a plain `Flask` object works, whether the library replaces the app's HTML error
  pages, whether its docs pages load scripts from a CDN, and what it adds to the install.

These libraries are not project dependencies, so run it in a separate virtualenv:

    python3.11 -m venv /tmp/apibench
    /tmp/apibench/bin/pip install -e . apiflask flask-smorest spectree pydantic \\
        openapi-spec-validator schemathesis
    /tmp/apibench/bin/python bench/api_frameworks.py [--seconds 2] [--rounds 3] [--schemathesis]

--schemathesis serves the spectree variant on 127.0.0.1 and fuzzes it for up to 30 s.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from flask import Blueprint, Flask, jsonify, request
from werkzeug.exceptions import HTTPException

PROBLEM = "application/problem+json"
ZIP = r"^\d{5}(-\d{4})?$"


class Position(StrEnum):
    SUPPORT = "support"
    OPPOSE = "oppose"
    NEUTRAL = "neutral"


def rows() -> list[dict[str, Any]]:
    """The 50 testimonies every list endpoint returns (the same objects for each library)."""
    start = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)
    return [
        {
            "id": i,
            "title": f"Testimony on the surveillance ordinance, number {i}",
            "position": list(Position)[i % 3],
            "received_at": start + timedelta(minutes=i),
            "measures": [{"id": m, "number": f"Docket #{680 + m:04d}"} for m in range(1 + i % 3)],
        }
        for i in range(50)
    ]


def batch_payload() -> tuple[bytes, list[int]]:
    """1,000 items, every twentieth wrong in one field; returns the body and the bad indices."""
    faults = [
        ("zip_code", "0211"),
        ("email", "not-an-address"),
        ("full_name", "x" * 201),
        ("position", "maybe"),
        ("measure_ids", ["one"]),
    ]
    items, bad = [], []
    for i in range(1000):
        item = {
            "full_name": f"Resident {i}",
            "email": f"resident{i}@example.org" if i % 3 else None,
            "city": "Boston",
            "zip_code": "02118",
            "position": list(Position)[i % 3].value,
            "text": "I oppose face surveillance by city agencies. " * 30,
            "measure_ids": [1, 2],
        }
        if i % 20 == 7:
            field, value = faults[(i // 20) % len(faults)]
            item[field] = value
            bad.append(i)
        items.append(item)
    return json.dumps({"items": items}).encode(), bad


def problem(status: int, title: str, errors: Any = None):
    """An RFC 9457 problem document, the shape every variant answers validation errors with."""
    body = {"type": "about:blank", "title": title, "status": status}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), status, {"Content-Type": PROBLEM}


def plain_app() -> Flask:
    """A plain Flask app with its own HTML error pages, registered before any API library."""
    app = Flask("bench_api")

    @app.get("/page")
    def page():
        return "<!doctype html><p>a page</p>"

    @app.errorhandler(HTTPException)
    def html_error(error):
        headers = {**dict(error.get_headers()), "Content-Type": "text/html"}  # keeps Allow
        return f"<!doctype html><h1>{error.code}</h1>", error.code, headers

    return app


def pydantic_models():
    from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, WrapValidator

    class ListQuery(BaseModel):
        cursor: str | None = Field(None, max_length=200)
        limit: int = Field(50, ge=1, le=200)

    class MeasureRef(BaseModel):
        id: int
        number: str

    class TestimonyOut(BaseModel):
        id: int
        title: str
        position: Position
        received_at: datetime
        measures: list[MeasureRef]

    class TestimonyList(BaseModel):
        items: list[TestimonyOut]
        next_cursor: str | None = None

    class TestimonyItem(BaseModel):
        model_config = ConfigDict(extra="forbid")
        full_name: str = Field(max_length=200)
        email: EmailStr | None = None
        city: str = Field(max_length=200)
        zip_code: str = Field(pattern=ZIP)
        position: Position
        text: str = Field(max_length=20000)
        measure_ids: list[int] = Field(max_length=20)

    class ItemRejected(BaseModel):
        errors: list[dict[str, str]]

    def keep_item_errors(value, handler):
        # Each item is validated by TestimonyItem on its own; a bad one becomes an
        # ItemRejected in place instead of failing the whole envelope. The document still
        # shows TestimonyItem as the item schema (a wrap validator keeps the inner schema).
        try:
            return handler(value)
        except ValidationError as error:
            return ItemRejected(errors=field_errors(error))

    class TestimonyBatch(BaseModel):
        items: list[Annotated[TestimonyItem, WrapValidator(keep_item_errors)]] = Field(
            min_length=1, max_length=1000
        )

    class BatchResult(BaseModel):
        accepted: int
        rejected: list[dict[str, Any]]

    def result(batch) -> BatchResult:
        rejected = [
            {"index": i, "errors": item.errors}
            for i, item in enumerate(batch.items)
            if isinstance(item, ItemRejected)
        ]
        return BatchResult(accepted=len(batch.items) - len(rejected), rejected=rejected)

    return ListQuery, TestimonyList, TestimonyBatch, BatchResult, result


def build_spectree():
    from flask import abort, make_response
    from pydantic import BaseModel
    from spectree import Response, SpecTree

    ListQuery, TestimonyList, TestimonyBatch, BatchResult, result = pydantic_models()
    app, bp = plain_app(), Blueprint("api", __name__, url_prefix="/api/v1")

    class Problem(BaseModel):
        type: str
        title: str
        status: int
        errors: list[dict[str, str]] | None = None

    def as_problem(req, resp, req_validation_error, instance, model_adapter):
        # Runs before spectree aborts with its own 422 body: ours is raised first.
        if req_validation_error is not None:
            errors = field_errors(req_validation_error)
            abort(make_response(problem(422, "Invalid request", errors)))

    # Never registered on the app or blueprint (api.register): no /apidoc pages, no CDN
    # scripts; the document is served by our own route below. Strict mode lists only the
    # routes this instance validates (normal mode lists every route of the app).
    api = SpecTree(
        "flask", title="OpenTestimony", version="1", openapi_version="3.1.0",
        mode="strict", before=as_problem, annotations=False,
    )  # fmt: skip

    @bp.get("/testimony")
    @api.validate(query=ListQuery, resp=Response(HTTP_200=TestimonyList, HTTP_422=Problem))
    def testimony_list():
        return TestimonyList(items=ROWS[: request.context.query.limit], next_cursor="c2")

    @bp.post("/testimony/batch")
    @api.validate(json=TestimonyBatch, resp=Response(HTTP_200=BatchResult, HTTP_422=Problem))
    def testimony_batch():
        return result(request.context.json)

    @bp.get("/openapi.json")
    def openapi():
        return document()

    def document() -> dict:
        spec = json.loads(json.dumps(api.spec))
        # spectree writes every response as application/json; ours for errors are not.
        for operation in (op for path in spec["paths"].values() for op in path.values()):
            for code, response in operation.get("responses", {}).items():
                if code.startswith("4") and "content" in response:
                    response["content"] = {PROBLEM: response["content"]["application/json"]}
        return spec

    app.register_blueprint(bp)

    def spec():
        with app.app_context():
            return document()

    return app, spec


def field_errors(error) -> list[dict[str, str]]:
    """A pydantic ValidationError as field/message pairs (what a client shows by a field)."""
    return [
        {"field": ".".join(str(p) for p in e["loc"]) or "item", "message": e["msg"]}
        for e in error.errors(include_url=False)
    ]


def build_apiflask():
    from apiflask import APIBlueprint, APIFlask, HTTPError

    ListQuery, TestimonyList, TestimonyBatch, BatchResult, result = pydantic_models()
    # APIFlask replaces the Flask class (its config keys and spec live there); json_errors
    # off keeps the app's HTML pages, and no spec or docs routes are served.
    app = APIFlask(
        "bench_api",
        title="OpenTestimony",
        version="1",
        json_errors=False,
        spec_path=None,
        docs_path=None,
    )
    app.config["OPENAPI_VERSION"] = "3.1.0"
    html = plain_app()
    app.add_url_rule("/page", view_func=html.view_functions["page"])
    app.register_error_handler(HTTPException, html.error_handler_spec[None][None][HTTPException])
    bp = APIBlueprint("api", __name__, url_prefix="/api/v1")

    @bp.errorhandler(HTTPError)
    def as_problem(error):
        # On the blueprint, not app.error_processor: that one also takes over every HTML
        # error page of the app (even with json_errors=False).
        return problem(error.status_code, error.message, error.detail)

    @bp.get("/testimony")
    @bp.input(ListQuery, location="query")
    @bp.output(TestimonyList)
    def testimony_list(query_data):
        return TestimonyList(items=ROWS[: query_data.limit], next_cursor="c2")

    @bp.post("/testimony/batch")
    @bp.input(TestimonyBatch, location="json")
    @bp.output(BatchResult)
    def testimony_batch(json_data):
        return result(json_data)

    app.register_blueprint(bp)
    return app, lambda: app._get_spec("json", force_update=True)


def marshmallow_schemas():
    import marshmallow as ma
    from marshmallow import fields, validate

    class ListQuery(ma.Schema):
        cursor = fields.String(load_default=None, validate=validate.Length(max=200))
        limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))

    class MeasureRef(ma.Schema):
        id = fields.Integer()
        number = fields.String()

    class TestimonyOut(ma.Schema):
        id = fields.Integer()
        title = fields.String()
        position = fields.Enum(Position, by_value=True)
        received_at = fields.DateTime()
        measures = fields.List(fields.Nested(MeasureRef))

    class TestimonyList(ma.Schema):
        items = fields.List(fields.Nested(TestimonyOut))
        next_cursor = fields.String(allow_none=True)

    class TestimonyItem(ma.Schema):
        full_name = fields.String(required=True, validate=validate.Length(max=200))
        email = fields.Email(load_default=None, allow_none=True)
        city = fields.String(required=True, validate=validate.Length(max=200))
        zip_code = fields.String(required=True, validate=validate.Regexp(ZIP))
        position = fields.Enum(Position, by_value=True, required=True)
        text = fields.String(required=True, validate=validate.Length(max=20000))
        measure_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(max=20))

    class KeepItemErrors(fields.Nested):
        # Each item is loaded by TestimonyItem on its own; a bad one becomes its error
        # messages in place (a plain Nested list fails the whole batch). Documented as Nested.
        def _deserialize(self, value, attr, data, **kwargs):
            try:
                return super()._deserialize(value, attr, data, **kwargs)
            except ma.ValidationError as error:
                return Rejected(error.messages)

    class TestimonyBatch(ma.Schema):
        items = fields.List(
            KeepItemErrors(TestimonyItem), required=True, validate=validate.Length(1, 1000)
        )

    class BatchResult(ma.Schema):
        accepted = fields.Integer()
        rejected = fields.List(fields.Dict())

    return ListQuery, TestimonyList, TestimonyBatch, BatchResult


def build_smorest():
    from flask_smorest import Api
    from flask_smorest import Blueprint as SmorestBlueprint

    ListQuery, TestimonyList, TestimonyBatch, BatchResult = marshmallow_schemas()
    app = plain_app()
    app.config.update(API_TITLE="OpenTestimony", API_VERSION="1", OPENAPI_VERSION="3.1.0")

    class BlueprintErrorsApi(Api):
        # Api registers a JSON handler for every HTTPException app-wide; the API's errors
        # are handled on its blueprint instead, so HTML pages stay the app's.
        def _register_error_handlers(self):
            pass

    api = BlueprintErrorsApi(app)
    bp = SmorestBlueprint("api", __name__, url_prefix="/api/v1")

    @bp.errorhandler(HTTPException)
    def as_problem(error):
        data = getattr(error, "data", None) or {}
        return problem(error.code, error.name, data.get("messages"))

    @bp.get("/testimony")
    @bp.arguments(ListQuery, location="query", as_kwargs=True)
    @bp.response(200, TestimonyList)
    def testimony_list(cursor, limit):
        return {"items": ROWS[:limit], "next_cursor": "c2"}

    @bp.post("/testimony/batch")
    @bp.arguments(TestimonyBatch)
    @bp.response(200, BatchResult)
    def testimony_batch(batch):
        rejected = [
            {"index": i, "errors": flat_errors(item.messages)}
            for i, item in enumerate(batch["items"])
            if isinstance(item, Rejected)
        ]
        return {"accepted": len(batch["items"]) - len(rejected), "rejected": rejected}

    api.register_blueprint(bp)
    return app, lambda: api.spec.to_dict()


class Rejected:
    """A batch item marshmallow refused, kept in its place with its messages."""

    def __init__(self, messages: dict):
        self.messages = messages


def flat_errors(messages: dict, prefix: str = "") -> list[dict[str, str]]:
    out = []
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += flat_errors(value, f"{name}.")
        else:
            out += [{"field": name, "message": m} for m in value]
    return out


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ZIP_RE = re.compile(ZIP)


def check_item(item: Any) -> list[dict[str, str]]:
    """The bare baseline's hand-written item validation (same rules as the models)."""
    if not isinstance(item, dict):
        return [{"field": "item", "message": "must be an object"}]
    errs, e = [], lambda f, m: errs.append({"field": f, "message": m})
    for name in ("full_name", "city"):
        v = item.get(name)
        if not isinstance(v, str) or len(v) > 200:
            e(name, "a string of at most 200 characters is required")
    email = item.get("email")
    if email is not None and (not isinstance(email, str) or not EMAIL.match(email)):
        e("email", "not a valid e-mail address")
    if not isinstance(item.get("zip_code"), str) or not ZIP_RE.match(item["zip_code"]):
        e("zip_code", "not a ZIP code")
    if item.get("position") not in ("support", "oppose", "neutral"):
        e("position", "must be support, oppose or neutral")
    if not isinstance(item.get("text"), str) or len(item["text"]) > 20000:
        e("text", "a string of at most 20,000 characters is required")
    ids = item.get("measure_ids")
    if not isinstance(ids, list) or len(ids) > 20 or not all(type(i) is int for i in ids):
        e("measure_ids", "a list of at most 20 integers is required")
    if set(item) - {"full_name", "email", "city", "zip_code", "position", "text", "measure_ids"}:
        e("item", "unknown fields")
    return errs


def build_bare():
    app, bp = plain_app(), Blueprint("api", __name__, url_prefix="/api/v1")

    @bp.get("/testimony")
    def testimony_list():
        limit = request.args.get("limit", "50")
        cursor = request.args.get("cursor")
        if not limit.isdigit() or not 1 <= int(limit) <= 200:
            return problem(422, "Invalid request", [{"field": "limit", "message": "1 to 200"}])
        if cursor is not None and len(cursor) > 200:
            return problem(422, "Invalid request", [{"field": "cursor", "message": "too long"}])
        items = [
            {**r, "position": r["position"].value, "received_at": r["received_at"].isoformat()}
            for r in ROWS[: int(limit)]
        ]
        return jsonify(items=items, next_cursor="c2")

    @bp.post("/testimony/batch")
    def testimony_batch():
        body = request.get_json(silent=True)
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not 1 <= len(items) <= 1000:
            return problem(422, "Invalid request", [{"field": "items", "message": "1 to 1,000"}])
        rejected = [
            {"index": i, "errors": r} for i, it in enumerate(items) if (r := check_item(it))
        ]
        return jsonify(accepted=len(items) - len(rejected), rejected=rejected)

    app.register_blueprint(bp)
    return app, None


ROWS = rows()
BUILDERS = {
    "bare": build_bare,
    "apiflask": build_apiflask,
    "smorest": build_smorest,
    "spectree": build_spectree,
}
DISTS = {"apiflask": ("apiflask", set()), "smorest": ("flask-smorest", set()),
         "spectree": ("spectree", {"pydantic", "flask"})}  # fmt: skip


def best_rate(client, url: str, seconds: float, rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        n, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            assert client.get(url).status_code == 200
            n += 1
        best = max(best, n / elapsed)
    return best


def best_batch(client, body: bytes, seconds: float, rounds: int) -> tuple[float, float]:
    """Best seconds per batch over the rounds, and the peak traced memory of one batch."""
    best = float("inf")
    for _ in range(rounds):
        n, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds or n == 0:
            client.post("/api/v1/testimony/batch", data=body, content_type="application/json")
            n += 1
        best = min(best, elapsed / n)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    client.post("/api/v1/testimony/batch", data=body, content_type="application/json")
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return best, peak / 1e6


def validation_peak(name: str, body: bytes) -> float:
    """Peak MB of validating the parsed batch with the envelope model alone (no request)."""
    data = json.loads(body)
    if name == "bare":
        run = lambda: [check_item(i) for i in data["items"]]  # noqa: E731
    elif name == "smorest":
        run = lambda: marshmallow_schemas()[2]().load(data)  # noqa: E731
    else:
        run = lambda: pydantic_models()[2].model_validate(data)  # noqa: E731
    run()  # schema building and first-call caches are not the batch's cost
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    kept = run()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del kept
    return peak / 1e6


def check_behaviour(app, body: bytes, bad: list[int]) -> list[str]:
    """What a client notices: right rejections, problem+json errors, HTML pages elsewhere."""
    c, notes = app.test_client(), []
    got = c.post("/api/v1/testimony/batch", data=body, content_type="application/json").get_json()
    if [r["index"] for r in got["rejected"]] != bad or got["accepted"] != 1000 - len(bad):
        notes.append(f"wrong rejections: {[r['index'] for r in got['rejected']][:8]}")
    if {e["field"] for r in got["rejected"] for e in r["errors"]} - {
        "zip_code",
        "email",
        "full_name",
        "position",
        "measure_ids",
        "measure_ids.0",
    }:
        notes.append(f"unexpected fields: {got['rejected'][:2]}")
    listed = c.get("/api/v1/testimony?limit=50&cursor=abc").get_json()
    if len(listed["items"]) != 50 or listed["items"][0]["measures"][0]["number"] != "Docket #0680":
        notes.append("list body differs")
    for url in ("/api/v1/testimony?limit=0", "/api/v1/testimony?limit=x"):
        r = c.get(url)
        if r.status_code != 422 or r.mimetype != PROBLEM:
            notes.append(f"{url}: {r.status_code} {r.mimetype}")
    over = json.dumps({"items": [{}] * 1001})
    r = c.post("/api/v1/testimony/batch", data=over, content_type="application/json")
    if r.status_code != 422 or r.mimetype != PROBLEM:
        notes.append(f"1,001 items: {r.status_code} {r.mimetype}")
    for url, method in (("/nowhere", "get"), ("/page", "post")):
        r = getattr(c, method)(url)
        if r.mimetype != "text/html" or b"<h1>" not in r.data:
            notes.append(f"{method.upper()} {url} lost its HTML page ({r.mimetype})")
    return notes


def check_spec(spec: dict) -> tuple[str, str]:
    from openapi_spec_validator import OpenAPIV31SpecValidator

    errors = [e.message[:120] for e in OpenAPIV31SpecValidator(spec).iter_errors()]
    text = json.dumps(spec)
    style = []
    if '"nullable"' in text:
        style.append("uses 3.0 `nullable`")
    if '"type": "null"' in text or re.search(r'"type": \[[^]]*"null"', text):
        style.append("null as a type (3.1)")
    item = json.dumps(
        {k: v for k, v in spec.get("components", {}).get("schemas", {}).items() if "Item" in k}
    )
    style.append(
        "item schema with email format" if '"format": "email"' in item else "items untyped"
    )
    verdict = f"{spec.get('openapi')} " + ("valid" if not errors else f"INVALID: {errors[:3]}")
    return verdict, ", ".join(style)


def defaults_take_over() -> dict[str, str]:
    """With each library set up as its docs show, does a non-API 404 stay HTML?"""
    out = {}
    from apiflask import APIBlueprint, APIFlask

    a = APIFlask("d")
    out["apiflask"] = a.test_client().get("/nowhere").mimetype
    plain = plain_app()
    bp = APIBlueprint("api", __name__, url_prefix="/api/v1")
    bp.get("/x")(bp.input(pydantic_models()[0], location="query")(lambda query_data: "ok"))
    plain.register_blueprint(bp)
    plain.logger.disabled = True  # the KeyError below is the finding, not noise to print
    r = plain.test_client().get("/api/v1/x?limit=0")
    out["apiflask plain Flask"] = f"invalid query answered {r.status_code} {r.mimetype}"
    from flask_smorest import Api

    s = plain_app()
    s.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.1.0")
    Api(s)
    out["smorest"] = s.test_client().get("/nowhere").mimetype
    from spectree import SpecTree

    t = plain_app()
    SpecTree("flask", app=t)
    out["spectree"] = t.test_client().get("/nowhere").mimetype
    out["spectree UI routes"] = ", ".join(
        sorted(r.rule for r in t.url_map.iter_rules() if "apidoc" in r.rule)
    )
    return out


def cdn_hosts(dist: str) -> str:
    hosts = set()
    for f in md.distribution(dist).files or []:
        if f.suffix in (".py", ".html", ".js"):
            hosts |= set(
                re.findall(
                    r"https://(cdn\.[\w.]+|unpkg\.com)", f.locate().read_text(errors="ignore")
                )
            )
    return ", ".join(sorted(hosts)) or "none"


def closure(name: str, extras: set[str], seen: set[str]) -> set[str]:
    from packaging.requirements import Requirement

    key = name.lower().replace("_", "-")
    if key in seen:
        return seen
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return seen
    seen.add(key)
    for spec in dist.requires or []:
        req = Requirement(spec)
        envs = [{"extra": e} for e in extras] or [{"extra": ""}]
        if req.marker is None or any(req.marker.evaluate(env) for env in envs):
            closure(req.name, set(req.extras), seen)
    return seen


def install_cost(name: str, extras: set[str]) -> tuple[int, float]:
    project = closure("opentestimony", set(), set())
    added = closure(name, extras, set()) - project
    size = 0
    for key in added:
        for f in md.distribution(key).files or []:
            path = f.locate()
            if path.is_file() and "__pycache__" not in str(f):
                size += path.stat().st_size
    return len(added), size / 1e6


def run_schemathesis(seconds: int = 30) -> str:
    from werkzeug.serving import make_server

    app, _ = build_spectree()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.port}"
    url = f"{base}/api/v1/openapi.json"
    exe = Path(sys.executable).with_name("schemathesis")
    try:
        done = subprocess.run(  # noqa: S603 - our own venv's schemathesis, fixed arguments
            [
                str(exe),
                "run",
                url,
                "--url",
                base,
                "--max-examples",
                "30",
                "--checks",
                "all",
                "--max-time",
                str(seconds - 5),
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=seconds,
            cwd=tempfile.gettempdir(),  # its replay store (.schemathesis/) stays out of the tree
        )
        tail = [line for line in done.stdout.splitlines() if line.strip()][-40:]
        return f"exit {done.returncode}\n" + "\n".join(tail)
    except subprocess.TimeoutExpired:
        return f"stopped after {seconds} s"
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--schemathesis", action="store_true")
    args = parser.parse_args()
    body, bad = batch_payload()
    print(f"batch: {len(body) / 1e6:.1f} MB, {len(bad)} of 1,000 items invalid\n")
    results = {}
    for name, build in BUILDERS.items():
        app, spec = build()
        client = app.test_client()
        rate = best_rate(client, "/api/v1/testimony?limit=50&cursor=abc", args.seconds, args.rounds)
        per_batch, peak = best_batch(client, body, args.seconds, args.rounds)
        results[name] = (
            rate, per_batch, peak, validation_peak(name, body),
            check_behaviour(app, body, bad), spec and check_spec(spec()),
        )  # fmt: skip
    bare = results["bare"]
    columns = (
        "Library", "GET req/s", "x bare", "batch ms", "x bare", "request peak MB",
        "validation peak MB", "OpenAPI 3.1", "optional fields", "adds packages", "adds MB",
        "CDN in docs UI",
    )  # fmt: skip
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    for name, (rate, per_batch, peak, alone, _, spec) in results.items():
        cost = (
            ("", "", "")
            if name == "bare"
            else (*install_cost(*DISTS[name]), cdn_hosts(DISTS[name][0]))
        )
        print(
            f"| {name} | {rate:,.0f} | {bare[0] / rate:.2f} | {per_batch * 1e3:.1f} | "
            f"{per_batch / bare[1]:.2f} | {peak:.2f} | {alone:.2f} | "
            f"{spec[0] if spec else '-'} | {spec[1] if spec else '-'} | "
            + (f"{cost[0]} | {cost[1]:.1f} | {cost[2]} |" if cost[0] != "" else "- | - | - |")
        )
    print(
        "\n(x bare: how many times bare Flask's time per request or per batch. Request peak:"
        " tracemalloc over one batch POST, body parsing included; validation peak: the"
        " envelope model validating the already-parsed batch alone.)"
    )
    for name, (*_, notes, _spec) in results.items():
        print(f"{name}: {'behaves as required' if not notes else '; '.join(notes)}")
    print("\nSet up as each library's docs show:")
    for key, value in defaults_take_over().items():
        print(f"  {key}: {value}")
    if args.schemathesis:
        print("\nschemathesis against spectree's document:\n" + run_schemathesis())


if __name__ == "__main__":
    main()
