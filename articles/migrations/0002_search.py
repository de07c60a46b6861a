"""Full-text search: an FTS5 index on SQLite, a weighted tsvector with a GIN index on PostgreSQL.

Both stay current inside the database (SQLite triggers, a PostgreSQL generated column), so
every write path, including bulk updates that bypass save(), keeps search right. Django
rebuilds a SQLite table to alter it, which drops its triggers: `articles.apps` runs
SQLITE_FORWARD again after every migrate (each statement is idempotent) for that reason.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS articles_article_fts USING fts5(
        title, standfirst, body,
        content='articles_article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_fts_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_fts(rowid, title, standfirst, body)
        VALUES (new.id, new.title, new.standfirst, new.body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_fts_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, standfirst, body)
        VALUES ('delete', old.id, old.title, old.standfirst, old.body);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS articles_article_fts_update AFTER UPDATE OF title, standfirst, body
    ON articles_article BEGIN
        INSERT INTO articles_article_fts(articles_article_fts, rowid, title, standfirst, body)
        VALUES ('delete', old.id, old.title, old.standfirst, old.body);
        INSERT INTO articles_article_fts(rowid, title, standfirst, body)
        VALUES (new.id, new.title, new.standfirst, new.body);
    END
    """,
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TABLE IF EXISTS articles_article_fts",
]

# English stemming with accents removed ("Caoimhín" = "Caoimhin"). to_tsvector with a fixed
# configuration is immutable, which a generated column requires.
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'fanportal_search') THEN
            CREATE TEXT SEARCH CONFIGURATION fanportal_search (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION fanportal_search
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END $$
    """,
    """
    ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('fanportal_search'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('fanportal_search'::regconfig, coalesce(standfirst, '')), 'B') ||
        setweight(to_tsvector('fanportal_search'::regconfig, coalesce(body, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX articles_article_search_idx ON articles_article USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_search_idx",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
