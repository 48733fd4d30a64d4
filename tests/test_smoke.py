from sqlalchemy import func, select

from app.testimony.models import Testimony
from tests.factories import form_fields, make_hearing


def test_resident_submits_and_sees_receipt(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(f"/hearings/{hearing.id}/testimony/new")
    assert page.status_code == 200
    response = client.post(
        f"/hearings/{hearing.id}/testimony/new", data=form_fields(hearing, page.text)
    )
    assert response.status_code == 303, response.text
    receipt = client.get(response.headers["Location"])
    assert "Testimony received" in receipt.text
    assert db.session.scalar(select(func.count(Testimony.id))) == 1
