"""Demo position sign-ins: residents noting support or opposition on the ban without writing
testimony, on the held hearing (in its packet) and the open one (on its public page)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.hearings.models import Hearing
from app.platform.extensions import db
from app.signins.models import SignIn
from app.signins.services import SignInSubmission, record_sign_in
from app.testimony.models import Position

S, OP, N = Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL

# Name, city or town, ZIP, organisation, position: people from the neighbourhoods that spoke
# at the 2020 hearings, and a few from beyond the city line.
SIGNERS = (
    ("Marisol Vega", "East Boston", "02128", None, S),
    ("Tomás Ferreira", "Dorchester", "02122", None, S),
    ("Aisha Mohamed", "Roxbury", "02119", "Roxbury Tenants of Harvard", S),
    ("Kevin O'Brien", "South Boston", "02127", None, OP),
    ("Linh Pham", "Dorchester", "02124", None, S),
    ("Daniel Cohen", "Brighton", "02135", None, S),
    ("Patricia Walsh", "West Roxbury", "02132", None, OP),
    ("Jean-Baptiste Pierre", "Mattapan", "02126", None, S),
    ("Yusuf Abdi", "Hyde Park", "02136", None, S),
    ("Meredith Lowell", "Back Bay", "02116", "Back Bay Neighborhood Association", N),
    ("Carlos Rodríguez", "Jamaica Plain", "02130", None, S),
    ("Sarah Kim", "Allston", "02134", None, S),
    ("Michael Sullivan", "Charlestown", "02129", None, OP),
    ("Fatima Zahra El Idrissi", "Roslindale", "02131", None, S),
    ("Wei Zhang", "Chinatown", "02111", "Chinatown Residents Association", S),
    ("Grace Thompson", "Mission Hill", "02120", None, S),
    ("Rachel Goldberg", "Brookline", "02446", None, S),
    ("David Nguyen", "Quincy", "02169", None, N),
    ("Ebony Jackson", "Roxbury", "02121", None, S),
    ("Brian Murphy", "Dorchester", "02125", None, OP),
    ("Priya Raman", "Fenway", "02215", None, S),
    ("José Santos", "East Boston", "02128", None, S),
    ("Helen Chu", "South End", "02118", None, S),
    ("Samuel Okoye", "Mattapan", "02126", None, S),
)


def load_sign_ins(hearings: dict[str, Hearing], now: datetime) -> int:
    """Add the demo sign-ins that are missing; return how many were added."""
    created = 0
    for key, share in (("held", len(SIGNERS)), ("open", 14)):
        hearing = hearings[key]
        window_end = min(now, hearing.testimony_closes_at)
        elapsed = window_end - hearing.testimony_opens_at
        for index, (name, city, zip_code, org, position) in enumerate(SIGNERS[:share]):
            submission_key = f"demo-sign-in-{index:04d}-{key}"
            found = select(SignIn.id).filter_by(
                hearing_id=hearing.id, submission_key=submission_key
            )
            if db.session.scalar(found) is not None:
                continue
            received = hearing.testimony_opens_at + elapsed * (index + 1) / (share + 1)
            first = name.split()[0].lower().replace("é", "e").replace("á", "a")
            record_sign_in(
                hearing,
                SignInSubmission(
                    submission_key=submission_key,
                    full_name=name,
                    email=f"{first}.{index}.sign-in@example.org",
                    city=city,
                    zip_code=zip_code,
                    organization=org,
                    positions=((hearing.measures[0].id, position),),
                ),
                now=received,
                send_receipt=False,
            )
            created += 1
    return created
