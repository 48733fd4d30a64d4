"""Full-text search over testimonies for the moderation queue.

An index of each testimony's name, organisation and text, kept current by triggers in the same
transaction as every insert, amendment, redaction and erasure, and filled here for what exists.

SQLite: an FTS5 table over the testimonies' own columns (external content, so the text is not
stored twice), accents folded; prefixes of two and three letters indexed so a name being typed
is cheap to look up. SQLite has no stemmer for Spanish, so no stemming at all: the last word of
a search matches as a prefix instead.

PostgreSQL: `testimony_search`, one tsvector per testimony with a GIN index. The body of a
hearing does not say which language its testimony is written in (residents write in English or
Spanish whatever the body), so each part is indexed in the 'simple', 'english' and 'spanish'
configurations at once, accents folded: "cameras" finds "camera", "camaras" finds "cámara",
and a name typed in part still matches the unstemmed word. Weights rank the name above the
organisation above the text.

The index tables are not models: app/moderation/search.py queries them and names them for the
model/migration comparison.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


SQLITE_UP = [
    """CREATE VIRTUAL TABLE testimony_search USING fts5(
        full_name, organization, body,
        content='testimonies', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    """CREATE TRIGGER testimony_search_insert AFTER INSERT ON testimonies BEGIN
        INSERT INTO testimony_search (rowid, full_name, organization, body)
        VALUES (new.id, new.full_name, new.organization, new.body);
    END""",
    # An external-content index forgets a row by being told the old values it indexed.
    """CREATE TRIGGER testimony_search_delete AFTER DELETE ON testimonies BEGIN
        INSERT INTO testimony_search (testimony_search, rowid, full_name, organization, body)
        VALUES ('delete', old.id, old.full_name, old.organization, old.body);
    END""",
    """CREATE TRIGGER testimony_search_update AFTER UPDATE OF full_name, organization, body
    ON testimonies BEGIN
        INSERT INTO testimony_search (testimony_search, rowid, full_name, organization, body)
        VALUES ('delete', old.id, old.full_name, old.organization, old.body);
        INSERT INTO testimony_search (rowid, full_name, organization, body)
        VALUES (new.id, new.full_name, new.organization, new.body);
    END""",
    "INSERT INTO testimony_search (testimony_search) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS testimony_search_update",
    "DROP TRIGGER IF EXISTS testimony_search_delete",
    "DROP TRIGGER IF EXISTS testimony_search_insert",
    "DROP TABLE IF EXISTS testimony_search",
]

# Configurations of our own: the built-in ones with accents folded first (unaccent, from
# PostgreSQL's contrib, packaged with it by Debian and offered by hosted PostgreSQL services).
_CONFIGURATIONS = {"simple": "simple", "english": "english_stem", "spanish": "spanish_stem"}

POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    *[
        statement
        for name, dictionary in _CONFIGURATIONS.items()
        for statement in (
            f"CREATE TEXT SEARCH CONFIGURATION testimony_{name} (COPY = pg_catalog.{name})",
            f"ALTER TEXT SEARCH CONFIGURATION testimony_{name} ALTER MAPPING FOR "
            f"word, hword, hword_part WITH unaccent, {dictionary}",
        )
    ],
    # ON DELETE CASCADE: deleting (or truncating) testimony takes its index entry with it.
    """CREATE TABLE testimony_search (
        testimony_id integer PRIMARY KEY REFERENCES testimonies (id) ON DELETE CASCADE,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX ix_testimony_search_document ON testimony_search USING gin (document)",
    """CREATE FUNCTION testimony_search_part(part text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(
            to_tsvector('testimony_simple'::regconfig, coalesce(part, ''))
            || to_tsvector('testimony_english'::regconfig, coalesce(part, ''))
            || to_tsvector('testimony_spanish'::regconfig, coalesce(part, '')),
            weight
        )
    $$""",
    """CREATE FUNCTION testimony_search_document(full_name text, organization text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT testimony_search_part(full_name, 'A')
            || testimony_search_part(organization, 'B')
            || testimony_search_part(body, 'D')
    $$""",
    """CREATE FUNCTION testimony_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO testimony_search (testimony_id, document)
        VALUES (NEW.id, testimony_search_document(NEW.full_name, NEW.organization, NEW.body))
        ON CONFLICT (testimony_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER testimony_search_insert AFTER INSERT ON testimonies
    FOR EACH ROW EXECUTE FUNCTION testimony_search_refresh()""",
    """CREATE TRIGGER testimony_search_update AFTER UPDATE OF full_name, organization, body
    ON testimonies FOR EACH ROW
    WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name
          OR OLD.organization IS DISTINCT FROM NEW.organization
          OR OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION testimony_search_refresh()""",
    """INSERT INTO testimony_search (testimony_id, document)
    SELECT id, testimony_search_document(full_name, organization, body) FROM testimonies""",
    "ANALYZE testimony_search",
]

POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS testimony_search_update ON testimonies",
    "DROP TRIGGER IF EXISTS testimony_search_insert ON testimonies",
    "DROP FUNCTION IF EXISTS testimony_search_refresh()",
    "DROP TABLE IF EXISTS testimony_search",
    "DROP FUNCTION IF EXISTS testimony_search_document(text, text, text)",
    'DROP FUNCTION IF EXISTS testimony_search_part(text, "char")',
    *[f"DROP TEXT SEARCH CONFIGURATION IF EXISTS testimony_{name}" for name in _CONFIGURATIONS],
    # unaccent stays: it may have been there before this migration, and others may use it.
]


def _statements(up: bool) -> list[str]:
    if op.get_bind().dialect.name == "postgresql":
        return POSTGRESQL_UP if up else POSTGRESQL_DOWN
    return SQLITE_UP if up else SQLITE_DOWN


def upgrade():
    for statement in _statements(up=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(up=False):
        op.execute(statement)
