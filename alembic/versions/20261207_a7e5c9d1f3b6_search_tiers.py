"""search tiers: each rank of search served by an index of its own; words know their fields

Revision ID: a7e5c9d1f3b6
Revises: f6d4b8c0e2a5
Create Date: 2026-12-07 16:00:00

A search walks its ranks in order (the name is the query, starts with it, holds its words, …)
and stops when it has a page. The key (a name's joined words) gets a btree with the id, in
byte order (PostgreSQL's "C" collation; SQLite's BINARY is bytewise already), for the exact and
prefix ranks and for the order within every rank; on PostgreSQL the name alone gets a vector of
its own (`primary_vector`, GIN), whose statistics let the planner tell a word that is in many
names from one that is in none (with statistics kept for more words than by default), and
the indexed words are compared byte by byte too, so that a
query's last word finds the words it starts with by a range. Each word also records the fields
that hold it, so that a search skips the ranks that need a word where no row has it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7e5c9d1f3b6"
down_revision: str | None = "f6d4b8c0e2a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The vectors' statistics keep this many times more common words than by default, so that a
# word missing from the list is known to be rare: the planner then takes the GIN index and
# sorts a few rows instead of walking the key's index for matches that are not there.
STATISTICS = 1000
# table: (id column, the name's column)
TABLES = {
    "artist_search": ("artist_id", "name"),
    "album_search": ("album_id", "title"),
    "song_search": ("song_id", "title"),
}


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column(
        "search_words", sa.Column("fields", sa.Integer(), server_default="0", nullable=False)
    )
    if postgres:  # a query's last word finds the words it starts by a range of this index
        op.execute('ALTER TABLE search_words ALTER COLUMN word TYPE varchar(64) COLLATE "C"')
    for table, (id_column, primary) in TABLES.items():
        if postgres:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN key TYPE text COLLATE "C"')
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN primary_vector tsvector GENERATED ALWAYS AS "
                f"(to_tsvector('simple'::regconfig, {primary})) STORED"
            )
            op.execute(
                f"CREATE INDEX ix_{table}_primary_vector ON {table} USING gin (primary_vector)"
            )
            for vector in ("vector", "primary_vector"):
                op.execute(f"ALTER TABLE {table} ALTER COLUMN {vector} SET STATISTICS {STATISTICS}")
        op.create_index(op.f(f"ix_{table}_key"), table, ["key", id_column])

    # The search rows, written from the catalog by today's code (`search_index`: the names are
    # read by the Python that reads the queries). The last migration that changes search's
    # tables does this; the earlier ones leave them empty.
    from spotify_api.catalog.search_index import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in reversed(TABLES):
        op.drop_index(op.f(f"ix_{table}_key"), table_name=table)
        if postgres:
            op.execute(f"ALTER TABLE {table} DROP COLUMN primary_vector")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN vector SET STATISTICS -1")
            op.execute(f'ALTER TABLE {table} ALTER COLUMN key TYPE text COLLATE "default"')
    if postgres:
        op.execute('ALTER TABLE search_words ALTER COLUMN word TYPE varchar(64) COLLATE "default"')
    op.drop_column("search_words", "fields")
