"""Migrations: one head, a schema that matches the models, and a working downgrade."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from app import create_app
from app.moderation.search import is_index_table
from app.platform.extensions import db as _db


def _script_directory(application) -> ScriptDirectory:
    migrate = application.extensions["migrate"]
    with application.app_context():
        return ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))


def _differences(connection) -> list:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            # The queue's full-text index is made by migration 0033 alone, not a model.
            "include_name": lambda name, kind, _parent: kind != "table" or not is_index_table(name),
        },
    )
    return compare_metadata(context, _db.metadata)


def test_there_is_exactly_one_head(app):
    heads = _script_directory(app).get_heads()
    assert len(heads) == 1, f"several Alembic heads: {heads}; merge them"


def test_every_revision_has_a_downgrade(app):
    for revision in _script_directory(app).walk_revisions():
        assert callable(getattr(revision.module, "downgrade", None)), revision.revision


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        differences = _differences(connection)
    assert differences == [], "models and migrations differ; write a migration:\n" + "\n".join(
        map(str, differences)
    )


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    """On a separate SQLite file: the shared test database is left alone."""
    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrations.db'}",
            "SECRET_KEY": "migration-test",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    model_tables = set(_db.metadata.tables)
    try:
        with application.app_context():
            upgrade()
            assert model_tables <= set(inspect(_db.engine).get_table_names())

            downgrade(revision="base")
            left = set(inspect(_db.engine).get_table_names()) - {"alembic_version"}
            assert left == set(), f"downgrade left tables behind: {left}"

            upgrade()
            assert model_tables <= set(inspect(_db.engine).get_table_names())
            with _db.engine.connect() as connection:
                head = _script_directory(application).get_current_head()
                assert MigrationContext.configure(connection).get_current_revision() == head
                assert _differences(connection) == []
    finally:
        with application.app_context():
            _db.engine.dispose()


def test_migrating_an_existing_sqlite_database_keeps_every_related_row(tmp_path):
    """SQLite alters a table by copying it and dropping the old one: that must not delete the
    testimony's attachments, versions, redactions, notes and decisions on the way."""
    from app.accounts.models import Role
    from app.moderation import services as moderation
    from app.platform.timezones import utcnow
    from app.testimony.models import ReviewStatus
    from tests.factories import make_hearing, make_staff_user, make_testimony, make_upload

    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'existing.db'}",
            "SECRET_KEY": "migration-test",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "BASE_URL": "https://testimony.example.org",
        }
    )
    child_tables = [
        "attachments",
        "redactions",
        "moderator_notes",
        "review_decisions",
        "wording_anchors",
    ]

    def counts(tables=child_tables):
        with _db.engine.connect() as connection:
            return {
                name: connection.scalar(select(func.count()).select_from(_db.metadata.tables[name]))
                for name in tables
            }

    try:
        with application.app_context(), application.test_request_context():
            upgrade()
            now = utcnow()
            hearing = make_hearing(now=now)
            body = "I support the ban on face surveillance in every city department, now."
            first = make_testimony(hearing, body=body, uploads=(make_upload(),)).testimony
            make_testimony(hearing, body=body, email="second@example.org")
            moderator = make_staff_user(Role.MODERATOR)
            moderation.redact_phrase(moderator, first, "support", now=now)
            moderation.add_note(moderator, first, "Checked.", now=now)
            moderation.decide(
                moderator,
                first,
                moderation.Decision(ReviewStatus.APPROVED),
                expected=ReviewStatus.PENDING,
                now=now,
            )
            _db.session.commit()
            _db.session.remove()
            before = counts()
            assert all(before.values()), before

            downgrade(revision="0006")  # back past every migration that rebuilds testimonies
            older = child_tables[:-1]  # wording_anchors goes with the campaigns migration
            assert counts(older) == {name: before[name] for name in older}
            upgrade()
            assert counts(older) == {name: before[name] for name in older}
            # Keys added later are filled in for testimony that was already there.
            with _db.engine.connect() as connection:
                keys = connection.execute(
                    text("SELECT email_key, name_key FROM testimonies ORDER BY id")
                ).all()
            assert keys == [
                ("denise@example.org", "denise okafor"),
                ("second@example.org", "denise okafor"),
            ]
    finally:
        with application.app_context():
            _db.engine.dispose()


def test_hearing_day_maps_free_text_interpreter_languages_to_the_bodys_list(tmp_path):
    """0022 gives every body the default list and points testimony whose free-text language
    matches a listed one (code, English or Spanish name, any case or accents, a trailing
    "interpreter") at it; anything else stays as the resident wrote it. Hearings get speaking
    rules: both ways of taking part with a remote link, in person without one."""
    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hearing_day.db'}",
            "SECRET_KEY": "migration-test",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    asked = ["Spanish", "spanish interpreter", "Español", "Klingon"]
    try:
        with application.app_context():
            upgrade(revision="0021")
            with _db.engine.begin() as connection:
                _rows_at_0021(connection, asked)

            upgrade(revision="0022")

            with _db.engine.connect() as connection:
                spanish = connection.execute(
                    text(
                        "SELECT id, names FROM interpreter_languages"
                        " WHERE body_id = 1 AND code = 'es'"
                    )
                ).one()
                listed = connection.scalar(
                    text("SELECT count(*) FROM interpreter_languages WHERE body_id = 1")
                )
                testimonies = connection.execute(
                    text(
                        "SELECT interpreter_language_id, interpreter_language"
                        " FROM testimonies ORDER BY id"
                    )
                ).all()
                hearings = connection.execute(
                    text(
                        "SELECT speaking_modes, speaker_minutes, max_speakers,"
                        " speaker_signup_closes_at = starts_at FROM hearings ORDER BY id"
                    )
                ).all()
    finally:
        with application.app_context():
            _db.engine.dispose()

    assert listed == 12
    assert json.loads(spanish.names) == {"en": "Spanish", "es": "Español"}
    assert testimonies == [
        (spanish.id, None),
        (spanish.id, None),
        (spanish.id, None),
        (None, "Klingon"),
    ]
    assert [tuple(row) for row in hearings] == [("both", 3, None, 0), ("in_person", 3, None, 1)]


