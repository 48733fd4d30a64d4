"""Open redirects: every page that goes on to an address the visitor supplied (the language
switch's `next`, sign-in's `next`, the second factor's and an already signed-in visit's) goes
through one `safe_next`, and none of the usual tricks leads to another site or to an error."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from app.platform.web import safe_next
from tests.factories import (
    STAFF_PASSWORD,
    csrf_token_from,
    give_totp,
    log_in,
    make_staff_user,
    post_form,
    totp_code,
)

# What attackers try: another host written with tabs, newlines, backslashes, extra slashes,
# schemes, spaces and their percent-encoded forms (which the form or query decodes once).
OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/ /evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0D%0A/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%5c%5cevil.example",
    "%2F%2Fevil.example",
    "%5C%5Cevil.example",
    "/%252F/evil.example",
    "https://evil.example",
    "http:/evil.example",
    "https:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\x0c/evil.example",
    "/\u2028/evil.example",
    "/\u3000/evil.example",
    "/staff/account\r\nSet-Cookie: planted=1",
]

# Pages of this site, which must survive unchanged.
ON_SITE = ["/", "/hearings/3", "/hearings?measure=H.1538&page=2", "/staff/account#totp"]


def _lands_on_this_site(location: str) -> bool:
    """Read the Location as a browser does: tabs and newlines dropped, `\\` as `/`."""
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    parts = urlsplit(cleaned)
    return (
        cleaned.startswith("/")
        and not cleaned.startswith("//")
        and not parts.scheme
        and not parts.netloc
    )


pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


def _switch_language(client, target: str):
    page = client.get("/")
    return client.post(
        "/language",
        data={"csrf_token": csrf_token_from(page.text), "lang": "es", "next": target},
    )


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_sends_anyone_to_another_site(client, db, target):
    """A link that switches language and then lands on an attacker's page."""
    response = _switch_language(client, target)
    assert response.status_code == 303
    assert response.location == "/"
    assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize("target", ["/%0A/x", "/%0d%0aSet-Cookie:%20planted=1", "/\n/x"])
def test_a_newline_in_the_language_switch_next_is_not_a_server_error(client, db, target):
    """A newline smuggled into `next` once broke the response header (a 500)."""
    response = _switch_language(client, target)
    assert response.status_code == 303
    assert response.location == "/"
    assert "planted" not in response.headers.get("Set-Cookie", "")
    assert client.get_cookie("lang").value == "es"


@pytest.mark.parametrize("target", ON_SITE)
def test_the_language_switch_goes_back_to_the_page_it_came_from(client, db, target):
    response = _switch_language(client, target)
    assert response.status_code == 303
    assert response.location == target


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_continues_to_another_site(client, db, target):
    """A phishing link to the real sign-in page whose `next` leads to a look-alike site."""
    user = make_staff_user()
    db.session.commit()
    page = client.get("/staff/login", query_string={"next": target})
    response = client.post(
        "/staff/login",
        query_string={"next": target},
        data={
            "csrf_token": csrf_token_from(page.text),
            "email": user.email,
            "password": STAFF_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert response.location == "/staff/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_signed_in_visit_to_sign_in_never_continues_to_another_site(client, db, target):
    """The same link followed by someone already signed in."""
    user = make_staff_user()
    db.session.commit()
    log_in(client, user)
    response = client.get("/staff/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/staff/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/%5Cevil.example", "/\n/x"])
def test_the_second_factor_step_never_continues_to_another_site(client, db, target):
    """The link's `next` carried through the password step to the code step."""
    user = make_staff_user()
    secret = give_totp(user)
    db.session.commit()
    page = client.get("/staff/login", query_string={"next": target})
    client.post(
        "/staff/login",
        query_string={"next": target},
        data={
            "csrf_token": csrf_token_from(page.text),
            "email": user.email,
            "password": STAFF_PASSWORD,
        },
    )
    response = post_form(client, "/staff/login/code", {"code": totp_code(secret)})
    assert response.status_code == 303
    assert response.location == "/staff/"


@pytest.mark.parametrize("target", [*OFF_SITE, None, ""])
def test_safe_next_refuses_every_bypass(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"
        assert safe_next(target, default="/staff/") == "/staff/"
        assert _lands_on_this_site(safe_next(target))


@pytest.mark.parametrize("target", ON_SITE)
def test_safe_next_keeps_pages_of_this_site(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


def test_safe_next_refuses_absurdly_long_targets(app):
    with app.test_request_context():
        assert safe_next("/" + "a" * 5000) == "/"
