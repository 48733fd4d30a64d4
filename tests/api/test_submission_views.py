"""Submitting one item through the API: stored as the web form stores it, marked with the
organisation that sent it, its receipt to the resident or (no address given) to the
organisation; refused, with nothing stored, when the key, the hearing or the item says no."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.organisations import services as organisations
from app.organisations.models import ApiScope
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins.models import SignIn, SignInStatus
from app.testimony.models import ReviewStatus, Testimony
from tests.api.submitting import closed, key_for, position_item, post, written_item
from tests.factories import make_admin, make_body, make_hearing, make_organisation


def _count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _testimony_path(hearing) -> str:
    return f"/api/v1/hearings/{hearing.id}/testimony"


def _audited(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def hearing(db):
    return make_hearing()


def test_testimony_is_stored_as_the_web_form_stores_it_marked_with_its_organisation(
    client, db, hearing
):
    key = key_for(hearing)
    sent = written_item(hearing, external_reference="crm-4471", organization="Neighbours United")
    answer = post(client, _testimony_path(hearing), sent, key=key)
    assert answer.status_code == 201, answer.text
    document = answer.get_json()
    assert document["status"] == "stored"
    assert document["tracking_number"].startswith("OT-")
    assert document["external_reference"] == "crm-4471"
    assert document["receipt"] == {"to": "resident", "status": "queued"}
    assert answer.headers["Cache-Control"] == "no-store"

    testimony = db.session.scalars(select(Testimony)).one()
    assert testimony.tracking_number == document["tracking_number"]
    assert testimony.organisation_id == key.key.organisation_id
    assert testimony.external_reference == "crm-4471"
    assert testimony.status is ReviewStatus.PENDING  # moderated like any other
    assert testimony.quarantine_reason is None
    assert (testimony.full_name, testimony.email, testimony.organization) == (
        "Denise Okafor",
        "denise@example.org",
        "Neighbours United",
    )
    (submitted,) = _audited(db, "testimony.submitted")
    assert submitted.data["organisation_id"] == key.key.organisation_id
    assert len(_audited(db, "api_key.used")) == 1
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "denise@example.org"
    assert f"{key.key.organisation.name} sent this for you" in mail.body_text
    # The resident can confirm, or dispute, as ever (the links themselves are removed from the
    # outbox's copy once it is sent).
    assert "Please confirm that this is your e-mail address" in mail.body_text
    assert "If you did not send it, tell us here" in mail.body_text


def test_without_an_address_the_receipt_goes_to_the_organisation_saying_so(client, db, hearing):
    organisation = make_organisation(contact_email="intake@neighbours.example")
    key = key_for(hearing, organisation=organisation)
    answer = post(client, _testimony_path(hearing), written_item(hearing, email=None), key=key)
    assert answer.status_code == 201, answer.text
    assert answer.get_json()["receipt"] == {"to": "organisation", "status": "queued"}
    testimony = db.session.scalars(select(Testimony)).one()
    assert (testimony.email, testimony.mail_address) == ("", "intake@neighbours.example")
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "intake@neighbours.example"
    assert (
        f"{organisation.name} sent this for Denise Okafor, who gave no e-mail address"
        in mail.body_text
    )
    assert "at this private link" in mail.body_text  # the link to pass on
    # The organisation's address is not the resident's: nothing to confirm or dispute with it.
    assert "confirm that this is your e-mail address" not in mail.body_text
    assert "If you did not send it" not in mail.body_text
    assert "what the committee does" not in mail.body_text


def test_a_sign_in_is_recorded_with_its_organisation(client, db, hearing):
    key = key_for(hearing)
    answer = post(
        client,
        f"/api/v1/hearings/{hearing.id}/sign-ins",
        position_item(hearing, email=None, external_reference="petition-9"),
        key=key,
    )
    assert answer.status_code == 201, answer.text
    document = answer.get_json()
    assert document["tracking_number"].startswith("OS-")
    assert document["receipt"]["to"] == "organisation"
    sign_in = db.session.scalars(select(SignIn)).one()
    assert sign_in.tracking_number == document["tracking_number"]
    assert (sign_in.organisation_id, sign_in.external_reference) == (
        key.key.organisation_id,
        "petition-9",
    )
    assert sign_in.status is SignInStatus.PUBLISHED
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == key.key.organisation.contact_email
    assert "sent this for Rosa Delgado, who gave no e-mail address" in mail.body_text
    assert "Please confirm that this is your e-mail address" not in mail.body_text
    assert "If you did not send it" not in mail.body_text


def _revoked(hearing):
    issued = key_for(hearing)
    organisations.revoke_key(make_admin(), issued.key, now=utcnow())
    _db.session.commit()
    return issued


def _expired(hearing):
    issued = key_for(hearing, now=utcnow() - timedelta(days=40))
    issued.key.expires_at = utcnow() - timedelta(days=1)
    _db.session.commit()
    return issued


def _archived(hearing):
    organisation = make_organisation()
    issued = key_for(hearing, organisation=organisation)
    organisations.archive_organisation(make_admin(), organisation, now=utcnow())
    _db.session.commit()
    return issued


def _another_body(hearing):
    return key_for(hearing, bodies=[make_body(name="Massachusetts General Court")])


def _sign_ins_only(hearing):
    return key_for(hearing, scopes=[ApiScope.SUBMIT_SIGN_INS])


KEYS = {
    "revoked": (_revoked, 401, "This API key has been revoked."),
    "expired": (_expired, 401, "This API key has expired."),
    "archived": (_archived, 401, "The organisation this API key belongs to is archived."),
    "another-body": (_another_body, 403, "This API key may not submit to this body."),
    "wrong-scope": (_sign_ins_only, 403, "This API key may not do this"),
}


@pytest.mark.parametrize("case", KEYS)
def test_a_key_that_cannot_be_used_stores_nothing_and_says_why(client, db, hearing, case):
    make_key, status, detail = KEYS[case]
    key = make_key(hearing)
    answer = post(client, _testimony_path(hearing), written_item(hearing), key=key)
    assert answer.status_code == status
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["detail"].startswith(detail)
    assert answer.headers["WWW-Authenticate"].startswith('Bearer realm="OpenTestimony API"')
    assert _count(db, Testimony) == 0
    assert _count(db, OutboxMessage) == 0
    assert _audited(db, "api_key.used") == []


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer otk_nonsense", "Basic dXNlcjpwYXNz", "Bearer " + "otk_0123abcd_" + "A" * 43],
    ids=["none", "malformed", "basic", "unknown"],
)
def test_no_key_or_one_we_never_issued_is_401(client, db, hearing, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    answer = closed(
        client.post(_testimony_path(hearing), json=written_item(hearing), headers=headers)
    )
    assert answer.status_code == 401
    assert "WWW-Authenticate" in answer.headers
    assert _count(db, Testimony) == 0


def test_a_refused_item_gets_each_error_with_its_pointer_and_stores_nothing(client, db, hearing):
    key = key_for(hearing)
    sent = written_item(hearing, email="not-an-address", zip_code="021", text="   ", full_name=None)
    answer = post(client, _testimony_path(hearing), sent, key=key)
    assert answer.status_code == 422
    document = answer.get_json()
    assert document["detail"] == "The testimony was not stored: see `errors`."
    # full_name is missing: the item's types are checked first, and that is all it hears.
    assert document["errors"] == [{"pointer": "/full_name", "detail": "Field required"}]

    sent = written_item(hearing, email="not-an-address", zip_code="021", text="   ")
    errors = post(client, _testimony_path(hearing), sent, key=key).get_json()["errors"]
    assert {error["pointer"]: error["detail"] for error in errors} == {
        "/email": "Enter an e-mail address like name@example.org.",
        "/zip_code": "Enter a 5-digit ZIP code, like 02108.",
        "/text": "Write your testimony.",
    }
    assert _count(db, Testimony) == 0
    assert _count(db, OutboxMessage) == 0
    # Each request was a use of the key, recorded as such.
    assert len(_audited(db, "api_key.used")) == 2


def test_the_deadline_is_the_web_forms(client, db):
    now = utcnow()
    closed = make_hearing(
        testimony_closes_at=now - timedelta(minutes=1),
        speaker_signup_closes_at=now - timedelta(minutes=2),
        starts_at=now,
    )
    not_yet = make_hearing(testimony_opens_at=now + timedelta(days=1))
    for hearing, detail in (
        (closed, "The deadline for testimony on this hearing has passed"),
        (not_yet, "Testimony on this hearing has not opened yet."),
    ):
        key = key_for(hearing)
        answer = post(client, _testimony_path(hearing), written_item(hearing), key=key)
        assert answer.status_code == 409
        assert answer.get_json()["detail"].startswith(detail)
        answer = post(
            client, f"/api/v1/hearings/{hearing.id}/sign-ins", position_item(hearing), key=key
        )
        assert answer.status_code == 409
    assert _count(db, Testimony) == 0
    assert _count(db, SignIn) == 0


def test_what_the_hearing_does_not_offer_is_refused_at_its_field(client, db):
    hearing = make_hearing(remote_url=None, speaker_signup_closes_at=utcnow() - timedelta(1))
    key = key_for(hearing)
    sent = written_item(hearing, speaking_request="in_person", interpreter_language_id=999_999)
    errors = post(client, _testimony_path(hearing), sent, key=key).get_json()["errors"]
    assert {error["pointer"] for error in errors} == {
        "/speaking_request",
        "/interpreter_language_id",
    }
    assert any("Sign-up to speak at this hearing has closed" in e["detail"] for e in errors)
    assert _count(db, Testimony) == 0


def test_the_receipt_is_in_the_residents_language(client, db, hearing):
    key = key_for(hearing)
    answer = post(client, _testimony_path(hearing), written_item(hearing, language="es"), key=key)
    assert answer.status_code == 201
    assert db.session.scalars(select(Testimony)).one().language == "es"
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.subject.startswith("Testimonio recibido")


def test_an_unknown_hearing_is_404_and_another_media_type_415(client, db, hearing):
    key = key_for(hearing)
    answer = post(client, "/api/v1/hearings/999999/testimony", written_item(hearing), key=key)
    assert answer.status_code == 404
    assert answer.mimetype == "application/problem+json"
    answer = closed(
        client.post(
            _testimony_path(hearing),
            data="full_name=Denise",
            content_type="application/x-www-form-urlencoded",
            headers={"Authorization": f"Bearer {key.plaintext}"},
        )
    )
    assert answer.status_code == 415
    assert answer.headers["Accept-Post"] == "application/json, multipart/form-data"
    # Sign-ins carry no files: JSON only.
    answer = closed(
        client.post(
            f"/api/v1/hearings/{hearing.id}/sign-ins",
            data={"data": "{}"},
            headers={"Authorization": f"Bearer {key.plaintext}"},
        )
    )
    assert answer.status_code == 415
    assert answer.headers["Accept-Post"] == "application/json"


def test_writing_is_not_offered_to_other_sites_pages(client, db, hearing):
    key = key_for(hearing)
    answer = closed(
        client.post(
            _testimony_path(hearing),
            json=written_item(hearing),
            headers={
                "Authorization": f"Bearer {key.plaintext}",
                "Origin": "https://elsewhere.example",
            },
        )
    )
    assert answer.status_code == 201  # no CSRF token needed: the key authenticates it
    assert "Access-Control-Allow-Origin" not in answer.headers
    preflight = client.options(
        _testimony_path(hearing),
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "POST" not in preflight.headers.get("Access-Control-Allow-Methods", "")
