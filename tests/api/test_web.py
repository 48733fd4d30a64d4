"""The API's rules across every endpoint: problem documents for every error, CORS for reading,
limits per address."""

from __future__ import annotations

import pytest

from tests.factories import make_hearing


def test_any_page_may_read_the_api(client, db):
    answer = client.get("/api/v1/bodies", headers={"Origin": "https://news.example"})

    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]


def test_a_preflight_for_a_conditional_read_is_allowed(client, db):
    answer = client.options(
        "/api/v1/hearings",
        headers={
            "Origin": "https://news.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )

    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in answer.headers["Access-Control-Allow-Headers"]


def test_other_pages_are_not_opened_to_other_sites(client, db):
    answer = client.get("/", headers={"Origin": "https://news.example"})

    assert "Access-Control-Allow-Origin" not in answer.headers


def test_a_wrong_method_is_a_problem_that_says_which_are_allowed(client, db):
    answer = client.delete("/api/v1/bodies")

    assert answer.status_code == 405
    assert answer.mimetype == "application/problem+json"
    assert "GET" in answer.headers["Allow"]
    problem = answer.get_json()
    assert problem["type"].endswith("#problem-method-not-allowed")
    assert problem["instance"] == "/api/v1/bodies"


def test_too_many_reads_from_one_address_get_a_problem_with_retry_after(client, db, config):
    config["API_LIMIT_PER_ADDRESS"] = "3 per minute"

    answers = [client.get("/api/v1/bodies") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["status"] == 429


def test_an_unexpected_failure_is_a_problem_without_details(client, db, monkeypatch):
    from app.api import queries

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries, "bodies", broken)

    answer = client.get("/api/v1/bodies")

    assert answer.status_code == 500
    assert answer.mimetype == "application/problem+json"
    assert "secret internals" not in answer.text


def test_a_busy_database_is_a_503_problem_with_retry_after(client, db, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from app.api import queries

    def busy(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(queries, "bodies", busy)

    answer = client.get("/api/v1/bodies")

    assert answer.status_code == 503
    assert answer.mimetype == "application/problem+json"
    assert answer.headers["Retry-After"]


@pytest.mark.parametrize("address", ["/api/v1/hearings/{id}", "/api/v1/hearings/{id}/testimony"])
def test_reads_never_set_cookies(client, db, address):
    hearing = make_hearing()
    db.session.commit()

    answer = client.get(address.format(id=hearing.id))

    assert "Set-Cookie" not in answer.headers
