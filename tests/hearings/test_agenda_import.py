"""Applying an import: exactly the plan, through the services the forms use (audit rows,
residents and followers told of a moved hearing, calendar SEQUENCE), nothing from a file with
errors, nothing at all when the same file comes again, and a confirmation refused when the plan
changed since the preview."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.hearings.agenda_import import (
    Operator,
    PlanChanged,
    PlanHasErrors,
    apply_plan,
    import_agenda,
)
from app.hearings.agenda_plan import plan_agenda
from app.hearings.measure_texts import measure_text
from app.hearings.models import Hearing, Measure
from app.platform.audit import AuditEvent
from app.platform.jobs import Job
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from tests.factories import (
    agenda_csv,
    agenda_hearing,
    agenda_measure,
    example_agenda,
    make_agenda_bodies,
    make_staff_user,
    make_testimony,
    snapshot,
)


@pytest.fixture
def committees(db):
    committees = make_agenda_bodies()
    db.session.commit()
    return committees


@pytest.fixture
def clerk(db):
    user = make_staff_user(Role.CLERK)
    db.session.commit()
    return user


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.mark.parametrize("name", ["agenda.csv", "agenda.json"])
def test_the_example_files_import_and_import_again_changes_nothing(db, committees, clerk, name):
    data = example_agenda(name)
    plan = import_agenda(clerk, data, name, now=utcnow())
    db.session.commit()
    measures = {m.external_id: m for m in db.session.scalars(select(Measure))}
    hearings = {h.external_id: h for h in db.session.scalars(select(Hearing))}
    assert sorted(measures) == ["boston-2020-docket-0683", "ma-191-h1538", "ma-191-s1385"]
    moratorium = hearings["ma-191-2019-10-22-judiciary"]
    assert [m.number for m in moratorium.measures] == ["H.1538", "S.1385"]
    assert moratorium.starts_at == datetime(2019, 10, 22, 14, 0, tzinfo=UTC)
    assert moratorium.testimony_opens_at == datetime(2019, 10, 1, 13, 0, tzinfo=UTC)
    boston = hearings["boston-2020-06-09-gov-ops"]
    assert boston.starts_at == datetime(2020, 6, 9, 14, 0, tzinfo=UTC)  # 10:00 in Boston
    assert (boston.max_speakers, boston.speaking_modes.value) == (20, "both")
    spanish = measure_text(measures["boston-2020-docket-0683"], "es")
    assert spanish.title == "Ordenanza que prohíbe la vigilancia facial en Boston"
    assert not measure_text(measures["ma-191-s1385"], "es").is_translated
    assert plan.counts()[plan.rows[0].action] == 5
    actions = audit_actions(db)
    assert actions.count("measure.created") == 3
    assert actions.count("measure.translated") == 2
    assert actions.count("hearing.created") == 2
    assert actions.count("agenda.imported") == 2  # once per body

    before = snapshot(db)
    again = import_agenda(clerk, data, name, now=utcnow())
    db.session.commit()
    assert [row.action.value for row in again.rows] == ["unchanged"] * 5
    assert snapshot(db) == before


def test_the_csv_and_json_examples_describe_the_same_agenda(db, committees, clerk):
    import_agenda(clerk, example_agenda("agenda.csv"), "agenda.csv", now=utcnow())
    db.session.commit()
    plan = plan_agenda(example_agenda("agenda.json"), "agenda.json")
    assert [row.action.value for row in plan.rows] == ["unchanged"] * 5


def test_a_file_with_any_error_imports_nothing(db, committees, clerk):
    data = agenda_csv(agenda_measure(), agenda_hearing(measures="nowhere"))
    before = snapshot(db)
    with pytest.raises(PlanHasErrors) as refused:
        import_agenda(clerk, data, "agenda.csv", now=utcnow())
    assert str(refused.value).startswith("The file has errors, so nothing was imported.")
    assert refused.value.plan.rows[1].errors
    db.session.rollback()
    assert snapshot(db) == before


def test_a_change_is_applied_and_recorded_once(db, committees, clerk):
    import_agenda(clerk, agenda_csv(agenda_measure()), "agenda.csv", now=utcnow())
    db.session.commit()
    count = len(audit_actions(db))
    import_agenda(
        clerk, agenda_csv(agenda_measure(title="Face surveillance ban")), "a.csv", now=utcnow()
    )
    db.session.commit()
    assert db.session.scalars(select(Measure.title)).one() == "Face surveillance ban"
    assert audit_actions(db)[count:] == ["measure.updated", "agenda.imported"]
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.data["changed"] == 1 and event.data["file"] == "a.csv"


def test_a_confirmation_is_refused_when_the_plan_changed_since_the_preview(db, committees, clerk):
    data = agenda_csv(agenda_measure())
    shown = plan_agenda(data, "agenda.csv").fingerprint()
    import_agenda(clerk, agenda_csv(agenda_measure(title="Typed meanwhile")), "b.csv", now=utcnow())
    db.session.commit()
    with pytest.raises(PlanChanged) as changed:
        import_agenda(clerk, data, "agenda.csv", now=utcnow(), expected=shown)
    assert changed.value.plan.rows[0].changes[0].field == "title"
    db.session.rollback()
    assert db.session.scalars(select(Measure.title)).one() == "Typed meanwhile"


def test_moving_a_hearing_tells_residents_and_followers_and_raises_its_sequence(
    db, committees, clerk
):
    data = agenda_csv(agenda_measure(), agenda_hearing())
    import_agenda(clerk, data, "agenda.csv", now=utcnow())
    db.session.commit()
    hearing = db.session.scalars(select(Hearing)).one()
    hearing.testimony_opens_at = datetime(2020, 1, 1, tzinfo=UTC)  # open, to take testimony
    make_testimony(hearing, email="resident@example.org")
    db.session.commit()
    sequence = hearing.calendar_sequence
    moved = agenda_csv(
        agenda_measure(),
        agenda_hearing(
            starts_at="2030-06-10T10:00",
            testimony_opens_at="2020-01-01T00:00Z",
            testimony_closes_at="2030-06-10T09:00",
        ),
    )
    import_agenda(clerk, moved, "agenda.csv", now=utcnow())
    db.session.commit()
    db.session.refresh(hearing)
    assert hearing.calendar_sequence == sequence + 1
    assert "hearing.rescheduled" in audit_actions(db)
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert "hearing_rescheduled" in kinds
    assert db.session.scalars(select(Job.kind).where(Job.kind == "following.hearing_changed")).all()


def test_settings_only_the_form_sets_are_kept(db, committees, clerk):
    import_agenda(clerk, agenda_csv(agenda_measure(), agenda_hearing()), "a.csv", now=utcnow())
    db.session.commit()
    hearing = db.session.scalars(select(Hearing)).one()
    hearing.remote_pin, hearing.officials_first, hearing.confirmed_only = "845 2091", True, True
    db.session.commit()
    import_agenda(
        clerk,
        agenda_csv(agenda_measure(), agenda_hearing(description="New description")),
        "a.csv",
        now=utcnow(),
    )
    db.session.commit()
    db.session.refresh(hearing)
    assert hearing.description == "New description"
    assert (hearing.remote_pin, hearing.officials_first, hearing.confirmed_only) == (
        "845 2091",
        True,
        True,
    )


def test_the_command_line_is_recorded_as_the_system(db, committees):
    import_agenda(Operator(), agenda_csv(agenda_measure()), "a.csv", now=utcnow())
    db.session.commit()
    assert set(db.session.scalars(select(AuditEvent.actor))) == {"system"}


def test_applying_a_plan_with_errors_is_refused(db, committees, clerk):
    plan = plan_agenda(agenda_csv(agenda_measure(kind="motion")), "a.csv")
    with pytest.raises(PlanHasErrors):
        apply_plan(clerk, plan, now=utcnow())
