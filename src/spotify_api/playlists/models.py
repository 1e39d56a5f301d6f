"""Playlists and their items: an ordered list of (rank, song) per playlist.

An item's stored `rank` is sparse (spaced by `RANK_GAP`, possibly negative); its public position
is its 0-based index in rank order and is never stored. The primary key (playlist_id, rank) makes
the database itself refuse two items with one rank, so the order is strict and positions are
0..n-1 by construction. Sparse ranks let an insert take a free rank between its neighbours and
a removal leave the others untouched, instead of shifting every later row. The playlist row keeps
its item count, changed in the same transaction as the items, and is the row that writers lock.
So does its total duration: the items' changes move it, and so does a change of a song's duration
(the curation locks the song, then the playlists holding it, and recounts them).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotify_api.core.db import Base, Timestamps, UtcDateTime, UuidPrimaryKey, utc_now
from spotify_api.users.models import User

MAX_ITEMS = 10_000
NAME_MAX = 100
DESCRIPTION_MAX = 300

# New ranks are this far apart: appends and inserts at the front step by it, and about 32
# inserts in a row at one place fit between two neighbours before the playlist is renumbered.
RANK_GAP = 2**32
# Live ranks stay within ±RANK_LIMIT; renumbering parks rows below -RANK_LIMIT for a moment.
RANK_LIMIT = 2**62


class Playlist(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "playlists"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
        CheckConstraint(f"total_songs BETWEEN 0 AND {MAX_ITEMS}", name="total_songs_range"),
        CheckConstraint("duration_ms >= 0", name="duration_ms_range"),
        Index("ix_playlists_owner_created", "owner_id", "created_at", "id"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="", server_default="")
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    snapshot_id: Mapped[str] = mapped_column(String(32))
    total_songs: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")
    #: The summed duration of its items' songs, kept by every write that changes either.
    duration_ms: Mapped[int] = mapped_column(BigInteger(), default=0, server_default="0")

    owner: Mapped[User] = relationship(lazy="raise")


class PlaylistItem(Base):
    __tablename__ = "playlist_items"
    __table_args__ = (Index("ix_playlist_items_song_id", "song_id"),)

    playlist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True
    )
    # Only the order of ranks means anything; they may be negative (inserts at the front).
    rank: Mapped[int] = mapped_column(BigInteger(), primary_key=True, autoincrement=False)
    # RESTRICT: a song leaves playlists through the service, which renews their snapshots.
    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id", ondelete="RESTRICT"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
