"""A listener's library: the songs and albums they saved, the artists they follow.

Each kind is a table of (user, item, added_at) rows, keyed by the pair: an item is saved once.
Rows leave with their user and with their item (ON DELETE CASCADE), so a catalog delete takes
its item out of every library and a deleted account takes its library with it.

`library_totals` keeps how many items of each kind a user has, and `artists.followers` how many
users follow an artist. Neither is written by the application: triggers on the three tables
(created by the migration, for PostgreSQL and SQLite) move them with every row inserted or
deleted, including the rows that cascades delete. So the counters are right whoever deletes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from spotify_api.core.db import Base, UtcDateTime, utc_now

#: Ids one call may save, remove or check.
MAX_IDS = 50


def _user_column() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


def _item_column(table: str) -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True)


def _added_at() -> Mapped[datetime]:
    return mapped_column(UtcDateTime(), default=utc_now)


class SavedSong(Base):
    __tablename__ = "saved_songs"
    __table_args__ = (
        Index("ix_saved_songs_user_added", "user_id", "added_at", "song_id"),
        Index("ix_saved_songs_song_id", "song_id"),
    )

    user_id: Mapped[uuid.UUID] = _user_column()
    song_id: Mapped[uuid.UUID] = _item_column("songs")
    added_at: Mapped[datetime] = _added_at()


class SavedAlbum(Base):
    __tablename__ = "saved_albums"
    __table_args__ = (
        Index("ix_saved_albums_user_added", "user_id", "added_at", "album_id"),
        Index("ix_saved_albums_album_id", "album_id"),
    )

    user_id: Mapped[uuid.UUID] = _user_column()
    album_id: Mapped[uuid.UUID] = _item_column("albums")
    added_at: Mapped[datetime] = _added_at()


class FollowedArtist(Base):
    __tablename__ = "followed_artists"
    __table_args__ = (
        Index("ix_followed_artists_user_added", "user_id", "added_at", "artist_id"),
        Index("ix_followed_artists_artist_id", "artist_id"),
    )

    user_id: Mapped[uuid.UUID] = _user_column()
    artist_id: Mapped[uuid.UUID] = _item_column("artists")
    added_at: Mapped[datetime] = _added_at()


class LibraryTotals(Base):
    """How many items of each kind a user's library holds (kept by triggers)."""

    __tablename__ = "library_totals"
    __table_args__ = (
        CheckConstraint("songs >= 0 AND albums >= 0 AND artists >= 0", name="not_negative"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    songs: Mapped[int] = mapped_column(Integer(), server_default="0")
    albums: Mapped[int] = mapped_column(Integer(), server_default="0")
    artists: Mapped[int] = mapped_column(Integer(), server_default="0")
