"""Playlists and their items: a dense, ordered list of (position, song) per playlist.

Positions are 0..n-1 with no gaps; the primary key (playlist_id, position) makes the database
itself refuse two items at one position. The playlist row keeps its item count, changed in the
same transaction as the items, and is the row that writers lock. The total duration is summed
when read: a song's duration may change after it was added.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotify_api.core.db import Base, Timestamps, UtcDateTime, UuidPrimaryKey, utc_now
from spotify_api.users.models import User

MAX_ITEMS = 10_000
NAME_MAX = 100
DESCRIPTION_MAX = 300


class Playlist(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "playlists"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
        CheckConstraint(f"total_songs BETWEEN 0 AND {MAX_ITEMS}", name="total_songs_range"),
        Index("ix_playlists_owner_created", "owner_id", "created_at", "id"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="", server_default="")
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    snapshot_id: Mapped[str] = mapped_column(String(32))
    total_songs: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")

    owner: Mapped[User] = relationship(lazy="raise")


class PlaylistItem(Base):
    __tablename__ = "playlist_items"
    __table_args__ = (Index("ix_playlist_items_song_id", "song_id"),)

    playlist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True
    )
    # No check that it is >= 0: moves go through negative positions for a moment, so that
    # one set-based UPDATE can shift a range without tripping over the primary key.
    position: Mapped[int] = mapped_column(Integer(), primary_key=True, autoincrement=False)
    # RESTRICT: a song leaves playlists through the service, which closes the gaps it leaves.
    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id", ondelete="RESTRICT"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
