"""The playlists' `SongHolder` (registered in `main.py`): songs that leave the catalog leave
every playlist, and a song whose duration changes changes the duration of those holding it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.catalog.models import Song
from spotify_api.catalog.references import SongHolder
from spotify_api.core.db import dialect_of, in_chunks, take_sqlite_write_lock, utc_now
from spotify_api.playlists.models import Playlist, PlaylistItem
from spotify_api.playlists.repository import new_snapshot_id

_REMAINING_SONGS = (
    select(func.count())
    .where(PlaylistItem.playlist_id == Playlist.id)
    .correlate(Playlist)
    .scalar_subquery()
)
_REMAINING_DURATION = (
    select(func.coalesce(func.sum(Song.duration_ms), 0))
    .select_from(PlaylistItem)
    .join(Song, Song.id == PlaylistItem.song_id)
    .where(PlaylistItem.playlist_id == Playlist.id)
    .correlate(Playlist)
    .scalar_subquery()
)


async def _lock_holding(session: AsyncSession, song_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Lock the playlists that hold any of these songs, in id order (as every writer of several
    playlists does); their ids, in that order."""
    found: set[uuid.UUID] = set()
    for chunk in in_chunks(song_ids):
        holding = select(PlaylistItem.playlist_id).where(PlaylistItem.song_id.in_(chunk))
        found.update((await session.scalars(holding.distinct())).all())
    playlist_ids = sorted(found)
    sqlite = await dialect_of(session) == "sqlite"
    for chunk in in_chunks(playlist_ids):
        if sqlite:
            await take_sqlite_write_lock(session, Playlist.updated_at, Playlist.id.in_(chunk))
        else:
            locking = select(Playlist.id).where(Playlist.id.in_(chunk)).order_by(Playlist.id)
            await session.execute(locking.with_for_update())
    return playlist_ids


async def _recount(
    session: AsyncSession, playlist_ids: Sequence[uuid.UUID], **values: object
) -> None:
    """Give the playlists their items' count and summed duration, and a new snapshot."""
    for chunk in in_chunks(playlist_ids):
        await session.execute(
            update(Playlist)
            .where(Playlist.id.in_(chunk))
            .values(
                total_songs=_REMAINING_SONGS,
                duration_ms=_REMAINING_DURATION,
                snapshot_id=new_snapshot_id(),
                **values,
            )
            .execution_options(synchronize_session=False)
        )


async def remove_songs_everywhere(session: AsyncSession, song_ids: Sequence[uuid.UUID]) -> None:
    """Take these songs out of every playlist, recount those playlists, renew their snapshots.

    The catalog has locked the songs, so no playlist gains them meanwhile. Nothing else moves:
    the remaining items keep their ranks, so their order.
    """
    playlist_ids = await _lock_holding(session, song_ids)
    if not playlist_ids:
        return
    for chunk in in_chunks(song_ids):
        await session.execute(delete(PlaylistItem).where(PlaylistItem.song_id.in_(chunk)))
    await _recount(session, playlist_ids, updated_at=utc_now())


async def retime_songs_everywhere(session: AsyncSession, song_ids: Sequence[uuid.UUID]) -> None:
    """The songs' durations changed: recount the playlists holding them, renew their snapshots
    (their answers changed; their `updated_at` is the owner's, and stays).

    The catalog has locked the songs before changing them, so a playlist that gains one of them
    after this reads its new duration, and one that loses one after this subtracts it.
    """
    playlist_ids = await _lock_holding(session, song_ids)
    await _recount(session, playlist_ids, updated_at=Playlist.updated_at)


PLAYLISTS_HOLD_SONGS = SongHolder(leaving=remove_songs_everywhere, retimed=retime_songs_everywhere)
