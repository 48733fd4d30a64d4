"""Hearing day: speaking rules, interpreter language lists, speakers and run sheets, and what
each packet printed (for its addendum).

- Hearings gain speaking rules. A hearing with a remote link keeps offering both ways of
  speaking; one without offers only in person, as before. A sign-up cut-off after the start is
  brought back to the start, which the new check requires.
- Every body gets the default list of interpreter languages. A testimony's free-text language
  that matches a listed language (its code, or its name in English or Spanish, ignoring case,
  accents and a trailing "interpreter") points at it from now on; anything else is kept as
  the resident wrote it and shows as "other".
- Packets made before this revision have no recorded contents: an addendum cannot be made
  since them, and the export page says so.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

import json
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "testimony_csv",
    "testimony_xlsx",
    "speakers_csv",
    "speakers_pdf",
    "packet_pdf",
    "bundle_zip",
)
NEW_KINDS = (*OLD_KINDS, "addendum_pdf")

# As app/hearings/languages.py had it at this revision.
DEFAULT_LANGUAGES = (
    ("es", "Spanish", "Español"),
    ("ht", "Haitian Creole", "Criollo haitiano"),
    ("zh-yue", "Chinese (Cantonese)", "Chino (cantonés)"),
    ("zh-cmn", "Chinese (Mandarin)", "Chino (mandarín)"),
    ("vi", "Vietnamese", "Vietnamita"),
    ("kea", "Cape Verdean Creole", "Criollo caboverdiano"),
    ("pt", "Portuguese", "Portugués"),
    ("ru", "Russian", "Ruso"),
    ("ar", "Arabic", "Árabe"),
    ("so", "Somali", "Somalí"),
    ("fr", "French", "Francés"),
    ("ase", "American Sign Language", "Lengua de señas americana"),
)


def _kind_check(kinds):
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    return f"kind IN ({listed})"


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = plain.replace("(", " ").replace(")", " ").split()
    if words and words[-1] in ("interpreter", "interpretation", "interprete"):
        words = words[:-1]
    return " ".join(words)


hearings = sa.table(
    "hearings",
    sa.column("id"),
    sa.column("remote_url"),
    sa.column("speaking_modes"),
    sa.column("starts_at", sa.DateTime()),
    sa.column("speaker_signup_closes_at", sa.DateTime()),
)
bodies = sa.table("bodies", sa.column("id"))
languages = sa.table(
    "interpreter_languages",
    sa.column("id"),
    sa.column("body_id"),
    sa.column("code"),
    sa.column("names", sa.JSON()),
    sa.column("position"),
)


def upgrade():
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.add_column(
            sa.Column("speaker_minutes", sa.Integer(), server_default=sa.text("3"), nullable=False)
        )
        batch_op.add_column(sa.Column("max_speakers", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "speaking_modes",
                sa.Enum(
                    "in_person",
                    "remote",
                    "both",
                    name="speaking_modes",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                server_default="both",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("officials_first", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("remote_pin", sa.String(length=40), nullable=True))
    bind = op.get_bind()
    bind.execute(
        hearings.update().where(hearings.c.remote_url.is_(None)).values(speaking_modes="in_person")
    )
    bind.execute(
        hearings.update()
        .where(hearings.c.speaker_signup_closes_at > hearings.c.starts_at)
        .values(speaker_signup_closes_at=hearings.c.starts_at)
    )
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.create_check_constraint(
            "signup_before_start",
            "speaker_signup_closes_at IS NULL OR speaker_signup_closes_at <= starts_at",
        )
        batch_op.create_check_constraint(
            "speaker_minutes_range", "speaker_minutes BETWEEN 1 AND 60"
        )
        batch_op.create_check_constraint(
            "max_speakers_positive", "max_speakers IS NULL OR max_speakers > 0"
        )

    op.create_table(
        "interpreter_languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
            name=op.f("fk_interpreter_languages_body_id_bodies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interpreter_languages")),
        sa.UniqueConstraint(
            "body_id", "code", name=op.f("uq_interpreter_languages_body_id_code")
        ),
    )
    op.create_index(
        op.f("ix_interpreter_languages_body_id"), "interpreter_languages", ["body_id"]
    )
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.add_column(sa.Column("interpreter_language_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_testimonies_interpreter_language_id_interpreter_languages"),
            "interpreter_languages",
            ["interpreter_language_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    _list_default_languages(bind)
    _map_free_text_languages(bind)

    op.create_table(
        "run_sheets",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column(
            "order_rule",
            sa.Enum(
                "first_come",
                "alternate",
                name="order_rule",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("officials_first", sa.Boolean(), nullable=False),
        sa.Column("group_interpreters", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("floor_opened_at", sa.DateTime(), nullable=True),
        sa.Column("floor_closed_at", sa.DateTime(), nullable=True),
        sa.Column("kiosk_token_hash", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_run_sheets_version_positive")),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_run_sheets_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hearing_id", name=op.f("pk_run_sheets")),
        sa.UniqueConstraint("kiosk_token_hash", name=op.f("uq_run_sheets_kiosk_token_hash")),
    )
    op.create_table(
        "speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("testimony_id", sa.Integer(), nullable=True),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("organization", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), server_default=sa.text("''"), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column(
            "position",
            sa.Enum(
                "support",
                "oppose",
                "neutral",
                name="speaker_position",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "mode",
            sa.Enum(
                "in_person",
                "remote",
                name="speaker_mode",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("interpreter_language_id", sa.Integer(), nullable=True),
        sa.Column("interpreter_other", sa.String(length=100), nullable=True),
        sa.Column("is_official", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=True),
        sa.Column("place", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "waitlisted",
                "speaking",
                "spoke",
                "no_show",
                "cancelled",
                name="speaker_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("remote_link", sa.String(length=500), nullable=True),
        sa.Column("window_starts_at", sa.DateTime(), nullable=True),
        sa.Column("window_ends_at", sa.DateTime(), nullable=True),
        sa.Column("told_signature", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("signed_up_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)",
            name=op.f("ck_speakers_cancelled_has_time"),
        ),
        sa.CheckConstraint(
            "ended_at IS NULL OR started_at IS NOT NULL",
            name=op.f("ck_speakers_ended_after_start"),
        ),
        sa.CheckConstraint("place IS NULL OR place > 0", name=op.f("ck_speakers_place_positive")),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearings.id"],
            name=op.f("fk_speakers_hearing_id_hearings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interpreter_language_id"],
            ["interpreter_languages.id"],
            name=op.f("fk_speakers_interpreter_language_id_interpreter_languages"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["measures.id"],
            name=op.f("fk_speakers_measure_id_measures"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name=op.f("fk_speakers_testimony_id_testimonies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speakers")),
        sa.UniqueConstraint("testimony_id", name=op.f("uq_speakers_testimony_id")),
    )
    op.create_index("ix_speakers_hearing_place", "speakers", ["hearing_id", "place", "id"])

    op.create_table(
        "packet_testimonies",
        sa.Column("packet_id", sa.Integer(), nullable=False),
        sa.Column("testimony_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["packet_id"],
            ["packets.id"],
            name=op.f("fk_packet_testimonies_packet_id_packets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["testimony_id"],
            ["testimonies.id"],
            name=op.f("fk_packet_testimonies_testimony_id_testimonies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("packet_id", "testimony_id", name=op.f("pk_packet_testimonies")),
    )
    op.create_index(
        op.f("ix_packet_testimonies_testimony_id"), "packet_testimonies", ["testimony_id"]
    )
    with op.batch_alter_table("packets") as batch_op:
        batch_op.drop_constraint(op.f("ck_packets_packet_kind"), type_="check")
        batch_op.create_check_constraint("packet_kind", _kind_check(NEW_KINDS))
        batch_op.add_column(sa.Column("since_packet_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_packets_since_packet_id_packets"),
            "packets",
            ["since_packet_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def _list_default_languages(bind) -> None:
    body_ids = bind.execute(sa.select(bodies.c.id)).scalars().all()
    rows = [
        {"body_id": body_id, "code": code, "names": {"en": en, "es": es}, "position": position}
        for body_id in body_ids
        for position, (code, en, es) in enumerate(DEFAULT_LANGUAGES)
    ]
    if rows:
        bind.execute(languages.insert(), rows)


def _map_free_text_languages(bind) -> None:
    listed: dict[tuple[int, str], int] = {}
    for row in bind.execute(sa.select(languages)).mappings():
        names = row["names"] if isinstance(row["names"], dict) else json.loads(row["names"])
        for word in (row["code"], *names.values()):
            listed.setdefault((row["body_id"], _fold(word)), row["id"])
    asked = bind.execute(
        sa.text(
            "SELECT t.id, t.interpreter_language, c.body_id FROM testimonies t"
            " JOIN hearings h ON h.id = t.hearing_id"
            " JOIN committees c ON c.id = h.committee_id"
            " WHERE t.interpreter_language IS NOT NULL"
        )
    ).all()
    for testimony_id, free_text, body_id in asked:
        language_id = listed.get((body_id, _fold(free_text)))
        if language_id is not None:
            bind.execute(
                sa.text(
                    "UPDATE testimonies SET interpreter_language_id = :language,"
                    " interpreter_language = NULL WHERE id = :id"
                ),
                {"language": language_id, "id": testimony_id},
            )


def downgrade():
    bind = op.get_bind()
    op.execute("DELETE FROM packets WHERE kind = 'addendum_pdf'")
    with op.batch_alter_table("packets") as batch_op:
        batch_op.drop_constraint(op.f("fk_packets_since_packet_id_packets"), type_="foreignkey")
        batch_op.drop_column("since_packet_id")
        batch_op.drop_constraint(op.f("ck_packets_packet_kind"), type_="check")
        batch_op.create_check_constraint("packet_kind", _kind_check(OLD_KINDS))
    op.drop_index(op.f("ix_packet_testimonies_testimony_id"), table_name="packet_testimonies")
    op.drop_table("packet_testimonies")
    op.drop_index("ix_speakers_hearing_place", table_name="speakers")
    op.drop_table("speakers")
    op.drop_table("run_sheets")
    # The chosen language goes back into the free-text column, in English.
    for language_id, names in bind.execute(sa.select(languages.c.id, languages.c.names)).all():
        names = names if isinstance(names, dict) else json.loads(names)
        bind.execute(
            sa.text(
                "UPDATE testimonies SET interpreter_language = :name"
                " WHERE interpreter_language_id = :id"
            ),
            {"name": names.get("en", ""), "id": language_id},
        )
    with op.batch_alter_table("testimonies") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_testimonies_interpreter_language_id_interpreter_languages"),
            type_="foreignkey",
        )
        batch_op.drop_column("interpreter_language_id")
    op.drop_index(op.f("ix_interpreter_languages_body_id"), table_name="interpreter_languages")
    op.drop_table("interpreter_languages")
    with op.batch_alter_table("hearings") as batch_op:
        batch_op.drop_constraint(op.f("ck_hearings_max_speakers_positive"), type_="check")
        batch_op.drop_constraint(op.f("ck_hearings_speaker_minutes_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_hearings_signup_before_start"), type_="check")
        batch_op.drop_constraint(op.f("ck_hearings_speaking_modes"), type_="check")
        for column in (
            "remote_pin",
            "officials_first",
            "speaking_modes",
            "max_speakers",
            "speaker_minutes",
        ):
            batch_op.drop_column(column)
