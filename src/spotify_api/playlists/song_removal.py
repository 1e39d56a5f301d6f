"""Songs that leave the catalog leave every playlist: the playlists' hook in the catalog's
`SongReferences` (registered in `main.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.core.db import dialect_of, take_sqlite_write_lock, utc_now
from spotify_api.playlists.models import Playlist, PlaylistItem
from spotify_api.playlists.repository import new_snapshot_id

# Ids go to the database as bound parameters, of which a statement may have about 32,000.
_CHUNK = 5_000


def _chunks(ids: Sequence[uuid.UUID]) -> Iterator[Sequence[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


async def remove_songs_everywhere(session: AsyncSession, song_ids: Sequence[uuid.UUID]) -> None:
    """Take these songs out of every playlist, recount those playlists, renew their snapshots.

    The catalog has locked the songs, so no playlist gains them meanwhile. The playlists are
    locked in id order, as every writer of several playlists does. Nothing else moves: the
    remaining items keep their ranks, so their order.
    """
    found: set[uuid.UUID] = set()
    for chunk in _chunks(song_ids):
        holding = select(PlaylistItem.playlist_id).where(PlaylistItem.song_id.in_(chunk))
        found.update((await session.scalars(holding.distinct())).all())
    if not found:
        return
    playlist_ids = sorted(found)
    sqlite = await dialect_of(session) == "sqlite"
    for chunk in _chunks(playlist_ids):
        if sqlite:
            await take_sqlite_write_lock(session, Playlist.updated_at, Playlist.id.in_(chunk))
        else:
            locking = select(Playlist.id).where(Playlist.id.in_(chunk)).order_by(Playlist.id)
            await session.execute(locking.with_for_update())
    for chunk in _chunks(song_ids):
        await session.execute(delete(PlaylistItem).where(PlaylistItem.song_id.in_(chunk)))
    remaining = (
        select(func.count())
        .where(PlaylistItem.playlist_id == Playlist.id)
        .correlate(Playlist)
        .scalar_subquery()
    )
    for chunk in _chunks(playlist_ids):
        await session.execute(
            update(Playlist)
            .where(Playlist.id.in_(chunk))
            .values(total_songs=remaining, snapshot_id=new_snapshot_id(), updated_at=utc_now())
            .execution_options(synchronize_session=False)
        )
