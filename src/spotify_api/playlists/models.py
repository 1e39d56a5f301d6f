"""Playlists and their items: an ordered list of (rank, song) per playlist.

An item's stored `rank` is sparse (spaced by `RANK_GAP`, possibly negative); its public position
is its 0-based index in rank order and is never stored. The primary key (playlist_id, rank) makes
the database itself refuse two items with one rank, so the order is strict and positions are
0..n-1 by construction. Sparse ranks let an insert take a free rank between its neighbours and
a removal leave the others untouched, instead of shifting every later row. The playlist row keeps
its item count, changed in the same transaction as the items, and is the row that writers lock.
So does its total duration: the items' changes move it, and so does a change of a song's duration
(the curation locks the song, then the playlists holding it, and recounts them).

A playlist's collaborators change its items as its owner does; its followers only read it (while
they may see it). Both are rows of their own; the playlist row counts them, kept by triggers
(migration c4e6a8b0d2f3) so that every way a row goes (a user's deletion included) counts.
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
MAX_COLLABORATORS = 50

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
        CheckConstraint("followers >= 0", name="followers_range"),
        CheckConstraint(
            f"collaborators BETWEEN 0 AND {MAX_COLLABORATORS}", name="collaborators_range"
        ),
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
    #: How many users follow it and collaborate on it: counted by triggers, never written here.
    followers: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")
    collaborators: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")

    owner: Mapped[User] = relationship(lazy="raise")


class PlaylistItem(Base):
    __tablename__ = "playlist_items"
    __table_args__ = (
        Index("ix_playlist_items_song_id", "song_id"),
        Index("ix_playlist_items_added_by", "added_by"),
    )

    playlist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True
    )
    # Only the order of ranks means anything; they may be negative (inserts at the front).
    rank: Mapped[int] = mapped_column(BigInteger(), primary_key=True, autoincrement=False)
    # RESTRICT: a song leaves playlists through the service, which renews their snapshots.
    song_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("songs.id", ondelete="RESTRICT"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    #: Who added it (the owner or a collaborator); None once that account is gone.
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PlaylistCollaborator(Base):
    """A user who may change the playlist's items (and see it while it is private)."""

    __tablename__ = "playlist_collaborators"
    __table_args__ = (Index("ix_playlist_collaborators_user_id", "user_id"),)

    playlist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    added_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class PlaylistFollower(Base):
    """A user following the playlist; kept while it is private, in effect only while they may
    see it."""

    __tablename__ = "playlist_followers"
    __table_args__ = (Index("ix_playlist_followers_user_id", "user_id"),)

    playlist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    followed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
