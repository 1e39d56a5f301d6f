"""Queries on playlists. Positions move by set-based statements, never by a loop in Python.

The primary key (playlist_id, position) is checked row by row while an UPDATE runs, so a shift
by one would collide with its neighbour. Every move therefore goes through negative positions:
the moved rows are first parked at -(new position) - 1, then flipped back, which is two
statements whatever the number of rows, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from spotify_api.catalog.models import Song
from spotify_api.catalog.repository import SONG_LOADING
from spotify_api.core.db import utc_now
from spotify_api.core.paging import Pager, PageRows, fetch_page
from spotify_api.playlists.models import Playlist, PlaylistItem
from spotify_api.users.models import User

OWNER_LOADING = joinedload(Playlist.owner).load_only(User.id, User.username)


def new_snapshot_id() -> str:
    return uuid.uuid4().hex


class PlaylistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _dialect(self) -> str:
        return (await self.session.connection()).dialect.name

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
        """A page of items: positions are dense, so a deep page costs what the first does."""
        query = (
            select(PlaylistItem, Song)
            .join(Song, Song.id == PlaylistItem.song_id)
            .options(*SONG_LOADING)
            .where(
                PlaylistItem.playlist_id == playlist_id,
                PlaylistItem.position >= offset,
                PlaylistItem.position < offset + limit,
            )
            .order_by(PlaylistItem.position)
        )
        return [(item, song) for item, song in (await self.session.execute(query)).all()]

    async def item_at(self, playlist_id: uuid.UUID, position: int) -> PlaylistItem | None:
        query = select(PlaylistItem).where(
            PlaylistItem.playlist_id == playlist_id, PlaylistItem.position == position
        )
        return (await self.session.scalars(query)).first()

    # -- writing

    async def lock(self, playlist_id: uuid.UUID) -> Playlist | None:
        """The playlist, locked until the transaction ends, so that changes to it serialise.

        PostgreSQL locks the row (SELECT … FOR UPDATE). SQLite has one writer at a time: a
        write as the transaction's first statement takes the database's write lock (waiting
        for it, up to the busy time-out), so everything read after it is current.
        """
        query = (
            select(Playlist)
            .options(OWNER_LOADING)
            .where(Playlist.id == playlist_id)
            .execution_options(populate_existing=True)
        )
        if await self._dialect() == "sqlite":
            await self.session.execute(
                update(Playlist)
                .where(Playlist.id == playlist_id)
                .values(snapshot_id=Playlist.snapshot_id)
            )
        else:
            query = query.with_for_update(of=Playlist)
        return (await self.session.scalars(query)).first()

    async def add(self, playlist: Playlist) -> None:
        self.session.add(playlist)
        await self.session.flush()

    async def delete(self, playlist_id: uuid.UUID) -> None:
        await self.session.execute(delete(Playlist).where(Playlist.id == playlist_id))

    async def insert_item(self, playlist_id: uuid.UUID, position: int, song_id: uuid.UUID) -> None:
        await self.session.execute(
            insert(PlaylistItem).values(
                playlist_id=playlist_id, position=position, song_id=song_id, added_at=utc_now()
            )
        )

    async def _move(
        self, playlist_id: uuid.UUID, where: ColumnElement[bool], new_position: Any
    ) -> None:
        """Give the items matching `where` their `new_position`, in two set-based statements."""
        position = PlaylistItem.position
        in_playlist = PlaylistItem.playlist_id == playlist_id
        await self.session.execute(
            update(PlaylistItem)
            .where(in_playlist, where)
            .values(position=-new_position - 1)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(PlaylistItem)
            .where(in_playlist, position < 0)
            .values(position=-position - 1)
            .execution_options(synchronize_session=False)
        )

    async def shift(self, playlist_id: uuid.UUID, start: int, delta: int) -> None:
        """Move every item at `start` or after by `delta` places."""
        position = PlaylistItem.position
        await self._move(playlist_id, position >= start, position + delta)

    async def move_range(
        self, playlist_id: uuid.UUID, start: int, length: int, before: int
    ) -> None:
        """Move `length` items from `start` to just before `before` (Spotify's reorder)."""
        position = PlaylistItem.position
        end = start + length
        if before < start:  # the block moves up; what it passes moves down
            low, high = before, end
            new = case(
                (position >= start, position - (start - before)),
                else_=position + length,
            )
        else:  # the block moves down; what it passes moves up
            low, high = start, before
            new = case(
                (position < end, position + (before - end)),
                else_=position - length,
            )
        await self._move(playlist_id, and_(position >= low, position < high), new)

    async def delete_items(
        self, playlist_id: uuid.UUID, song_id: uuid.UUID, position: int | None
    ) -> tuple[int, int | None]:
        """Delete the song's items (or the one at `position`); how many, and the first position."""
        conditions = [PlaylistItem.playlist_id == playlist_id, PlaylistItem.song_id == song_id]
        if position is not None:
            conditions.append(PlaylistItem.position == position)
        first = select(func.count(), func.min(PlaylistItem.position)).where(*conditions)
        removed, lowest = (await self.session.execute(first)).one()
        if removed:
            await self.session.execute(delete(PlaylistItem).where(*conditions))
        return int(removed), lowest

    async def close_gaps(self, playlist_ids: Sequence[uuid.UUID], start: int = 0) -> None:
        """Renumber the items of these playlists 0..n-1 in their order, from `start` on."""
        ranked = (
            select(
                PlaylistItem.playlist_id,
                PlaylistItem.position,
                (
                    func.row_number().over(
                        partition_by=PlaylistItem.playlist_id, order_by=PlaylistItem.position
                    )
                    - 1
                    + start
                ).label("rank"),
            )
            .where(PlaylistItem.playlist_id.in_(playlist_ids), PlaylistItem.position >= start)
            .subquery()
        )
        await self.session.execute(
            update(PlaylistItem)
            .where(
                PlaylistItem.playlist_id == ranked.c.playlist_id,
                PlaylistItem.position == ranked.c.position,
            )
            .values(position=-ranked.c.rank - 1)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(PlaylistItem)
            .where(PlaylistItem.playlist_id.in_(playlist_ids), PlaylistItem.position < 0)
            .values(position=-PlaylistItem.position - 1)
            .execution_options(synchronize_session=False)
        )

    # -- the catalog's side: songs that leave the catalog leave every playlist

    async def remove_songs_everywhere(self, song_ids: Select[Any]) -> None:
        """Take these songs out of every playlist, close the gaps and renew the snapshots."""
        holding = select(PlaylistItem.playlist_id).where(PlaylistItem.song_id.in_(song_ids))
        playlist_ids = sorted(set((await self.session.scalars(holding)).all()))
        if not playlist_ids:
            return
        locking = select(Playlist.id).where(Playlist.id.in_(playlist_ids)).order_by(Playlist.id)
        if await self._dialect() == "sqlite":
            await self.session.execute(
                update(Playlist)
                .where(Playlist.id.in_(playlist_ids))
                .values(snapshot_id=Playlist.snapshot_id)
            )
        else:
            await self.session.execute(locking.with_for_update())
        # Once locked, look again: a song may have been added since the first look.
        playlist_ids = sorted(set((await self.session.scalars(holding)).all()))
        await self.session.execute(delete(PlaylistItem).where(PlaylistItem.song_id.in_(song_ids)))
        await self.close_gaps(playlist_ids)
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
