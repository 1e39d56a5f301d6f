"""The writes of playlists, each a fixed few statements, under the playlist row's lock.

A change locks its playlist with one statement that returns what the service checks (owner,
visibility, snapshot, length; for an add, whether the song exists, held so that it cannot
leave the catalog before the commit). What follows is one statement on PostgreSQL: a
data-modifying CTE changes the items (their new ranks found inside it, see `ranks`) and the
playlist row's count, snapshot and `updated_at` with them, and changes neither if the items
statement found nothing to do. SQLite has no DML in CTEs, so there the items statement and the
playlist's update are two. The statements run in the request's transaction
(`core.transactions`: on PostgreSQL straight on asyncpg).

The neighbours are read after the lock, never by the lock's statement: on PostgreSQL a
`SELECT … FOR UPDATE` that waited re-reads the locked row but not the rest of its query, whose
snapshot predates the wait.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    Uuid,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.sql.dml import ReturningDelete, ReturningInsert, ReturningUpdate

from spotify_api.core.db import UtcDateTime, utc_now
from spotify_api.core.transactions import Statements
from spotify_api.playlists import ranks
from spotify_api.playlists.models import RANK_GAP
from spotify_api.playlists.ranks import PLAYLIST, Gap, gap, gap_for, window, window_bounds
from spotify_api.playlists.reads import playlist_columns
from spotify_api.playlists.tables import collaborators, items, playlists, songs
from spotify_api.playlists.views import PlaylistView, playlist_view

SONG = bindparam("sid", type_=Uuid())
USER = bindparam("uid", type_=Uuid())
NOW = bindparam("now", type_=UtcDateTime())
SNAPSHOT = bindparam("snapshot", type_=String())

ItemsChange = ReturningInsert[Any] | ReturningDelete[Any] | ReturningUpdate[Any]


def new_snapshot_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Locked:
    """What a change checks, read as it locks the row."""

    owner_id: uuid.UUID
    public: bool
    snapshot_id: str
    total_songs: int
    collaborators: int
    #: Whether the song to add exists (and is held); True when no song was asked about.
    song_held: bool = True
    #: Whether the caller collaborates on it (read after the lock; False for its owner).
    collaborator: bool = False


_LOCKED_COLUMNS = (
    playlists.c.owner_id,
    playlists.c.public,
    playlists.c.snapshot_id,
    playlists.c.total_songs,
    playlists.c.collaborators,
)
_LOCK_ROW = select(*_LOCKED_COLUMNS).where(playlists.c.id == PLAYLIST).with_for_update()
# The song first, the playlist then: the lock order of a song's deletion (catalog's lock_songs,
# then the playlists that hold it), so that the two cannot deadlock. The subquery in the select
# list runs as the playlist's row is read, before the row lock is taken above that read.
_HELD_SONG = (
    select(songs.c.id)
    .where(songs.c.id == SONG)
    .with_for_update(read=True, key_share=True)
    .scalar_subquery()
)
_LOCK_ROW_HOLDING_SONG = (
    select(*_LOCKED_COLUMNS, _HELD_SONG.is_not(None))
    .where(playlists.c.id == PLAYLIST)
    .with_for_update(of=playlists)
)
# SQLite: a write to the song's row takes the database's write lock, the song held with it.
_HOLD_SONG_SQLITE = (
    update(songs)
    .where(songs.c.id == SONG)
    .values(updated_at=songs.c.updated_at)
    .returning(songs.c.id)
)
# SQLite's stand-in for a row lock: a write takes the database's write lock (waiting for it up
# to the busy time-out), so that everything the transaction reads after it is current.
_LOCK_DATABASE = (
    update(playlists)
    .where(playlists.c.id == PLAYLIST)
    .values(snapshot_id=playlists.c.snapshot_id, updated_at=playlists.c.updated_at)
    .returning(*_LOCKED_COLUMNS)
)

# Read after the row's lock, in a statement of its own: one that waited for the lock sees what
# the change it waited for committed (a collaborator removed meanwhile is no longer one).
IS_COLLABORATOR = select(collaborators.c.user_id).where(
    collaborators.c.playlist_id == PLAYLIST, collaborators.c.user_id == USER
)

_CREATE = insert(playlists)
# Omitted fields are None (a body may not set them to null): they keep their value.
_UPDATE = (
    update(playlists)
    .where(playlists.c.id == PLAYLIST)
    .values(
        name=func.coalesce(bindparam("new_name"), playlists.c.name),
        description=func.coalesce(bindparam("new_description"), playlists.c.description),
        public=func.coalesce(bindparam("new_public"), playlists.c.public),
        snapshot_id=SNAPSHOT,
        updated_at=NOW,
    )
)
_VIEWS = {
    postgres: select(*playlist_columns(postgres)).where(playlists.c.id == PLAYLIST)
    for postgres in (True, False)
}
_DELETE = delete(playlists).where(playlists.c.id == PLAYLIST)
_INSERT_AT = insert(items).values(
    playlist_id=PLAYLIST, rank=bindparam("rank"), song_id=SONG, added_at=NOW, added_by=USER
)
# Every item a change adds or removes is SONG's, so its duration moves the playlist's by one
# amount per item. The song is held (add) or cannot change its duration before this commits
# (a duration's change locks its song, then the playlists holding it: `song_removal`).
_SONG_DURATION = select(songs.c.duration_ms).where(songs.c.id == SONG).scalar_subquery()
_DELTA = bindparam("delta", type_=Integer())
#: The playlist's renewal after `delta` items of SONG came or went, as a statement of its own.
_TOUCH = (
    update(playlists)
    .where(playlists.c.id == PLAYLIST)
    .values(
        total_songs=playlists.c.total_songs + _DELTA,
        duration_ms=playlists.c.duration_ms + _DELTA * _SONG_DURATION,
        snapshot_id=SNAPSHOT,
        updated_at=NOW,
    )
)
#: The playlist's renewal after its items moved.
_RENEW = (
    update(playlists).where(playlists.c.id == PLAYLIST).values(snapshot_id=SNAPSHOT, updated_at=NOW)
)


@cache
def _add(kind: Gap) -> ItemsChange:
    """Insert SONG at the first free rank of the gap (none if it is full)."""
    free = gap(kind)
    new = select(PLAYLIST, free.c.base + free.c.step, SONG, NOW, USER)
    columns = ["playlist_id", "rank", "song_id", "added_at", "added_by"]
    return insert(items).from_select(columns, new).returning(items.c.rank)


@cache
def _remove(at: bool, from_end: bool) -> ItemsChange:
    """Delete every item of SONG, or (`at`) the item in the window if it is SONG's."""
    statement = delete(items).where(items.c.playlist_id == PLAYLIST, items.c.song_id == SONG)
    if at:
        statement = statement.where(
            items.c.rank == window(from_end, items.c.rank).scalar_subquery()
        )
    return statement.returning(items.c.rank)


