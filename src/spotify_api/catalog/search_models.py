"""What search looks names up in: one row per artist, album and song, holding its names as
`search_words.index_text` reads them, and every word those rows hold.

A song's row holds its title, its artists' names and its album's title, so that "yesterday
beatles" finds it; an album's, its title and its artist's name. The catalog's writes keep the
rows (`search_index`); a deleted artist, album or song takes its row along (ON DELETE CASCADE).

The full-text indexes over these rows belong to each engine and are made by the migration
alone (`SEARCH_ENGINE_OBJECTS`): on PostgreSQL a generated, weighted `tsvector` column per
table with a GIN index; on SQLite an FTS5 table per table (external content, kept by triggers).
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from spotify_api.catalog.search_words import WORD_MAX
from spotify_api.core.db import Base

#: Made by the migration for one engine (the models do not describe them).
SEARCH_ENGINE_OBJECTS = frozenset(
    {
        "vector",  # the tsvector columns of each search table (PostgreSQL)
        "primary_vector",
        "ix_artist_search_vector",
        "ix_album_search_vector",
        "ix_song_search_vector",
        "ix_artist_search_primary_vector",
        "ix_album_search_primary_vector",
        "ix_song_search_primary_vector",
    }
)
#: A name's joined words, compared byte by byte on both engines (PostgreSQL's "C" collation;
#: SQLite's BINARY), for the exact and prefix ranks and the order within each rank.
Key = Text().with_variant(Text(collation="C"), "postgresql")

#: A bit per search table and field, for `SearchWord.fields`.
FIELD_BITS = {
    ("artist_search", "name"): 1,
    ("album_search", "title"): 2,
    ("album_search", "artist"): 4,
    ("song_search", "title"): 8,
    ("song_search", "artists"): 16,
    ("song_search", "album"): 32,
}

#: SQLite's FTS5 tables (and their shadow tables) start with these.
SEARCH_FTS_PREFIXES = ("artist_search_fts", "album_search_fts", "song_search_fts")


class ArtistSearch(Base):
    __tablename__ = "artist_search"
    __table_args__ = (Index("ix_artist_search_key", "key", "artist_id"),)

    artist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True
    )
    #: The name's joined words, for ranking an exact name first.
    key: Mapped[str] = mapped_column(Key)
    name: Mapped[str] = mapped_column(Text())


class AlbumSearch(Base):
    __tablename__ = "album_search"
    __table_args__ = (Index("ix_album_search_key", "key", "album_id"),)

    album_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(Key)
    title: Mapped[str] = mapped_column(Text())
    artist: Mapped[str] = mapped_column(Text())


class SongSearch(Base):
    __tablename__ = "song_search"
    __table_args__ = (Index("ix_song_search_key", "key", "song_id"),)

    song_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("songs.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(Key)
    title: Mapped[str] = mapped_column(Text())
    artists: Mapped[str] = mapped_column(Text())
    album: Mapped[str] = mapped_column(Text())


class SearchWord(Base):
    """Every word the search rows hold (and, after deletes, perhaps a few they no longer do):
    where a misspelt word of a query finds the words it may have meant, and its last word the
    words it starts (in byte order, as `Key`)."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(
        String(WORD_MAX).with_variant(String(WORD_MAX, collation="C"), "postgresql"),
        primary_key=True,
    )
    #: The fields it is in somewhere (FIELD_BITS, or-ed): a search skips the ranks that need a
    #: word where it is in no row (bits are only added, so they may say more, never less).
    fields: Mapped[int] = mapped_column(Integer(), default=0, server_default="0")
