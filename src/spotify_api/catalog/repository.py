"""Queries of curation: the catalog's rows as ORM objects, their locks, and the writes. (What
clients read comes from rows, in `catalog.reads` and `catalog.list_reads`.)"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Select,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.core.db import dialect_of, take_sqlite_write_lock, utc_now

#: The advisory lock that the catalog's deletes take (PostgreSQL), a constant of this project.
DELETE_LOCK = 7_362_514_280_114


class CatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- songs

    async def lock_songs(self, song_ids: Select[Any]) -> list[uuid.UUID]:
        """Lock these songs (FOR UPDATE, in id order) before they leave the catalog; the ids of
        those still there.

        Lock order: an add-song holds its song before it locks the playlist, and a delete locks
        its songs before the playlists that hold them, so neither waits for the other in a
        cycle. Once locked, no playlist can gain these songs until the delete ends.
        """
        query = select(Song.id).where(Song.id.in_(song_ids)).order_by(Song.id)
        if await dialect_of(self.session) == "sqlite":
            await take_sqlite_write_lock(self.session, Song.updated_at, Song.id.in_(song_ids))
        else:
            query = query.with_for_update()
        return list((await self.session.scalars(query)).all())

    async def serialise_deletes(self) -> None:
        """Let one catalog delete run at a time (PostgreSQL; on SQLite every write does). A
        delete's cascades take every library row of its items and, through the triggers, the
        totals rows of their users, in whatever order the rows are found: two deletes whose
        items are in the same users' libraries would deadlock on those rows. Deletes are rare
        admin writes; the library's own writers touch one user's totals each."""
        if await dialect_of(self.session) == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": DELETE_LOCK}
            )

    async def lock_for_delete(
        self, model: type[Album] | type[Artist], ids: Sequence[uuid.UUID]
    ) -> None:
        """Lock these albums or artists (FOR UPDATE, in id order) before anything of a delete:
        a library's save holds the items it names first (`library.repository`), then the user's
        totals, which the delete's cascades write; the delete taking its rows first keeps the
        two from waiting for each other in a cycle."""
        if not ids:
            return
        if await dialect_of(self.session) == "sqlite":
            await take_sqlite_write_lock(self.session, model.updated_at, model.id.in_(ids))
            return
        query = select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update()
        await self.session.execute(query)

    async def get_song(self, song_id: uuid.UUID) -> Song | None:
        return await self.session.get(Song, song_id)

    async def next_track_number(self, album_id: uuid.UUID, disc_number: int) -> int:
        query = select(func.max(Song.track_number)).where(
            Song.album_id == album_id, Song.disc_number == disc_number
        )
        return (await self.session.scalar(query) or 0) + 1

    async def set_credits(self, song_id: uuid.UUID, artist_ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(delete(SongArtist).where(SongArtist.song_id == song_id))
        await self.session.execute(
            insert(SongArtist),
            [
                {"song_id": song_id, "position": position, "artist_id": artist_id}
                for position, artist_id in enumerate(artist_ids)
            ],
        )

    # -- albums

    async def album_exists(self, album_id: uuid.UUID) -> Album | None:
        return await self.session.get(Album, album_id)

    async def album_has_songs(self, album_id: uuid.UUID) -> bool:
        query = select(exists().where(Song.album_id == album_id))
        return bool(await self.session.scalar(query))

    async def delete_album_songs(self, album_ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(delete(Song).where(Song.album_id.in_(album_ids)))

    async def delete_albums(self, album_ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(delete(Album).where(Album.id.in_(album_ids)))

    # -- artists

    async def get_artist(self, artist_id: uuid.UUID) -> Artist | None:
        return await self.session.get(Artist, artist_id)

    async def missing_artists(self, artist_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        found = set(
            (await self.session.scalars(select(Artist.id).where(Artist.id.in_(artist_ids)))).all()
        )
        return [artist_id for artist_id in artist_ids if artist_id not in found]

    async def artist_album_ids(self, artist_id: uuid.UUID) -> list[uuid.UUID]:
        query = select(Album.id).where(Album.artist_id == artist_id)
        return list((await self.session.scalars(query)).all())

    async def artist_has_credits(self, artist_id: uuid.UUID) -> bool:
        query = select(exists().where(SongArtist.artist_id == artist_id))
        return bool(await self.session.scalar(query))

    async def credited_songs(self, artist_id: uuid.UUID) -> list[uuid.UUID]:
        query = select(SongArtist.song_id).where(SongArtist.artist_id == artist_id)
        return list((await self.session.scalars(query)).all())

    async def remove_artist_credits(self, artist_id: uuid.UUID) -> None:
        """Drop an artist from every song's credits; a song left with none keeps its album's
        artist, so that every song still has one."""
        affected = select(SongArtist.song_id).where(SongArtist.artist_id == artist_id)
        song_ids = list((await self.session.scalars(affected)).all())
        await self.session.execute(delete(SongArtist).where(SongArtist.artist_id == artist_id))
        if not song_ids:
            return
        orphaned = (
            select(Song.id, Album.artist_id)
            .join(Album)
            .where(Song.id.in_(song_ids), ~exists().where(SongArtist.song_id == Song.id))
        )
        rows = (await self.session.execute(orphaned)).all()
        if rows:
            await self.session.execute(
                insert(SongArtist),
                [{"song_id": song, "position": 0, "artist_id": artist} for song, artist in rows],
            )
        await self.session.execute(
            # The application's clock, as every other write uses: SQLite's CURRENT_TIMESTAMP has
            # whole seconds, in another text format, so the song would seem changed before it was.
            update(Song).where(Song.id.in_(song_ids)).values(updated_at=utc_now())
        )

    async def delete_artist(self, artist_id: uuid.UUID) -> None:
        await self.session.execute(delete(Artist).where(Artist.id == artist_id))

    async def delete_song(self, song_id: uuid.UUID) -> None:
        await self.session.execute(delete(Song).where(Song.id == song_id))

    async def add(self, row: Any) -> None:
        self.session.add(row)
        await self.session.flush()
