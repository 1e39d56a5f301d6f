"""playlist duration: each playlist keeps the summed duration of its songs

Revision ID: e5c3a7b9d1f4
Revises: c3a1e5f7b9d2
Create Date: 2026-12-07 14:00:00

Until now a playlist's duration was summed from its items on every read. Upgrading stores it
(backfilled from the items); the writes that change items, or a song's duration, keep it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5c3a7b9d1f4"
down_revision: str | None = "c3a1e5f7b9d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's batch mode reflects the table to copy it; it need not reflect the tables it refers to.
REFLECT = {"resolve_fks": False}


def upgrade() -> None:
    op.add_column(
        "playlists",
        sa.Column("duration_ms", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.execute(
        sa.text(
            "UPDATE playlists SET duration_ms = coalesce(("
            "SELECT sum(songs.duration_ms) FROM playlist_items "
            "JOIN songs ON songs.id = playlist_items.song_id "
            "WHERE playlist_items.playlist_id = playlists.id), 0)"
        )
    )
    with op.batch_alter_table("playlists", reflect_kwargs=REFLECT) as batch:
        batch.create_check_constraint(op.f("ck_playlists_duration_ms_range"), "duration_ms >= 0")


def downgrade() -> None:
    with op.batch_alter_table("playlists", reflect_kwargs=REFLECT) as batch:
        batch.drop_constraint(op.f("ck_playlists_duration_ms_range"), type_="check")
        batch.drop_column("duration_ms")
