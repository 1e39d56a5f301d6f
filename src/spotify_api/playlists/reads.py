"""What the playlist reads ask of the database: columns, not ORM objects, one statement each.

The statements are SQLAlchemy Core, built once here; their rows become the plain answers of
`views`. A page of items is a single statement: the playlist row (only if the caller may see
it), its `total_songs` and the page's items with their songs, albums and artists. So the total,
the links and the items always come from one snapshot of the database, even in autocommit
(each statement is its own snapshot under READ COMMITTED, and in SQLite's autocommit).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    Uuid,
    bindparam,
    exists,
    func,
    or_,
    select,
    true,
    type_coerce,
)

from spotify_api.core.keyset import PageQuery, SortKey, Window, restrict, window
from spotify_api.core.reads import ReadDatabase
from spotify_api.playlists.tables import (
    albums,
    artists,
    collaborators,
    credits,
    items,
    playlists,
    songs,
    users,
)
from spotify_api.playlists.views import ItemView, PlaylistView, playlist_view

_PLAYLIST = bindparam("playlist", type_=Uuid())
_USER = bindparam("user", type_=Uuid())

NEWEST_FIRST = SortKey("-created_at", playlists.c.created_at, playlists.c.id, True)


def owner_name(owner_id: ColumnElement[Any]) -> ColumnElement[str]:
    query = select(users.c.username).where(users.c.id == owner_id)
    return query.correlate_except(users).scalar_subquery()


def stamp(column: ColumnElement[Any], postgres: bool) -> ColumnElement[Any]:
    """A timestamp column as the answer takes it. asyncpg gives aware UTC datetimes already, so
    on PostgreSQL the column skips `UtcDateTime`'s per-value conversion (most of what reading a
    page of rows costs in Python); SQLite stores naive text, which that conversion reads."""
    return type_coerce(column, DateTime(timezone=True)) if postgres else column


def playlist_columns(postgres: bool) -> tuple[ColumnElement[Any], ...]:
    """A playlist's answer, in the order `views.playlist_view` reads it."""
    return (
        playlists.c.id,
        playlists.c.name,
        playlists.c.description,
        playlists.c.public,
        playlists.c.collaborators > 0,
        playlists.c.owner_id,
        owner_name(playlists.c.owner_id),
        playlists.c.snapshot_id,
        playlists.c.total_songs,
        playlists.c.duration_ms,
        playlists.c.followers,
        stamp(playlists.c.created_at, postgres),
        stamp(playlists.c.updated_at, postgres),
    )


def collaborates(user: ColumnElement[Any]) -> ColumnElement[bool]:
    """Whether `user` collaborates on the playlist of the enclosing query's row."""
    return exists().where(
        collaborators.c.playlist_id == playlists.c.id, collaborators.c.user_id == user
    )


#: Who may see a playlist: anyone if it is public, else its owner and its collaborators.
_VISIBLE = or_(playlists.c.public, playlists.c.owner_id == _USER, collaborates(_USER))

_OWN_COUNT = (
    select(func.count()).select_from(playlists).where(playlists.c.owner_id == _USER)
).scalar_subquery()


_OWN_COUNT_ALONE = select(_OWN_COUNT)


def _item_page(postgres: bool) -> Select[Any]:
    visible = (
        select(playlists.c.total_songs).where(playlists.c.id == _PLAYLIST, _VISIBLE).subquery("p")
    )
    page = (
        select(items.c.rank, items.c.song_id, items.c.added_at, items.c.added_by)
        .where(items.c.playlist_id == _PLAYLIST)
        .order_by(items.c.rank)
        .limit(bindparam("limit", type_=Integer()))
        .offset(bindparam("offset", type_=Integer()))
        .subquery("page")
    )
    # Outer joins: the playlist's row comes back even when the page is empty, and a song
    # without credits (the catalog never leaves one so) would still be an item.
    songs_of_page = (
        page.join(songs, songs.c.id == page.c.song_id)
        .join(albums, albums.c.id == songs.c.album_id)
        .outerjoin(credits, credits.c.song_id == songs.c.id)
        .outerjoin(artists, artists.c.id == credits.c.artist_id)
    )
    return (
        select(
            visible.c.total_songs,
            page.c.rank,
            stamp(page.c.added_at, postgres),
            page.c.added_by,
            owner_name(page.c.added_by),
            songs.c.id,
            songs.c.title,
            songs.c.duration_ms,
            songs.c.track_number,
            songs.c.disc_number,
            songs.c.explicit,
            songs.c.isrc,
            albums.c.id,
            albums.c.title,
            artists.c.id,
            artists.c.name,
            stamp(songs.c.created_at, postgres),
            stamp(songs.c.updated_at, postgres),
        )
        .select_from(visible.outerjoin(songs_of_page, true()))
        .order_by(page.c.rank, credits.c.position)
    )


