"""catalog: artists, albums, songs and song credits; trigram indexes on PostgreSQL

Revision ID: 314c509d8f68
Revises: a1f931894961
Create Date: 2026-11-25 20:52:59
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "314c509d8f68"
down_revision: str | None = "a1f931894961"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM_INDEXES = (
    ("ix_artists_name_trgm", "artists", "name"),
    ("ix_albums_title_trgm", "albums", "title"),
    ("ix_songs_title_trgm", "songs", "title"),
)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            name,
            sa.DateTime(timezone=True),
            server_default=sa.func.current_timestamp(),
            nullable=False,
        )
        for name in ("created_at", "updated_at")
    ]


def upgrade() -> None:
    on_postgres = op.get_bind().dialect.name == "postgresql"
    if on_postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    op.create_table(
        "artists",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "genres",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("image_url", sa.String(length=2048), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_artists_name_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artists")),
    )
    op.create_index("ix_artists_created_at_id", "artists", ["created_at", "id"])
    op.create_index("ix_artists_name_id", "artists", ["name", "id"])

    op.create_table(
        "albums",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("artist_id", sa.Uuid(), nullable=False),
        sa.Column("album_type", sa.String(length=16), server_default="album", nullable=False),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("cover_url", sa.String(length=2048), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "album_type IN ('album', 'single', 'compilation')",
            name=op.f("ck_albums_album_type_known"),
        ),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_albums_title_not_empty")),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_albums_artist_id_artists"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_albums")),
    )
    op.create_index("ix_albums_artist_id", "albums", ["artist_id"])
    op.create_index("ix_albums_created_at_id", "albums", ["created_at", "id"])
    op.create_index("ix_albums_release_date_id", "albums", ["release_date", "id"])
    op.create_index("ix_albums_title_id", "albums", ["title", "id"])

    op.create_table(
        "songs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("album_id", sa.Uuid(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("track_number", sa.Integer(), server_default="1", nullable=False),
        sa.Column("disc_number", sa.Integer(), server_default="1", nullable=False),
        sa.Column("explicit", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("isrc", sa.String(length=12), nullable=True),
        *_timestamps(),
        sa.CheckConstraint("disc_number >= 1", name=op.f("ck_songs_disc_number_positive")),
        sa.CheckConstraint(
            "duration_ms > 0 AND duration_ms <= 86400000", name=op.f("ck_songs_duration_range")
        ),
        sa.CheckConstraint("isrc IS NULL OR length(isrc) = 12", name=op.f("ck_songs_isrc_length")),
        sa.CheckConstraint("length(title) > 0", name=op.f("ck_songs_title_not_empty")),
        sa.CheckConstraint("track_number >= 1", name=op.f("ck_songs_track_number_positive")),
        sa.ForeignKeyConstraint(
            ["album_id"],
            ["albums.id"],
            name=op.f("fk_songs_album_id_albums"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_songs")),
    )
    op.create_index("ix_songs_album_order", "songs", ["album_id", "disc_number", "track_number"])
    op.create_index("ix_songs_created_at_id", "songs", ["created_at", "id"])
    op.create_index("ix_songs_title_id", "songs", ["title", "id"])

    op.create_table(
        "song_artists",
        sa.Column("song_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("artist_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_song_artists_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_song_artists_artist_id_artists"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["song_id"],
            ["songs.id"],
            name=op.f("fk_song_artists_song_id_songs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("song_id", "position", name=op.f("pk_song_artists")),
        sa.UniqueConstraint("song_id", "artist_id", name=op.f("uq_song_artists_song_id_artist_id")),
    )
    op.create_index("ix_song_artists_artist_id", "song_artists", ["artist_id"])

    if on_postgres:
        for name, table, column in TRIGRAM_INDEXES:
            op.create_index(
                name,
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )


def downgrade() -> None:
    # Dropping the tables drops their indexes; pg_trgm stays, other schemas may use it.
    for table in ("song_artists", "songs", "albums", "artists"):
        op.drop_table(table)