@cache
def _move(kind: Gap, block_from_end: bool) -> ItemsChange:
    """Give the items of the block window ranks spread evenly in the gap (none if it is full).
    The gap holds no item, so no new rank is one that another item holds."""
    moving = window(
        block_from_end,
        items.c.rank.label("old"),
        skip=ranks.BLOCK_SKIP,
        take=ranks.BLOCK_TAKE,
    ).subquery("moving")
    block = select(
        moving.c.old, func.row_number().over(order_by=moving.c.old).label("nth")
    ).subquery("block")
    free = gap(kind)
    moves = (
        select(block.c.old, (free.c.base + block.c.nth * free.c.step).label("new"))
        .select_from(block.join(free, true()))
        .subquery("moves")
    )
    return (
        update(items)
        .where(items.c.playlist_id == PLAYLIST, items.c.rank == moves.c.old)
        .values(rank=moves.c.new)
        .returning(items.c.rank)
    )


@cache
def _with_playlist(change: ItemsChange, delta: int) -> ReturningUpdate[Any]:
    """PostgreSQL: `change` and, if it changed any item, the playlist's renewal (its count moved
    by `delta` per item, its duration by `delta` times SONG's), in one statement returning how
    many items changed."""
    changed = change.cte("changed")
    count = select(func.count()).select_from(changed).scalar_subquery()
    values: dict[str, Any] = {"snapshot_id": SNAPSHOT, "updated_at": NOW}
    if delta:
        values["total_songs"] = playlists.c.total_songs + count * delta
        values["duration_ms"] = playlists.c.duration_ms + count * delta * _SONG_DURATION
    return (
        update(playlists)
        .where(playlists.c.id == PLAYLIST, count > 0)
        .values(values)
        .returning(count)
    )