@dataclass(frozen=True, slots=True)
class _Statements:
    """The reads' statements for one dialect, built once."""

    one: Select[Any]
    own: Select[Any]
    item_page: Select[Any]

    @classmethod
    def build(cls, postgres: bool) -> _Statements:
        columns = playlist_columns(postgres)
        return cls(
            one=select(*columns).where(playlists.c.id == _PLAYLIST, _VISIBLE),
            # The caller's playlists, each row with the size of the whole list; a pager pages it.
            own=select(*columns, _OWN_COUNT).where(playlists.c.owner_id == _USER),
            item_page=_item_page(postgres),
        )


_POSTGRES, _SQLITE = _Statements.build(True), _Statements.build(False)


@dataclass(frozen=True, slots=True)
class ItemPage:
    """A page of a playlist's items and where it stands: domain data, not yet an answer."""

    items: list[ItemView]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class PlaylistPage:
    playlists: Window[PlaylistView]
    total: int


@cache
def _own_page(postgres: bool, mode: str) -> Select[Any]:
    statements = _POSTGRES if postgres else _SQLITE
    return restrict(statements.own, NEWEST_FIRST, mode)


class PlaylistReads:
    def __init__(self, read_database: ReadDatabase) -> None:
        self.db = read_database
        self.postgres = read_database.dialect == "postgresql"
        self.statements = _POSTGRES if self.postgres else _SQLITE

    async def one(self, user_id: uuid.UUID, playlist_id: uuid.UUID) -> PlaylistView | None:
        """The playlist, if it is the caller's or public."""
        params = {"playlist": playlist_id, "user": user_id}
        rows = await self.db.fetch(self.statements.one, params)
        return playlist_view(rows[0]) if rows else None

    async def item_page(
        self, user_id: uuid.UUID, playlist_id: uuid.UUID, offset: int, limit: int
    ) -> ItemPage | None:
        """A page of the items in rank order, the first at position `offset`; None if the
        playlist is not there for the caller."""
        params = {"playlist": playlist_id, "user": user_id, "offset": offset, "limit": limit}
        rows = await self.db.fetch(self.statements.item_page, params)
        if not rows:
            return None
        page: list[ItemView] = []
        last_rank = None
        artists_of_song: list[Any] = []
        for (
            _,
            rank,
            added_at,
            added_by,
            added_by_name,
            song_id,
            title,
            duration_ms,
            track_number,
            disc_number,
            explicit,
            isrc,
            album_id,
            album_title,
            artist_id,
            artist_name,
            created_at,
            updated_at,
        ) in rows:
            if rank is None:  # the page is empty
                break
            if rank != last_rank:  # a new item; its song's other artists follow in order
                last_rank = rank
                artists_of_song = []
                page.append(
                    {
                        "position": offset + len(page),
                        "added_at": added_at,
                        "added_by": (
                            None
                            if added_by is None
                            else {"id": added_by, "username": added_by_name}
                        ),
                        "song": {
                            "id": song_id,
                            "title": title,
                            "duration_ms": duration_ms,
                            "track_number": track_number,
                            "disc_number": disc_number,
                            "explicit": explicit,
                            "isrc": isrc,
                            "album": {"id": album_id, "title": album_title},
                            "artists": artists_of_song,
                            "created_at": created_at,
                            "updated_at": updated_at,
                        },
                    }
                )
            if artist_id is not None:
                artists_of_song.append({"id": artist_id, "name": artist_name})
        return ItemPage(page, rows[0][0], offset, limit)

    async def own(self, user_id: uuid.UUID, page: PageQuery) -> PlaylistPage:
        """A page of the caller's playlists, newest first, and the size of the whole list
        (in the same statement, unless the page is empty)."""
        statement = _own_page(self.postgres, page.shape[1])
        rows = await self.db.fetch(statement, {"user": user_id, **page.params()})
        found = window(rows, page)
        if found.rows:
            total = int(found.rows[0][-1])
        else:
            counted = await self.db.fetch(_OWN_COUNT_ALONE, {"user": user_id})
            total = int(counted[0][0] or 0)
        views = [playlist_view(row) for row in found.rows]
        return PlaylistPage(Window(views, found.offset, found.has_next, found.has_previous), total)
