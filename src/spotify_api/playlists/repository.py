"""Queries on playlists. Items are ordered by a sparse rank; positions are derived, never stored.

An item's position is its 0-based index in rank order, found with `ORDER BY rank OFFSET p`
(counted from whichever end is nearer). Ranks are spaced by RANK_GAP, so the common changes touch
one row: an append takes the last rank + RANK_GAP, an insert at the front the first rank -
RANK_GAP, an insert elsewhere the midpoint of its two neighbours' ranks, a removal deletes its
row and nothing shifts. A reordered block takes ranks spread evenly in the gap at its
destination.

When a gap has no room left (or an edge rank would leave ±RANK_LIMIT), the playlist is
renumbered: rank = (new index + 1) * RANK_GAP, in two set-based statements whatever the number
of rows, on PostgreSQL and SQLite alike. The primary key (playlist_id, rank) is checked row by
row while an UPDATE runs, so the rows are first parked below -RANK_LIMIT, where no live rank is,
then given their new ranks. Renumbering is O(n) and rare; nothing loops over rows in Python.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CursorResult,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from spotify_api.catalog.models import Song
from spotify_api.catalog.repository import SONG_LOADING
from spotify_api.core.db import dialect_of, take_sqlite_write_lock, utc_now
from spotify_api.core.paging import Pager, PageRows, fetch_page
from spotify_api.playlists.models import RANK_GAP, RANK_LIMIT, Playlist, PlaylistItem
from spotify_api.users.models import User

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])

OWNER_LOADING = joinedload(Playlist.owner).load_only(User.id, User.username)


# Renumbering parks the item of new index i at _PARKED - i, below every live rank.
_PARKED = -RANK_LIMIT - 1


def _big(value: int) -> ColumnElement[int]:
    return literal(value, BigInteger())


def _slots(low: int | None, high: int | None, count: int) -> tuple[int, int] | None:
    """(base, step) such that base + step * k, for k = 1..count, are ranks strictly between
    `low` and `high` (None: no item on that side) and within ±RANK_LIMIT; None if none fit."""
    if low is not None and high is not None:
        step = (high - low) // (count + 1)
        return (low, step) if step >= 1 else None
    if high is not None:  # before the first item
        base = high - RANK_GAP * (count + 1)
        return (base, RANK_GAP) if base + RANK_GAP >= -RANK_LIMIT else None
    if low is not None:  # after the last item
        return (low, RANK_GAP) if low + RANK_GAP * count <= RANK_LIMIT else None
    return 0, RANK_GAP  # an empty playlist


def new_snapshot_id() -> str:
    return uuid.uuid4().hex


class PlaylistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- reading

    async def get(self, playlist_id: uuid.UUID) -> Playlist | None:
        query = select(Playlist).options(OWNER_LOADING).where(Playlist.id == playlist_id)
        return (await self.session.scalars(query)).first()

    async def page_owned(self, owner_id: uuid.UUID, pager: Pager) -> PageRows:
        query = select(Playlist).options(OWNER_LOADING).where(Playlist.owner_id == owner_id)
        return (await fetch_page(self.session, query, pager)).first_column()

    async def durations(self, playlist_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        """The total duration of each playlist's songs, in one grouped query."""
        if not playlist_ids:
            return {}
        query = (
            select(PlaylistItem.playlist_id, func.sum(Song.duration_ms))
            .join(Song, Song.id == PlaylistItem.song_id)
            .where(PlaylistItem.playlist_id.in_(playlist_ids))
            .group_by(PlaylistItem.playlist_id)
        )
        rows = (await self.session.execute(query)).all()
        return {playlist_id: int(total or 0) for playlist_id, total in rows}

    async def items(
        self, playlist_id: uuid.UUID, offset: int, limit: int
    ) -> list[tuple[PlaylistItem, Song]]:
        """A page of items in rank order, the first at position `offset`.

        The page's ranks are found first (walking the primary key's index past `offset`
        entries), so only the page's own rows are joined to their songs.
        """
        rank = PlaylistItem.rank
        page = (
            select(rank)
            .where(PlaylistItem.playlist_id == playlist_id)
            .order_by(rank)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        query = (
            select(PlaylistItem, Song)
            .join(page, and_(PlaylistItem.playlist_id == playlist_id, rank == page.c.rank))
            .join(Song, Song.id == PlaylistItem.song_id)
            .options(*SONG_LOADING)
            .order_by(rank)
        )
        return [(item, song) for item, song in (await self.session.execute(query)).all()]

    @staticmethod
    def _window(query: AnySelect, length: int, position: int, count: int) -> AnySelect:
        """`query` limited to the items at `position`..`position + count - 1` of `length`,
        counted from whichever end of the playlist is nearer (rows come in either order)."""
        rank = PlaylistItem.rank
        from_end = length - position - count
        if from_end < position:
            return query.order_by(rank.desc()).offset(from_end).limit(count)
        return query.order_by(rank).offset(position).limit(count)

    async def item_at(
        self, playlist_id: uuid.UUID, length: int, position: int
    ) -> tuple[int, uuid.UUID] | None:
        """The (rank, song id) of the item at `position` of a playlist of `length` items."""
        if not 0 <= position < length:
            return None
        query = select(PlaylistItem.rank, PlaylistItem.song_id).where(
            PlaylistItem.playlist_id == playlist_id
        )
        row = (await self.session.execute(self._window(query, length, position, 1))).first()
        return None if row is None else (int(row[0]), row[1])

    async def _neighbours(
        self, playlist_id: uuid.UUID, length: int, before: int
    ) -> tuple[int | None, int | None]:
        """The ranks of the items at `before - 1` and at `before` (None past either end)."""
        first = max(before - 1, 0)
        count = min(before - first + 1, length - first)
        ranks: list[int] = []
        if count > 0:
            query = select(PlaylistItem.rank).where(PlaylistItem.playlist_id == playlist_id)
            found = await self.session.scalars(self._window(query, length, first, count))
            ranks = sorted(found.all())
        low = ranks[0] if before > 0 else None
        high = ranks[-1] if before < length else None
        return low, high

    # -- writing

    async def lock(self, playlist_id: uuid.UUID) -> Playlist | None:
        """The playlist, locked until the transaction ends, so that changes to it serialise.

        PostgreSQL locks the row (SELECT … FOR UPDATE); SQLite takes its database's write lock
        (`take_sqlite_write_lock`).
        """
        query = (
            select(Playlist)
            .options(OWNER_LOADING)
            .where(Playlist.id == playlist_id)
            .execution_options(populate_existing=True)
        )
        if await dialect_of(self.session) == "sqlite":
            await take_sqlite_write_lock(
                self.session, Playlist.updated_at, Playlist.id == playlist_id
            )
        else:
            query = query.with_for_update(of=Playlist)
        return (await self.session.scalars(query)).first()

    async def add(self, playlist: Playlist) -> None:
        self.session.add(playlist)
        await self.session.flush()

    async def delete(self, playlist_id: uuid.UUID) -> None:
        await self.session.execute(delete(Playlist).where(Playlist.id == playlist_id))

    async def insert_item(
        self, playlist_id: uuid.UUID, length: int, position: int, song_id: uuid.UUID
    ) -> None:
        """Insert the song at `position` (0..length) of a playlist of `length` items."""
        low, high = await self._neighbours(playlist_id, length, position)
        slots = _slots(low, high, 1)
        if slots is None:  # no free rank there: renumber, leaving a hole at `position`

            def new_index(index: ColumnElement[int]) -> ColumnElement[int]:
                return case((index >= position, index + 1), else_=index)

            await self._renumber(playlist_id, new_index)
            slots = (position * RANK_GAP, RANK_GAP)
        base, step = slots
        await self.session.execute(
            insert(PlaylistItem).values(
                playlist_id=playlist_id, rank=base + step, song_id=song_id, added_at=utc_now()
            )
        )

    async def move_range(
        self, playlist_id: uuid.UUID, length: int, start: int, count: int, before: int
    ) -> None:
        """Move `count` items from `start` to just before `before` (Spotify's reorder).

        `before` must lie outside start..start + count. The block takes ranks spread evenly in
        the gap between its destination's neighbours, which holds no item; when the gap is too
        small, the whole playlist is renumbered in its new order.
        """
        low, high = await self._neighbours(playlist_id, length, before)
        slots = _slots(low, high, count)
        end = start + count
        if slots is None:

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

            await self._renumber(playlist_id, new_index)
            return
        first = await self.item_at(playlist_id, length, start)
        last = await self.item_at(playlist_id, length, end - 1)
        if first is None or last is None:  # cannot be: 0 <= start < end <= length
            raise LookupError(f"no items at {start}..{end - 1} of {length}")
        rank = PlaylistItem.rank
        in_playlist = PlaylistItem.playlist_id == playlist_id
        block = (
            select(rank.label("old"), func.row_number().over(order_by=rank).label("nth"))
            .where(in_playlist, rank >= first[0], rank <= last[0])
            .subquery()
        )
        base, step = slots
        await self.session.execute(
            update(PlaylistItem)
            .where(in_playlist, rank == block.c.old)
            .values(rank=_big(base) + block.c.nth * _big(step))
            .execution_options(synchronize_session=False)
        )

    async def _renumber(
        self,
        playlist_id: uuid.UUID,
        new_index: Callable[[ColumnElement[int]], ColumnElement[int]],
    ) -> None:
        """Give every item the rank (new_index(its index) + 1) * RANK_GAP, in two statements.

        `new_index` maps an item's current 0-based index to its new one (a permutation, or
        one that leaves holes). The rows are parked below -RANK_LIMIT first, where no live rank
        is, so that no row ever takes a rank another still holds.
        """
        rank = PlaylistItem.rank
        in_playlist = PlaylistItem.playlist_id == playlist_id
        ordered = (
            select(rank.label("old"), (func.row_number().over(order_by=rank) - 1).label("index"))
            .where(in_playlist)
            .subquery()
        )
        await self.session.execute(
            update(PlaylistItem)
            .where(in_playlist, rank == ordered.c.old)
            .values(rank=_big(_PARKED) - new_index(ordered.c.index))
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(PlaylistItem)
            .where(in_playlist, rank < -RANK_LIMIT)
            .values(rank=(_big(_PARKED) - rank + 1) * RANK_GAP)
            .execution_options(synchronize_session=False)
        )

    async def delete_item(self, playlist_id: uuid.UUID, rank: int) -> None:
        await self.session.execute(
            delete(PlaylistItem).where(
                PlaylistItem.playlist_id == playlist_id, PlaylistItem.rank == rank
            )
        )

    async def delete_song(self, playlist_id: uuid.UUID, song_id: uuid.UUID) -> int:
        """Delete every occurrence of the song in the playlist; how many there were."""
        result = await self.session.execute(
            delete(PlaylistItem).where(
                PlaylistItem.playlist_id == playlist_id, PlaylistItem.song_id == song_id
            )
        )
        return int(cast("CursorResult[Any]", result).rowcount)

    # -- the catalog's side: songs that leave the catalog leave every playlist

    async def remove_songs_everywhere(self, song_ids: Select[Any]) -> None:
        """Take these songs out of every playlist, recount those playlists, renew their snapshots.

        The caller has locked the songs (`CatalogRepository.lock_songs`), so no playlist gains
        them meanwhile. Nothing else moves: the remaining items keep their ranks, so their order.
        """
        holding = select(PlaylistItem.playlist_id).where(PlaylistItem.song_id.in_(song_ids))
        playlist_ids = sorted(set((await self.session.scalars(holding)).all()))
        if not playlist_ids:
            return
        locking = select(Playlist.id).where(Playlist.id.in_(playlist_ids)).order_by(Playlist.id)
        if await dialect_of(self.session) == "sqlite":
            await take_sqlite_write_lock(
                self.session, Playlist.updated_at, Playlist.id.in_(playlist_ids)
            )
        else:
            await self.session.execute(locking.with_for_update())
        await self.session.execute(delete(PlaylistItem).where(PlaylistItem.song_id.in_(song_ids)))
        remaining = (
            select(func.count())
            .where(PlaylistItem.playlist_id == Playlist.id)
            .correlate(Playlist)
            .scalar_subquery()
        )
        await self.session.execute(
            update(Playlist)
            .where(Playlist.id.in_(playlist_ids))
            .values(
                total_songs=remaining,
                snapshot_id=new_snapshot_id(),
                updated_at=utc_now(),
            )
            .execution_options(synchronize_session=False)
        )
