"""The demo has a registered organisation with a key, signed on to a published testimony on
the open hearing, and the ordinance in Spanish; loading the demo again adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import load_demo
from app.demo.organisations import NAME
from app.endorsements.models import Endorsement
from app.hearings.models import Hearing, MeasureTranslation
from app.organisations.models import ApiKey, Organisation
from app.testimony.models import Testimony


def test_the_demo_organisation_signs_on_and_the_ordinance_reads_in_spanish(client, db):
    load_demo()
    db.session.commit()

    organisation = db.session.scalar(select(Organisation).where(Organisation.name == NAME))
    assert (
        db.session.scalar(
            select(func.count(ApiKey.id)).where(ApiKey.organisation_id == organisation.id)
        )
        == 1
    )
    endorsement = db.session.scalar(select(Endorsement))
    hearing_id = db.session.get(Testimony, endorsement.testimony_id).hearing_id
    api = client.get(f"/api/v1/hearings/{hearing_id}/testimony").get_json()["items"]
    assert any(NAME in [e["name"] for e in item["endorsements"]] for item in api)

    translation = db.session.scalar(select(MeasureTranslation))
    open_hearing = db.session.get(Hearing, hearing_id)
    assert translation.measure_id == open_hearing.measures[0].id
    page = client.get(f"/hearings/{hearing_id}", headers={"Accept-Language": "es"}).text
    assert "Ordenanza que prohíbe la vigilancia facial en Boston" in page

    assert load_demo() == 0
    assert db.session.scalar(select(func.count(Endorsement.id))) == 1
