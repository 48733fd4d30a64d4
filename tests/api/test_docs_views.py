"""The API's docs page: drawn from the OpenAPI document, with an example per endpoint."""

from __future__ import annotations


def test_the_docs_page_lists_every_operation_with_a_curl_example(client, db, config):
    document = client.get("/api/v1/openapi.json").get_json()

    html = client.get("/api/v1/docs").text

    for path, methods in document["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in html
    assert f"curl -s {config['BASE_URL']}/api/v1/hearings" in html
    assert 'id="problem-not-found"' in html
    # Nothing is fetched from elsewhere: every script and style is the site's own.
    assert "https://" not in "".join(
        line for line in html.splitlines() if "<script" in line or "<link" in line
    )


def test_the_docs_page_speaks_the_readers_language(client, db):
    html = client.get("/api/v1/docs", headers={"Accept-Language": "es"}).text

    assert 'lang="es"' in html
