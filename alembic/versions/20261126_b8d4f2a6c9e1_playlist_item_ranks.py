"""playlist item ranks: sparse ranks instead of dense stored positions

Revision ID: b8d4f2a6c9e1
Revises: 7c2e9a4b5d13
Create Date: 2026-11-26 10:00:00

An item's position becomes its index in rank order. Upgrading gives the item at position p the
rank p * 2**32 (the order is kept); downgrading gives back positions 0..n-1 in rank order.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b8d4f2a6c9e1"
down_revision: str | None = "7c2e9a4b5d13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RANK_GAP = 2**32
# SQLite's batch mode reflects the table to copy it; it need not reflect the tables it refers to.
REFLECT = {"resolve_fks": False}


def upgrade() -> None:
    op.add_column("playlist_items", sa.Column("rank", sa.BigInteger(), nullable=True))
    items = sa.table("playlist_items", sa.column("position", sa.Integer()), sa.column("rank"))
    op.execute(items.update().values(rank=sa.cast(items.c.position, sa.BigInteger()) * RANK_GAP))
    with op.batch_alter_table("playlist_items", reflect_kwargs=REFLECT) as batch:
        batch.drop_constraint("pk_playlist_items", type_="primary")
        batch.alter_column("rank", existing_type=sa.BigInteger(), nullable=False)
        batch.drop_column("position")
        batch.create_primary_key("pk_playlist_items", ["playlist_id", "rank"])


def downgrade() -> None:
    op.add_column("playlist_items", sa.Column("position", sa.Integer(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE playlist_items SET position = ordered.position "
            "FROM (SELECT playlist_id, rank, "
            "row_number() OVER (PARTITION BY playlist_id ORDER BY rank) - 1 AS position "
            "FROM playlist_items) AS ordered "
            "WHERE playlist_items.playlist_id = ordered.playlist_id "
            "AND playlist_items.rank = ordered.rank"
        )
    )
    with op.batch_alter_table("playlist_items", reflect_kwargs=REFLECT) as batch:
        batch.drop_constraint("pk_playlist_items", type_="primary")
        batch.alter_column("position", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("rank")
        batch.create_primary_key("pk_playlist_items", ["playlist_id", "position"])
