"""What the library's reads ask of the database: a page of one kind, its total, `contains`.

A page is one statement: the page's (added_at, id) pairs are chosen first, newest first, by the
(user_id, added_at, item id) index (a cursor seeks in it, so a deep page costs a first page's
read, however big the library), then joined to the catalog for the answers, with the user's
total from `library_totals` in the same statement (one snapshot, and no count of the rows).
Answers are plain data in the schemas' shapes (`catalog.reads` folds the catalog's rows).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, Uuid, bindparam, func, select

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
from spotify_api.core.id_lists import among, id_list
from spotify_api.core.keyset import PageQuery, SortKey, Window, restrict, window
from spotify_api.core.reads import ReadDatabase, Rows
from spotify_api.library.kinds import ALBUMS, ARTISTS, KINDS, SONGS, Kind, totals

USER = bindparam("user", type_=Uuid())


@cache
def newest_first(kind: Kind) -> SortKey:
    """The order of a library's pages: newest first; one call's items (one `added_at`) by id."""
    return SortKey("-added_at", kind.table.c.added_at, kind.item_id, True)


def _total(kind: Kind) -> Any:
    return select(kind.total).where(totals.c.user_id == USER).scalar_subquery()


def _render(kind: Kind, page: Any) -> Select[Any]:
    """The answers' columns of the page's items, after their `added_at`, then the total."""
    item_id = page.c[kind.item_id.key]
    if kind is SONGS:
        query = select(page.c.added_at, *SONG_COLUMNS, _total(kind)).select_from(page)
        query = query.join(Song, Song.id == item_id).join(Album, Album.id == Song.album_id)
        return credits_of(query)  # type: ignore[no-any-return]
    if kind is ALBUMS:
        columns = (*ALBUM_COLUMNS, AlbumArtist.id, AlbumArtist.name, SONG_COUNT, _total(kind))
        return (
            select(page.c.added_at, *columns)
            .select_from(page)
            .join(Album, Album.id == item_id)
            .join(AlbumArtist, AlbumArtist.id == Album.artist_id)
        )
    return (
        select(page.c.added_at, *ARTIST_COLUMNS, _total(kind))
        .select_from(page)
        .join(Artist, Artist.id == item_id)
    )


@cache
def _page(kind: Kind, mode: str) -> Select[Any]:
    sort = newest_first(kind)
    chosen = select(kind.table.c.added_at, kind.item_id).where(kind.user_id == USER)
    page = restrict(chosen, sort, mode).subquery("page")
    descending = sort.descending != (mode == "before")
    order = [page.c.added_at, page.c[kind.item_id.key]]
    query = _render(kind, page).order_by(*(c.desc() if descending else c.asc() for c in order))
    return query.order_by(SongArtist.position) if kind is SONGS else query


@cache
def _total_alone(kind: Kind) -> Select[Any]:
    return select(func.coalesce(_total(kind), 0))


@cache
def _contains(kind: Kind, postgres: bool) -> Select[Any]:
    return select(kind.item_id).where(kind.user_id == USER, among(kind.item_id, postgres))


def _first_rows(rows: Rows) -> list[Sequence[Any]]:
    """One row per item of a page whose items may span rows (a song's credits)."""
    return [row for index, row in enumerate(rows) if index == 0 or rows[index - 1][1] != row[1]]


def _songs(rows: Rows) -> list[Data]:
    return fold_songs(rows, 1)


def _albums(rows: Rows) -> list[Data]:
    width = len(ALBUM_COLUMNS) + 1
    return [album_data(row, (row[width], row[width + 1]), int(row[width + 2]), 1) for row in rows]


def _artists(rows: Rows) -> list[Data]:
    return [artist_data(tuple(row)[1:]) for row in rows]


_FOLDS: dict[Kind, Callable[[Rows], list[Data]]] = {
    SONGS: _songs,
    ALBUMS: _albums,
    ARTISTS: _artists,
}


@dataclass(frozen=True, slots=True)
class LibraryPage:
    """A page of one kind: each item `{"added_at", <kind's item>}`, and the library's total."""

    items: Window[Data]
    total: int


class LibraryReads:
    def __init__(self, read_database: ReadDatabase) -> None:
        self.db = read_database
        self.postgres = read_database.dialect == "postgresql"

    async def page(self, kind: Kind, user_id: uuid.UUID, page: PageQuery) -> LibraryPage:
        rows = await self.db.fetch(_page(kind, page.shape[1]), {"user": user_id, **page.params()})
        firsts = _first_rows(rows)
        found = [
            {"added_at": first[0], kind.item: item}
            for first, item in zip(firsts, _FOLDS[kind](rows), strict=True)
        ]
        if rows:
            total = int(rows[0][-1] or 0)
        else:
            counted = await self.db.fetch(_total_alone(kind), {"user": user_id})
            total = int(counted[0][0])
        return LibraryPage(window(found, page), total)

    async def contains(
        self, kind: Kind, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
    ) -> list[bool]:
        """Whether each id is in the library, in the order asked (a repeated id each time)."""
        params = {"user": user_id, "ids": id_list(sorted(set(ids)), self.postgres)}
        rows = await self.db.fetch(_contains(kind, self.postgres), params)
        held = {_uuid(row[0]) for row in rows}
        return [item_id in held for item_id in ids]


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


__all__ = ["KINDS", "LibraryPage", "LibraryReads", "newest_first"]
