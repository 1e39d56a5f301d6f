"""library: saved songs and albums, followed artists, their totals and artists' followers

Revision ID: b2d4f6a8c0e1
Revises: a7e5c9d1f3b6
Create Date: 2026-12-07 23:00:00

Three tables of (user, item, added_at), a table of each user's totals and a follower count on
artists. Triggers on the three tables keep the counters, on PostgreSQL (plpgsql) and SQLite
alike, so that the rows that cascades delete (an item leaving the catalog, a user deleted)
are counted out too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2d4f6a8c0e1"
down_revision: str | None = "a7e5c9d1f3b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFLECT = {"resolve_fks": False}

# (table, item column, catalog table, totals column)
KINDS = (
    ("saved_songs", "song_id", "songs", "songs"),
    ("saved_albums", "album_id", "albums", "albums"),
    ("followed_artists", "artist_id", "artists", "artists"),
)


FOLLOWERS_IN = "UPDATE artists SET followers = followers + 1 WHERE id = NEW.artist_id;"
FOLLOWERS_OUT = "UPDATE artists SET followers = followers - 1 WHERE id = OLD.artist_id;"

# Templates, filled in with the names of KINDS alone (`_fill`).
POSTGRES_FUNCTION = """
CREATE FUNCTION TABLE_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE library_totals SET TOTAL = TOTAL + 1 WHERE user_id = NEW.user_id;
    IF NOT FOUND THEN
      INSERT INTO library_totals (user_id, TOTAL) VALUES (NEW.user_id, 1)
      ON CONFLICT (user_id) DO UPDATE SET TOTAL = library_totals.TOTAL + 1;
    END IF;
    FOLLOWERS_IN
  ELSE
    UPDATE library_totals SET TOTAL = TOTAL - 1 WHERE user_id = OLD.user_id;
    FOLLOWERS_OUT
  END IF;
  RETURN NULL;
END
$$"""
POSTGRES_TRIGGER = (
    "CREATE TRIGGER TABLE_counted AFTER INSERT OR DELETE ON TABLE "
    "FOR EACH ROW EXECUTE FUNCTION TABLE_count()"
)
# SQLite: a row that a library gains makes its user's totals row if there is none.
SQLITE_TRIGGERS = (
    """CREATE TRIGGER TABLE_counted_in AFTER INSERT ON TABLE FOR EACH ROW BEGIN
  INSERT OR IGNORE INTO library_totals (user_id) VALUES (NEW.user_id);
  UPDATE library_totals SET TOTAL = TOTAL + 1 WHERE user_id = NEW.user_id;
  FOLLOWERS_IN
END""",
    """CREATE TRIGGER TABLE_counted_out AFTER DELETE ON TABLE FOR EACH ROW BEGIN
  UPDATE library_totals SET TOTAL = TOTAL - 1 WHERE user_id = OLD.user_id;
  FOLLOWERS_OUT
END""",
)


def _fill(template: str, table: str, total: str) -> str:
    artists = table == "followed_artists"
    return (
        template.replace("FOLLOWERS_IN", FOLLOWERS_IN if artists else "")
        .replace("FOLLOWERS_OUT", FOLLOWERS_OUT if artists else "")
        .replace("TABLE", table)
        .replace("TOTAL", total)
    )


def upgrade() -> None:
    op.add_column(
        "artists", sa.Column("followers", sa.Integer(), server_default="0", nullable=False)
    )
    with op.batch_alter_table("artists", reflect_kwargs=REFLECT) as batch:
        batch.create_check_constraint(op.f("ck_artists_followers_not_negative"), "followers >= 0")
    op.create_table(
        "library_totals",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("songs", sa.Integer(), server_default="0", nullable=False),
        sa.Column("albums", sa.Integer(), server_default="0", nullable=False),
        sa.Column("artists", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "songs >= 0 AND albums >= 0 AND artists >= 0",
            name=op.f("ck_library_totals_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_library_totals_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_library_totals")),
    )
    for table, item, catalog, _ in KINDS:
        op.create_table(
            table,
            sa.Column("user_id", sa.Uuid(), nullable=False),
            sa.Column(item, sa.Uuid(), nullable=False),
            sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                [item],
                [f"{catalog}.id"],
                name=op.f(f"fk_{table}_{item}_{catalog}"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["user_id"],
                ["users.id"],
                name=op.f(f"fk_{table}_user_id_users"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("user_id", item, name=op.f(f"pk_{table}")),
        )
        op.create_index(
            op.f(f"ix_{table}_user_added"), table, ["user_id", "added_at", item], unique=False
        )
        op.create_index(op.f(f"ix_{table}_{item}"), table, [item], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, _, _, total in KINDS:
        templates = (POSTGRES_FUNCTION, POSTGRES_TRIGGER) if postgres else SQLITE_TRIGGERS
        for template in templates:
            op.execute(_fill(template, table, total))


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, item, _, _ in KINDS:
        if postgres:
            op.execute(f"DROP TRIGGER {table}_counted ON {table}")
            op.execute(f"DROP FUNCTION {table}_count()")
        else:
            op.execute(f"DROP TRIGGER {table}_counted_in")
            op.execute(f"DROP TRIGGER {table}_counted_out")
        op.drop_index(op.f(f"ix_{table}_{item}"), table_name=table)
        op.drop_index(op.f(f"ix_{table}_user_added"), table_name=table)
        op.drop_table(table)
    op.drop_table("library_totals")
    with op.batch_alter_table("artists", reflect_kwargs=REFLECT) as batch:
        batch.drop_constraint(op.f("ck_artists_followers_not_negative"), type_="check")
        batch.drop_column("followers")