def _rows_at_0021(connection, asked: list[str]) -> None:
    """A body, committee, measure, two hearings and testimony, as 0021's tables hold them."""
    connection.execute(
        text(
            "INSERT INTO bodies (id, slug, name, jurisdiction, timezone, created_at)"
            " VALUES (1, 'boston', 'Boston City Council', 'City of Boston',"
            " 'America/New_York', '2026-01-01 00:00:00')"
        )
    )
    connection.execute(
        text(
            "INSERT INTO committees (id, body_id, slug, name)"
            " VALUES (1, 1, 'gov-ops', 'Committee on Government Operations')"
        )
    )
    connection.execute(
        text(
            "INSERT INTO measures (id, committee_id, kind, number, title, summary, session)"
            " VALUES (1, 1, 'ordinance', 'Docket #0683', 'Face surveillance ban', '', '2020')"
        )
    )
    # The first has a remote link; the second none, and a sign-up cut-off after its start
    # (its testimony stayed open into the hearing, which nothing but the form refused).
    for hearing_id, remote_url, closes, signup in (
        (1, "https://example.org/watch", "2026-03-10 14:00:00", "2026-03-09 12:00:00"),
        (2, None, "2026-03-10 17:00:00", "2026-03-10 16:00:00"),
    ):
        connection.execute(
            text(
                "INSERT INTO hearings (id, committee_id, title, description, starts_at, location,"
                " remote_url, testimony_opens_at, testimony_closes_at, speaker_signup_closes_at,"
                " created_at)"
                " VALUES (:id, 1, 'Hearing', '', '2026-03-10 14:00:00', 'City Hall',"
                " :remote_url, '2026-02-01 00:00:00', :closes, :signup, '2026-01-01 00:00:00')"
            ),
            {"id": hearing_id, "remote_url": remote_url, "closes": closes, "signup": signup},
        )
        connection.execute(
            text(
                "INSERT INTO hearing_measures (hearing_id, measure_id, position) VALUES (:id, 1, 0)"
            ),
            {"id": hearing_id},
        )
    for number, language in enumerate(asked, start=1):
        connection.execute(
            text(
                "INSERT INTO testimonies (id, hearing_id, measure_id, tracking_number,"
                " receipt_token_hash, submission_key, full_name, email, street_address, city,"
                " zip_code, speaks_for_organization, public_record_acknowledged, position,"
                " body, speaking_request, interpreter_language, status, version, received_at,"
                " updated_at)"
                " VALUES (:id, 1, 1, :tracking, :token, :key, 'Denise Okafor',"
                " 'denise@example.org', '12 Example Street', 'Dorchester', '02124', 0, 1,"
                " 'support', 'I support the ban.', 'in_person', :language, 'pending', 1,"
                " '2026-02-02 00:00:00', '2026-02-02 00:00:00')"
            ),
            {
                "id": number,
                "tracking": f"OT-AAAA-AAA{number}",
                "token": f"{number:064d}",
                "key": f"form-{number}",
                "language": language,
            },
        )


def test_testimony_measures_start_with_each_testimonys_one_measure(tmp_path):
    """0025 copies every testimony's measure and position into testimony_measures (its only
    measure so far); earlier versions keep no list, which reads as their one measure. Going
    back drops both."""
    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'measures.db'}",
            "SECRET_KEY": "migration-test",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    try:
        with application.app_context():
            upgrade(revision="0021")
            with _db.engine.begin() as connection:
                _rows_at_0021(connection, ["", "", ""])
                connection.execute(text("UPDATE testimonies SET position = 'oppose' WHERE id = 2"))
                connection.execute(
                    text(
                        "INSERT INTO testimony_versions (testimony_id, version, measure_id,"
                        " position, body, speaking_request, superseded_at, amendment_reason)"
                        " VALUES (3, 1, 1, 'neutral', 'Before.', 'none', '2026-02-03 00:00:00',"
                        " 'Changed my mind.')"
                    )
                )
                connection.execute(text("UPDATE testimonies SET version = 2 WHERE id = 3"))

            upgrade(revision="0025")

            with _db.engine.connect() as connection:
                copied = connection.execute(
                    text(
                        "SELECT testimony_id, measure_id, position FROM testimony_measures"
                        " ORDER BY testimony_id"
                    )
                ).all()
                kept = connection.scalar(text("SELECT measures FROM testimony_versions"))

            downgrade(revision="0024")
            tables = set(inspect(_db.engine).get_table_names())
            version_columns = {
                c["name"] for c in inspect(_db.engine).get_columns("testimony_versions")
            }
    finally:
        with application.app_context():
            _db.engine.dispose()

    assert [tuple(row) for row in copied] == [
        (1, 1, "support"),
        (2, 1, "oppose"),
        (3, 1, "support"),
    ]
    assert kept is None
    assert "testimony_measures" not in tables
    assert "measures" not in version_columns
