"""A registered organisation in the demo, with a key, signed on to a published testimony; and
the ordinance's title and summary in Spanish, so a resident reading in Spanish sees them.

The organisation is invented ("Jamaica Plain Neighbours for Privacy", e-mail at example.org);
its key's plaintext is not kept anywhere: an admin issues a new one to try the API.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.accounts.models import Role
from app.demo.staff import demo_staff
from app.endorsements.services import endorse
from app.hearings.measure_texts import Translation, set_translations
from app.hearings.models import Hearing
from app.organisations.models import ApiScope, Organisation
from app.organisations.services import OrganisationDetails, issue_key, register_organisation
from app.platform.extensions import db
from app.testimony.models import ReviewStatus, Testimony

NAME = "Jamaica Plain Neighbours for Privacy"

SPANISH = Translation(
    title="Ordenanza que prohíbe la vigilancia facial en Boston",
    summary=(
        "Prohíbe que cualquier funcionario o departamento de la Ciudad de Boston obtenga, "
        "conserve, consulte o use tecnología de vigilancia facial, o información derivada de "
        "ella, incluso pidiendo a un tercero que haga una búsqueda en nombre de la Ciudad. Las "
        "pruebas obtenidas en violación no pueden usarse en ningún procedimiento. Patrocinada "
        "por los concejales Michelle Wu y Ricardo Arroyo. La ordenanza no se aplica a empresas "
        "privadas ni a agencias federales."
    ),
)


def load_organisations(hearings: dict[str, Hearing], now: datetime) -> int:
    """Add the organisation, its key, its sign-on and the translation once; return how many
    records were created. Loading the demo tells no one."""
    if db.session.scalar(select(Organisation.id).where(Organisation.name == NAME)):
        return 0
    admin, created = demo_staff("demo-admin@example.gov", "Demo Admin", Role.ADMIN, now)
    open_hearing = hearings["open"]
    organisation = register_organisation(
        admin,
        OrganisationDetails(NAME, "privacy@jp-neighbours.example.org", "https://example.org"),
        now=now,
    )
    issue_key(
        admin,
        organisation,
        label="Petition tool",
        scopes=[ApiScope.SUBMIT_TESTIMONY, ApiScope.SUBMIT_SIGN_INS, ApiScope.ENDORSE],
        bodies=[open_hearing.body],
        expires_at=now + timedelta(days=90),
        now=now,
    )
    created += 2
    letter = db.session.scalar(
        select(Testimony)
        .where(
            Testimony.hearing_id == open_hearing.id,
            Testimony.status == ReviewStatus.APPROVED,
            Testimony.campaign_id.is_(None),
        )
        .order_by(Testimony.id)
        .limit(1)
    )
    if letter is not None:
        endorse(organisation, letter, now=now, actor=admin.audit_name)
        created += 1
    ordinance = open_hearing.measures[0]
    if set_translations(ordinance, {"es": SPANISH}):
        created += 1
    db.session.flush()
    return created
