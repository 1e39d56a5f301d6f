"""Pages of the catalog's lists as rows: one statement per page, one per count.

A statement depends on the page's shape (its order, offset or cursor, direction) and on which
filters are set; the values are parameters. Each shape's statement is built once and kept, so
that a page costs its execution only. A page of songs selects the page's song ids first (the
(sort key, id) index serves it, however deep), then joins only those to their albums and
credits, in the same statement.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, select

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.catalog.reads import (
    ALBUM_COLUMNS,
    ARTIST_COLUMNS,
    SONG_COLUMNS,
    SONG_COUNT,
    AlbumArtist,
    Data,
    album_data,
    artist_data,
    credits_of,
    fold_songs,
)
from spotify_api.core.keyset import PageQuery, Window, restrict, sorts, window
from spotify_api.core.reads import ReadDatabase

SONG_SORTS = sorts(Song.id, title=Song.title, created_at=Song.created_at)
ALBUM_SORTS = sorts(Album.id, title=Album.title, created_at=Album.created_at)
ARTIST_SORTS = sorts(Artist.id, name=Artist.name, created_at=Artist.created_at)


def pattern(text: str) -> str:
    """A case-insensitive substring match of `text` for ILIKE, its wildcards escaped; on
    PostgreSQL a trigram index serves it."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class SongFilters:
    q: str | None = None
    artist_id: uuid.UUID | None = None
    album_id: uuid.UUID | None = None

    @property
    def shape(self) -> tuple[bool, bool, bool]:
        return self.q is not None, self.artist_id is not None, self.album_id is not None

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.q is not None:
            params["pattern"] = pattern(self.q)
        if self.artist_id is not None:
            params["artist_id"] = self.artist_id
        if self.album_id is not None:
            params["album_id"] = self.album_id
        return params


def _filter_songs(query: Select[Any], q: bool, artist: bool, album: bool) -> Select[Any]:
    if q:
        query = query.where(Song.title.ilike(bindparam("pattern"), escape="\\"))
    if album:
        query = query.where(Song.album_id == bindparam("album_id"))
    if artist:
        credited = exists().where(
            SongArtist.song_id == Song.id, SongArtist.artist_id == bindparam("artist_id")
        )
        query = query.where(credited)
    return query


@cache
def _songs_page(shape: tuple[str, str], filters: tuple[bool, bool, bool]) -> Select[Any]:
    sort_name, mode = shape
    sort = SONG_SORTS[sort_name]
    ids = restrict(_filter_songs(select(Song.id), *filters), sort, mode).subquery("page")
    query = select(*SONG_COLUMNS).select_from(ids).join(Song, Song.id == ids.c.id)
    query = credits_of(query.join(Album, Album.id == Song.album_id))
    ordered: Select[Any] = query.order_by(
        *sort.order_by(reverse=mode == "before"), SongArtist.position
    )
    return ordered


@cache
def _songs_count(filters: tuple[bool, bool, bool]) -> Select[Any]:
    return _filter_songs(select(func.count()).select_from(Song), *filters)


async def songs(db: ReadDatabase, page: PageQuery, filters: SongFilters) -> Window[Data]:
    statement = _songs_page(page.shape, filters.shape)
    rows = await db.fetch(statement, {**page.params(), **filters.params()})
    return window(fold_songs(rows), page)


async def count_songs(db: ReadDatabase, filters: SongFilters) -> int:
    rows = await db.fetch(_songs_count(filters.shape), filters.params())
    return int(rows[0][0])


def _filter_albums(query: Select[Any], q: bool, artist: bool) -> Select[Any]:
    if q:
        query = query.where(Album.title.ilike(bindparam("pattern"), escape="\\"))
    if artist:
        query = query.where(Album.artist_id == bindparam("artist_id"))
    return query


@cache
def _albums_page(shape: tuple[str, str], filters: tuple[bool, bool]) -> Select[Any]:
    sort_name, mode = shape
    query = select(*ALBUM_COLUMNS, AlbumArtist.id, AlbumArtist.name, SONG_COUNT).join(
        AlbumArtist, AlbumArtist.id == Album.artist_id
    )
    return restrict(_filter_albums(query, *filters), ALBUM_SORTS[sort_name], mode)


@cache
def _albums_count(filters: tuple[bool, bool]) -> Select[Any]:
    return _filter_albums(select(func.count()).select_from(Album), *filters)


def _album_params(q: str | None, artist_id: uuid.UUID | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if q is not None:
        params["pattern"] = pattern(q)
    if artist_id is not None:
        params["artist_id"] = artist_id
    return params


async def albums(
    db: ReadDatabase, page: PageQuery, q: str | None, artist_id: uuid.UUID | None
) -> Window[Data]:
    statement = _albums_page(page.shape, (q is not None, artist_id is not None))
    rows = await db.fetch(statement, {**page.params(), **_album_params(q, artist_id)})
    width = len(ALBUM_COLUMNS)
    items = [album_data(row, (row[width], row[width + 1]), int(row[width + 2])) for row in rows]
    return window(items, page)


async def count_albums(db: ReadDatabase, q: str | None, artist_id: uuid.UUID | None) -> int:
    statement = _albums_count((q is not None, artist_id is not None))
    rows = await db.fetch(statement, _album_params(q, artist_id))
    return int(rows[0][0])


@cache
def _artists_page(shape: tuple[str, str], searched: bool) -> Select[Any]:
    sort_name, mode = shape
    query: Any = select(*ARTIST_COLUMNS)
    if searched:
        query = query.where(Artist.name.ilike(bindparam("pattern"), escape="\\"))
    return restrict(query, ARTIST_SORTS[sort_name], mode)


@cache
def _artists_count(searched: bool) -> Select[Any]:
    query = select(func.count()).select_from(Artist)
    if searched:
        query = query.where(Artist.name.ilike(bindparam("pattern"), escape="\\"))
    return query


async def artists(db: ReadDatabase, page: PageQuery, q: str | None) -> Window[Data]:
    params = {} if q is None else {"pattern": pattern(q)}
    rows = await db.fetch(_artists_page(page.shape, q is not None), {**page.params(), **params})
    return window([artist_data(row) for row in rows], page)


async def count_artists(db: ReadDatabase, q: str | None) -> int:
    params = {} if q is None else {"pattern": pattern(q)}
    rows = await db.fetch(_artists_count(q is not None), params)
    return int(rows[0][0])
