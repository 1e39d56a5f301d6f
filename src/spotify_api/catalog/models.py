"""Artists, albums and songs. A song belongs to one album and has one or more artists, in order."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotify_api.core.db import Base, Timestamps, UuidPrimaryKey

NAME_MAX = 200
URL_MAX = 2048
ALBUM_TYPES = ("album", "single", "compilation")

GenreList = JSON().with_variant(JSONB(), "postgresql")


class Artist(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "artists"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint("followers >= 0", name="followers_not_negative"),
        Index("ix_artists_name_id", "name", "id"),
        Index("ix_artists_created_at_id", "created_at", "id"),
        # `q` filters with ILIKE '%…%'; on PostgreSQL a trigram index serves it.
        Index(
            "ix_artists_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    name: Mapped[str] = mapped_column(String(NAME_MAX))
    genres: Mapped[list[str]] = mapped_column(GenreList, default=list)
    image_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    #: How many users follow the artist: kept by the library's triggers (`library.models`).
    followers: Mapped[int] = mapped_column(Integer(), server_default="0")

    albums: Mapped[list[Album]] = relationship(back_populates="artist", lazy="raise")


class Album(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "albums"
    __table_args__ = (
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint(
            "album_type IN ('album', 'single', 'compilation')", name="album_type_known"
        ),
        Index("ix_albums_artist_id", "artist_id"),
        Index("ix_albums_title_id", "title", "id"),
        Index("ix_albums_created_at_id", "created_at", "id"),
        Index("ix_albums_release_date_id", "release_date", "id"),
        Index(
            "ix_albums_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    title: Mapped[str] = mapped_column(String(NAME_MAX))
    artist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("artists.id", ondelete="RESTRICT"))
    album_type: Mapped[str] = mapped_column(String(16), default="album", server_default="album")
    release_date: Mapped[date | None] = mapped_column(Date())
    cover_url: Mapped[str | None] = mapped_column(String(URL_MAX))

    artist: Mapped[Artist] = relationship(back_populates="albums", lazy="raise")
    songs: Mapped[list[Song]] = relationship(back_populates="album", lazy="raise")


class Song(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "songs"
    __table_args__ = (
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("duration_ms > 0 AND duration_ms <= 86400000", name="duration_range"),
        CheckConstraint("track_number >= 1", name="track_number_positive"),
        CheckConstraint("disc_number >= 1", name="disc_number_positive"),
        CheckConstraint("isrc IS NULL OR length(isrc) = 12", name="isrc_length"),
        Index("ix_songs_album_order", "album_id", "disc_number", "track_number"),
        Index("ix_songs_title_id", "title", "id"),
        Index("ix_songs_created_at_id", "created_at", "id"),
        Index(
            "ix_songs_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    title: Mapped[str] = mapped_column(String(NAME_MAX))
    album_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("albums.id", ondelete="RESTRICT"))
    duration_ms: Mapped[int] = mapped_column(Integer())
    track_number: Mapped[int] = mapped_column(Integer(), default=1, server_default="1")
    disc_number: Mapped[int] = mapped_column(Integer(), default=1, server_default="1")
    explicit: Mapped[bool] = mapped_column(default=False, server_default=false())
    isrc: Mapped[str | None] = mapped_column(String(12))

    album: Mapped[Album] = relationship(back_populates="songs", lazy="raise")
    credits: Mapped[list[SongArtist]] = relationship(
        order_by="SongArtist.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="raise",
    )


class SongArtist(Base):
    """A song's artist credit; `position` orders a song's artists (0 is the main one)."""

    __tablename__ = "song_artists"
    __table_args__ = (
        UniqueConstraint("song_id", "artist_id"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        Index("ix_song_artists_artist_id", "artist_id"),
    )

    song_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer(), primary_key=True)
    artist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("artists.id", ondelete="RESTRICT"))

    artist: Mapped[Artist] = relationship(lazy="raise")
