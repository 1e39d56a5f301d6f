"""playlist members: collaborators, followers, and who added each item

Revision ID: c4e6a8b0d2f3
Revises: b2d4f6a8c0e1
Create Date: 2026-12-07 23:30:00

Two tables of users beside a playlist (its collaborators and its followers), counted on the
playlist row by triggers, on both backends, so that every way a row comes or goes counts: the
service's inserts and deletes, and the cascades of a playlist's or a user's deletion. A trigger's
UPDATE of the playlist row takes that row's lock; the service locks the row first anyway.

Each item records who added it; the items there are were all added by their playlist's owner.

No operation deletes an account yet. One that does must lock the playlists the user owns or is
a member of first (in id order): the cascade deletes member rows and then its trigger updates
their playlist's row, the reverse of the services' order (playlist row, then member rows), and
the two could deadlock.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e6a8b0d2f3"
down_revision: str | None = "b2d4f6a8c0e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFLECT = {"resolve_fks": False}
MAX_COLLABORATORS = 50

#: The member tables and the playlist column that counts each one's rows.
COUNTED = {"playlist_collaborators": "collaborators", "playlist_followers": "followers"}


def _postgres_counter(table: str, column: str) -> list[str]:
    function = f"{table}_count"
    # The names are this module's constants (COUNTED), never input.
    return [
        f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE playlists SET {column} = {column} + 1 WHERE id = NEW.playlist_id;
        RETURN NEW;
    END IF;
    UPDATE playlists SET {column} = {column} - 1 WHERE id = OLD.playlist_id;
    RETURN OLD;
END
$$
""",  # noqa: S608
        f"CREATE TRIGGER {function} AFTER INSERT OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def _sqlite_counter(table: str, column: str) -> list[str]:
    # The names are this module's constants (COUNTED), never input.
    return [
        f"CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} FOR EACH ROW BEGIN "  # noqa: S608
        f"UPDATE playlists SET {column} = {column} + 1 WHERE id = NEW.playlist_id; END",
        f"CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} FOR EACH ROW BEGIN "  # noqa: S608
        f"UPDATE playlists SET {column} = {column} - 1 WHERE id = OLD.playlist_id; END",
    ]


def _member_table(name: str, since: str) -> None:
    op.create_table(
        name,
        sa.Column("playlist_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(since, sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["playlists.id"],
            name=op.f(f"fk_{name}_playlist_id_playlists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f(f"fk_{name}_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("playlist_id", "user_id", name=op.f(f"pk_{name}")),
    )
    op.create_index(f"ix_{name}_user_id", name, ["user_id"])


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column(
        "playlists", sa.Column("followers", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "playlists", sa.Column("collaborators", sa.Integer(), server_default="0", nullable=False)
    )
    with op.batch_alter_table("playlists", reflect_kwargs=REFLECT) as batch:
        batch.create_check_constraint(op.f("ck_playlists_followers_range"), "followers >= 0")
        batch.create_check_constraint(
            op.f("ck_playlists_collaborators_range"),
            f"collaborators BETWEEN 0 AND {MAX_COLLABORATORS}",
        )
    _member_table("playlist_collaborators", "added_at")
    _member_table("playlist_followers", "followed_at")
    for table, column in COUNTED.items():
        for statement in (_postgres_counter if postgres else _sqlite_counter)(table, column):
            op.execute(statement)

    with op.batch_alter_table("playlist_items", reflect_kwargs=REFLECT) as batch:
        batch.add_column(sa.Column("added_by", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_playlist_items_added_by_users"),
            "users",
            ["added_by"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        "UPDATE playlist_items SET added_by = "
        "(SELECT owner_id FROM playlists WHERE playlists.id = playlist_items.playlist_id)"
    )
    op.create_index("ix_playlist_items_added_by", "playlist_items", ["added_by"])


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_playlist_items_added_by", table_name="playlist_items")
    with op.batch_alter_table("playlist_items", reflect_kwargs=REFLECT) as batch:
        batch.drop_constraint(op.f("fk_playlist_items_added_by_users"), type_="foreignkey")
        batch.drop_column("added_by")
    for table in COUNTED:
        if postgres:
            op.execute(f"DROP TRIGGER {table}_count ON {table}")
            op.execute(f"DROP FUNCTION {table}_count()")
        else:
            op.execute(f"DROP TRIGGER {table}_count_insert")
            op.execute(f"DROP TRIGGER {table}_count_delete")
        op.drop_index(f"ix_{table}_user_id", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("playlists", reflect_kwargs=REFLECT) as batch:
        batch.drop_constraint(op.f("ck_playlists_collaborators_range"), type_="check")
        batch.drop_constraint(op.f("ck_playlists_followers_range"), type_="check")
        batch.drop_column("collaborators")
        batch.drop_column("followers")
