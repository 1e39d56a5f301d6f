"""search: a row per artist, album and song with its names as search reads them, and their words

Revision ID: f6d4b8c0e2a5
Revises: e5c3a7b9d1f4
Create Date: 2026-12-07 16:00:00

PostgreSQL indexes the rows with a generated, weighted `tsvector` column per table (the
`simple` configuration: the words are normalised already) and a GIN index on it. SQLite
indexes them with an FTS5 table per table, its content the search table's (external content),
kept by triggers. The rows are filled from the catalog by the last migration that changes
search's tables (a7e5c9d1f3b6 today), with the code of that day.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f6d4b8c0e2a5"
down_revision: str | None = "e5c3a7b9d1f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: (id column, referenced table, {text column: weight})
TABLES = {
    "artist_search": ("artist_id", "artists", {"name": "A"}),
    "album_search": ("album_id", "albums", {"title": "A", "artist": "B"}),
    "song_search": ("song_id", "songs", {"title": "A", "artists": "B", "album": "C"}),
}
FTS_TOKENIZER = "unicode61 remove_diacritics 2"


def _postgres_index(table: str, weights: dict[str, str]) -> None:
    vector = " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, {column}), '{weight}')"
        for column, weight in weights.items()
    )
    op.execute(
        f"ALTER TABLE {table} ADD COLUMN vector tsvector GENERATED ALWAYS AS ({vector}) STORED"
    )
    op.execute(f"CREATE INDEX ix_{table}_vector ON {table} USING gin (vector)")


def _sqlite_index(table: str, columns: Sequence[str]) -> None:
    fts = f"{table}_fts"
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', "
        f"content_rowid='rowid', tokenize='{FTS_TOKENIZER}', prefix='2 3')"
    )
    # Names of this file only.
    forget = f"INSERT INTO {fts} ({fts}, rowid, {listed}) VALUES ('delete', old.rowid, {old});"  # noqa: S608
    remember = f"INSERT INTO {fts} (rowid, {listed}) VALUES (new.rowid, {new});"  # noqa: S608
    op.execute(f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN {remember} END")
    op.execute(f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN {forget} END")
    op.execute(f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN {forget} {remember} END")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, (id_column, referenced, weights) in TABLES.items():
        op.create_table(
            table,
            sa.Column(id_column, sa.Uuid(), nullable=False),
            sa.Column("key", sa.Text(), nullable=False),
            *(sa.Column(column, sa.Text(), nullable=False) for column in weights),
            sa.ForeignKeyConstraint(
                [id_column],
                [f"{referenced}.id"],
                name=op.f(f"fk_{table}_{id_column}_{referenced}"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint(id_column, name=op.f(f"pk_{table}")),
        )
        if postgres:
            _postgres_index(table, weights)
        else:
            _sqlite_index(table, list(weights))
    op.create_table(
        "search_words",
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_table("search_words")
    for table in reversed(TABLES):
        if not postgres:
            for trigger in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER {table}_{trigger}")
            op.execute(f"DROP TABLE {table}_fts")
        op.drop_table(table)