class PlaylistRepository:
    def __init__(self, statements: Statements) -> None:
        self.statements = statements
        self.postgres = statements.dialect == "postgresql"

    async def _rows(self, statement: Any, params: dict[str, Any]) -> Any:
        return await self.statements.fetch(statement, params)

    async def lock(
        self, playlist_id: uuid.UUID, user_id: uuid.UUID, song_id: uuid.UUID | None = None
    ) -> Locked | None:
        """The playlist's row, locked until the transaction ends, so that changes serialise;
        with `song_id`, that song held first (see `Locked.song_held`); whether `user_id`
        collaborates on it, as it is once the lock is held.

        PostgreSQL locks the rows (FOR KEY SHARE, FOR UPDATE); SQLite takes its database's
        write lock.
        """
        params = {"pid": playlist_id, "sid": song_id, "uid": user_id}
        if self.postgres:
            statement = _LOCK_ROW if song_id is None else _LOCK_ROW_HOLDING_SONG
            found = await self._rows(statement, params)
            held = song_id is None or (bool(found) and bool(found[0][5]))
        else:
            held = song_id is None or bool(await self._rows(_HOLD_SONG_SQLITE, params))
            found = await self._rows(_LOCK_DATABASE, params)
        if not found:
            return None
        row = found[0]
        collaborator = row[0] != user_id and bool(await self._rows(IS_COLLABORATOR, params))
        return Locked(row[0], row[1], row[2], row[3], row[4], held, collaborator)

    async def create(
        self, owner_id: uuid.UUID, name: str, description: str, public: bool
    ) -> PlaylistView:
        now, playlist_id = utc_now(), uuid.uuid4()
        values = {
            "id": playlist_id,
            "owner_id": owner_id,
            "name": name,
            "description": description,
            "public": public,
            "snapshot_id": new_snapshot_id(),
            "total_songs": 0,
            "duration_ms": 0,
            "followers": 0,
            "collaborators": 0,
            "created_at": now,
            "updated_at": now,
        }
        await self._rows(_CREATE, values)
        return await self._view(playlist_id)

    async def _view(self, playlist_id: uuid.UUID) -> PlaylistView:
        (row,) = await self._rows(_VIEWS[self.postgres], {"pid": playlist_id})
        return playlist_view(row)

    async def update(self, playlist_id: uuid.UUID, changes: dict[str, Any]) -> PlaylistView:
        """Set the `changes` given (name, description, public); renew the snapshot."""
        params = {f"new_{field}": changes.get(field) for field in ("name", "description", "public")}
        params |= {"pid": playlist_id, "snapshot": new_snapshot_id(), "now": utc_now()}
        await self._rows(_UPDATE, params)
        return await self._view(playlist_id)

    async def delete(self, playlist_id: uuid.UUID) -> None:
        await self._rows(_DELETE, {"pid": playlist_id})

    async def _change(self, change: ItemsChange, delta: int, params: dict[str, Any]) -> int:
        """Run `change` on the items and renew the playlist if it changed any (its count moved by
        `delta` per item); how many it changed. Renews `params["snapshot"]` and "now"."""
        if self.postgres:
            changed = await self._rows(_with_playlist(change, delta), params)
            return int(changed[0][0]) if changed else 0
        count = len(await self._rows(change, params))
        if count and delta:
            await self._touch(params, delta * count)
        elif count:
            await self._renew(params)
        return count

    @staticmethod
    def _params(playlist_id: uuid.UUID, **values: Any) -> dict[str, Any]:
        return {"pid": playlist_id, "snapshot": new_snapshot_id(), "now": utc_now(), **values}

    async def _touch(self, params: dict[str, Any], delta: int) -> None:
        await self._rows(_TOUCH, {**params, "delta": delta})

    async def _renew(self, params: dict[str, Any]) -> None:
        await self._rows(_RENEW, params)

    async def renew(self, playlist_id: uuid.UUID) -> None:
        """A new snapshot and `updated_at`, for a change beside its items and details."""
        await self._renew(self._params(playlist_id))

    async def insert_item(
        self,
        playlist_id: uuid.UUID,
        length: int,
        position: int,
        song_id: uuid.UUID,
        added_by: uuid.UUID,
    ) -> str:
        """Insert the song at `position` (0..length) of a playlist of `length` items; the new
        snapshot id."""
        kind, window_params = gap_for(length, position)
        params = self._params(playlist_id, sid=song_id, uid=added_by, slots=1, **window_params)
        if not await self._change(_add(kind), 1, params):  # no free rank: renumber, leaving
            # a hole at `position`

            def new_index(index: ColumnElement[int]) -> ColumnElement[int]:
                return case((index >= position, index + 1), else_=index)

            await ranks.renumber(self.statements, playlist_id, new_index)
            row = {
                "pid": playlist_id,
                "rank": (position + 1) * RANK_GAP,
                "sid": song_id,
                "uid": added_by,
            }
            await self._rows(_INSERT_AT, {**row, "now": params["now"]})
            await self._touch(params, 1)
        return str(params["snapshot"])

    async def remove_song(self, playlist_id: uuid.UUID, song_id: uuid.UUID) -> tuple[int, str]:
        """Delete every occurrence of the song; how many there were, and the new snapshot id
        (unused when there were none: nothing changed)."""
        params = self._params(playlist_id, sid=song_id)
        return await self._change(_remove(False, False), -1, params), params["snapshot"]

    async def remove_at(
        self, playlist_id: uuid.UUID, length: int, position: int, song_id: uuid.UUID
    ) -> tuple[int, str]:
        """Delete the item at `position` if it is the song's: (1 or 0, the new snapshot id)."""
        if not 0 <= position < length:
            return 0, ""
        from_end, skip, take = window_bounds(length, position, 1)
        params = self._params(playlist_id, sid=song_id, skip=skip, take=take)
        return await self._change(_remove(True, from_end), -1, params), params["snapshot"]

    async def move_range(
        self, playlist_id: uuid.UUID, length: int, start: int, count: int, before: int
    ) -> str:
        """Move `count` items from `start` to just before `before` (Spotify's reorder); the new
        snapshot id.

        `before` must lie outside start..start + count. The block takes ranks spread evenly in
        the gap between its destination's neighbours, which holds no item; when the gap is too
        small, the whole playlist is renumbered in its new order.
        """
        kind, window_params = gap_for(length, before)
        block_from_end, block_skip, block_take = window_bounds(length, start, count)
        params = self._params(
            playlist_id, slots=count, block_skip=block_skip, block_take=block_take, **window_params
        )
        if await self._change(_move(kind, block_from_end), 0, params):
            return str(params["snapshot"])
        end = start + count

        def new_index(index: ColumnElement[int]) -> ColumnElement[int]:
            if before < start:  # the block moves up; what it passes moves down
                return case(
                    (or_(index < before, index >= end), index),
                    (index >= start, index - (start - before)),
                    else_=index + count,
                )
            return case(  # the block moves down; what it passes moves up
                (or_(index < start, index >= before), index),
                (index < end, index + (before - end)),
                else_=index - count,
            )

        await ranks.renumber(self.statements, playlist_id, new_index)
        await self._renew(params)
        return str(params["snapshot"])
