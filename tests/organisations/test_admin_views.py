"""The admin pages: organisations with their key counts, registering, editing and archiving
one, issuing a key (shown once), listing and revoking keys. Only admins reach them."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.organisations import services
from app.organisations.authentication import authenticate_key
from app.organisations.models import ApiKey, ApiScope, Organisation
from app.platform.timezones import utcnow
from tests.factories import (
    csrf_token_from,
    log_in,
    make_admin,
    make_api_key,
    make_body,
    make_organisation,
    make_staff_user,
    post_form,
    text_of,
)

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")

INDEX = "/staff/admin/organisations"
NEW = "/staff/admin/organisations/new"
KEY_PATTERN = re.compile(r"otk_[0-9a-f]{8}_[0-9A-Za-z]{43}")


def _page(organisation) -> str:
    return f"{INDEX}/{organisation.id}"


@pytest.fixture
def admin(db):
    user = make_admin(email="admin@example.gov")
    db.session.commit()
    return user


@pytest.fixture
def browser(client, admin):
    assert log_in(client, admin).status_code == 303
    return client


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _key_fields(body, **overrides) -> dict:
    fields = {
        "label": "Campaign site",
        "scopes": ["submit_testimony", "submit_sign_ins"],
        "bodies": [str(body.id)],
        "lifetime": "90",
        "items_per_hour": "",
    }
    return fields | overrides


def _issue_form(browser, organisation) -> str:
    page = browser.get(f"{_page(organisation)}/keys/new")
    assert page.status_code == 200
    return page.text


def _post_issue(browser, organisation, page_html, fields):
    form_key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page_html)
    data = {"csrf_token": csrf_token_from(page_html), "form_key": form_key.group(1)} | fields
    return browser.post(f"{_page(organisation)}/keys/new", data=data)


# Who may use them.


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.CLERK])
def test_moderators_and_clerks_are_refused_every_page(app, client, db, role):
    key = make_api_key().key
    user = make_staff_user(role)
    db.session.commit()
    assert log_in(client, user).status_code == 303
    token = csrf_token_from(client.get("/staff/account").text)
    base = f"{INDEX}/{key.organisation_id}"
    for method, path in [
        ("GET", INDEX),
        ("GET", NEW),
        ("POST", NEW),
        ("GET", base),
        ("POST", f"{base}/edit"),
        ("POST", f"{base}/archive"),
        ("POST", f"{base}/keys/new"),
        ("POST", f"{base}/keys/{key.id}/revoke"),
    ]:
        response = client.open(path, method=method, data={"csrf_token": token, "confirm": "y"})
        assert response.status_code == 403, (method, path)
    db.session.expire_all()
    assert key.revoked_at is None and not key.organisation.is_archived


def test_the_admin_navigation_links_the_organisations(browser):
    assert f'href="{INDEX}"' in browser.get("/staff/").text


# Organisations.


def test_the_list_shows_each_organisation_with_its_key_counts(browser, db):
    busy = make_organisation(name="ACLU of Massachusetts")
    make_api_key(busy)
    revoked = make_api_key(busy).key
    services.revoke_key(make_admin(), revoked, now=utcnow())
    make_organisation(name="Quiet Group")
    db.session.commit()
    page = text_of(browser.get(INDEX))
    row = re.search(r"ACLU of Massachusetts.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "2"]
    quiet = re.search(r"Quiet Group.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td>(\d+)</td>", quiet) == ["0", "0"]


def test_registering_an_organisation(browser, db):
    response = post_form(
        browser,
        NEW,
        {"name": "Digital Fourth", "contact_email": "info@d4.example", "website": ""},
    )
    assert response.status_code == 303
    organisation = db.session.scalars(select(Organisation)).one()
    assert response.location.endswith(_page(organisation))
    page = browser.get(response.location).text
    assert "Digital Fourth" in page and "Organisation registered." in page
    assert "No key has been issued" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "digital  FOURTH"}, "already registered"),
        ({"name": ""}, "Enter the organisation's name."),
        ({"name": "Bad\x00Name"}, "Remove the control characters"),
        ({"name": "x" * 201}, "Use 200 characters or fewer."),
        ({"contact_email": "nobody"}, "Enter an e-mail address like"),
        ({"website": "javascript:alert(1)"}, "Enter a web address starting with https://"),
        ({"website": "ftp://example.org/x"}, "Enter a web address starting with https://"),
    ],
)
def test_bad_details_are_refused_with_a_specific_message(browser, db, fields, message):
    make_organisation(name="Digital Fourth")
    db.session.commit()
    data = {"name": "Another", "contact_email": "a@example.org", "website": ""} | fields
    response = post_form(browser, NEW, data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert "There is a problem" in response.text
    assert _count(db, Organisation) == 1


def test_editing_an_organisation(browser, db):
    organisation = make_organisation(name="Old Name")
    db.session.commit()
    page = browser.get(f"{_page(organisation)}/edit")
    assert 'value="Old Name"' in page.text
    response = post_form(
        browser,
        f"{_page(organisation)}/edit",
        {"name": "New Name", "contact_email": "new@example.org", "website": "https://n.example"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (organisation.name, organisation.contact_email) == ("New Name", "new@example.org")


def test_archiving_asks_first_then_revokes_every_key(browser, db):
    organisation = make_organisation()
    key = make_api_key(organisation).key
    db.session.commit()
    archive = f"{_page(organisation)}/archive"
    page = browser.get(archive)
    assert "Every key the organisation holds is revoked" in page.text
    unticked = post_form(browser, archive, {})
    assert unticked.status_code == 422 and "Tick the box to confirm." in unticked.text
    db.session.expire_all()
    assert not organisation.is_archived
    done = post_form(browser, archive, {"confirm": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    assert organisation.is_archived and key.is_revoked
    page = browser.get(_page(organisation)).text
    assert "Organisation archived; 1 key revoked." in page
    assert "Issue an API key" not in page
    # Its pages that change it now lead back with the reason.
    for path in ("/edit", "/archive", "/keys/new"):
        response = browser.get(_page(organisation) + path)
        assert response.status_code == 303
        assert "archived" in browser.get(response.location).text


# Keys.


def test_issuing_a_key_shows_it_once_and_it_works(browser, db, caplog):
    caplog.set_level(logging.DEBUG)
    organisation = make_organisation()
    body = make_body(name="Boston City Council")
    db.session.commit()
    page = _issue_form(browser, organisation)
    assert "Boston City Council" in page
    assert re.search(r'<input checked[^>]*value="90"', page)
    response = _post_issue(browser, organisation, page, _key_fields(body))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Copy the key now: it will not be shown again." in response.text
    [plaintext] = KEY_PATTERN.findall(response.text)
    key = db.session.scalars(select(ApiKey)).one()
    assert key.key_hash != plaintext and plaintext not in key.key_hash
    assert key.expires_at - key.created_at == timedelta(days=90)
    assert key.items_per_hour == 5000
    assert (
        authenticate_key(plaintext, body=body, scope=ApiScope.SUBMIT_TESTIMONY, now=utcnow()).id
        == key.id
    )
    # Never again: not on the organisation's page, nor anywhere it was logged.
    listing = browser.get(_page(organisation)).text
    assert plaintext not in listing and f"otk_{key.prefix}_" in listing
    assert plaintext.split("_")[2] not in caplog.text


def test_the_same_issuing_form_sent_twice_issues_one_key(browser, db):
    organisation = make_organisation()
    body = make_body()
    db.session.commit()
    page = _issue_form(browser, organisation)
    first = _post_issue(browser, organisation, page, _key_fields(body))
    assert first.status_code == 200
    again = _post_issue(browser, organisation, page, _key_fields(body))
    assert again.status_code == 303
    assert not KEY_PATTERN.search(again.text)
    key = db.session.scalars(select(ApiKey)).one()
    shown = text_of(browser.get(again.location))
    assert f"This form already issued the key {key.prefix}" in shown


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scopes": []}, "Choose at least one thing the key may do."),
        ({"bodies": []}, "Choose at least one body the key may submit to."),
        ({"bodies": ["999999"]}, "Choose from the options shown."),
        ({"scopes": ["delete_everything"]}, "Choose from the options shown."),
        ({"lifetime": "3650"}, "Choose when the key expires."),
        ({"items_per_hour": "lots"}, "Enter a whole number, such as 5000."),
        ({"items_per_hour": "0"}, "Allow between 1 and 100000 items an hour."),
        ({"label": ""}, "Enter a label for the key."),
        ({"label": "\x00"}, "Remove the control characters"),
    ],
)
def test_a_key_asked_for_wrongly_is_refused_with_a_specific_message(browser, db, changes, message):
    organisation = make_organisation()
    body = make_body()
    db.session.commit()
    page = _issue_form(browser, organisation)
    response = _post_issue(browser, organisation, page, _key_fields(body, **changes))
    assert response.status_code == 200
    assert message in text_of(response)
    assert not KEY_PATTERN.search(response.text)
    assert _count(db, ApiKey) == 0


def test_the_organisation_page_lists_each_keys_details(browser, db):
    organisation = make_organisation()
    body = make_body(name="Los Angeles City Council", timezone="America/Los_Angeles")
    now = utcnow()
    used = make_api_key(organisation, bodies=[body], scopes=[ApiScope.SUBMIT_SIGN_INS], now=now)
    authenticate_key(used.plaintext, body=body, scope=ApiScope.SUBMIT_SIGN_INS, now=now)
    revoked = make_api_key(organisation, bodies=[body], label="Old site").key
    services.revoke_key(make_admin(name="Riley Revoker"), revoked, now=now)
    make_api_key(
        organisation,
        bodies=[body],
        label="Pilot",
        now=now - timedelta(days=40),
        expires_at=now - timedelta(days=10),
    )
    db.session.commit()
    page = text_of(browser.get(_page(organisation)))
    rows = {
        label: re.search(rf"{label}.*?</tr>", page, re.S).group(0)
        for label in ("Campaign site", "Old site", "Pilot")
    }
    assert "Submit position sign-ins" in rows["Campaign site"]
    assert "Submit written testimony" not in rows["Campaign site"]
    assert "Los Angeles City Council" in rows["Campaign site"]
    assert f"otk_{used.key.prefix}_" in rows["Campaign site"]
    # Last used, in the body's own time zone.
    assert "PST" in rows["Campaign site"] or "PDT" in rows["Campaign site"]
    assert ">Active<" in rows["Campaign site"] and "Revoke" in rows["Campaign site"]
    assert ">Revoked<" in rows["Old site"] and "Riley Revoker" in rows["Old site"]
    assert "Revoke" not in rows["Old site"].split("Riley Revoker")[1]
    assert ">Expired<" in rows["Pilot"] and "Never" in rows["Pilot"]


def test_revoking_asks_first_and_a_second_admin_is_told_it_is_done(browser, app, db):
    key = make_api_key().key
    other = make_admin(email="second@example.gov")
    db.session.commit()
    revoke = f"{INDEX}/{key.organisation_id}/keys/{key.id}/revoke"
    second = app.test_client()
    assert log_in(second, other).status_code == 303
    second_page = second.get(revoke).text  # the second admin has the same question open
    assert f"otk_{key.prefix}_" in second_page
    unticked = post_form(browser, revoke, {})
    assert unticked.status_code == 422
    db.session.expire_all()
    assert not key.is_revoked
    assert post_form(browser, revoke, {"confirm": "y"}).status_code == 303
    late = second.post(revoke, data={"csrf_token": csrf_token_from(second_page), "confirm": "y"})
    assert late.status_code == 303
    assert "This key was already revoked." in second.get(late.location).text
    db.session.expire_all()
    assert key.revoked_by_id != other.id and key.is_revoked


def test_a_key_is_only_reached_through_its_own_organisation(browser, db):
    key = make_api_key().key
    elsewhere = make_organisation()
    db.session.commit()
    assert browser.get(f"{_page(elsewhere)}/keys/{key.id}/revoke").status_code == 404
    response = post_form(
        browser,
        f"{INDEX}/{key.organisation_id}/keys/{key.id}/revoke",
        {"confirm": "y"},
        to=f"{_page(elsewhere)}/keys/{key.id}/revoke",
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert not key.is_revoked


def test_unknown_organisations_are_not_found(browser):
    for path in ("/999999", "/999999/edit", "/999999/keys/new", "/99999999999"):
        assert browser.get(INDEX + path).status_code == 404
