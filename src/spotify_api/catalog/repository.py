"""Queries on the catalog. Every query says what it loads: a page costs a fixed few queries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.core.db import dialect_of, take_sqlite_write_lock, utc_now
from spotify_api.core.paging import Pager, PageRows, fetch_page

SONG_LOADING = (
    joinedload(Song.album).load_only(Album.id, Album.title),
    selectinload(Song.credits).joinedload(SongArtist.artist).load_only(Artist.id, Artist.name),
)


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match; on PostgreSQL a trigram index serves it."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")  # type: ignore[no-any-return]


class CatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _page(self, query: Select[Any], pager: Pager) -> PageRows:
        return await fetch_page(self.session, query, pager)

    # -- songs

    def _songs_query(
        self, q: str | None, artist_id: uuid.UUID | None, album_id: uuid.UUID | None
    ) -> Select[Any]:
        query = select(Song).options(*SONG_LOADING)
        if q:
            query = query.where(contains(Song.title, q))
        if album_id is not None:
            query = query.where(Song.album_id == album_id)
        if artist_id is not None:
            credited = exists().where(
                SongArtist.song_id == Song.id, SongArtist.artist_id == artist_id
            )
            query = query.where(credited)
        return query

    async def list_songs(
        self,
        pager: Pager,
        q: str | None = None,
        artist_id: uuid.UUID | None = None,
        album_id: uuid.UUID | None = None,
    ) -> PageRows:
        page = await self._page(self._songs_query(q, artist_id, album_id), pager)
        return page.first_column()

    async def hold_song(self, song_id: uuid.UUID) -> bool:
        """Whether the song exists; if it does, it stays until this transaction ends.

        PostgreSQL takes FOR KEY SHARE on its row: a delete (FOR UPDATE) waits, an edit does
        not. SQLite takes its database's write lock (`take_sqlite_write_lock`).
        """
        if await dialect_of(self.session) == "sqlite":
            return (
                await take_sqlite_write_lock(self.session, Song.updated_at, Song.id == song_id) > 0
            )
        query = select(Song.id).where(Song.id == song_id).with_for_update(read=True, key_share=True)
        return await self.session.scalar(query) is not None

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

    async def get_song(self, song_id: uuid.UUID) -> Song | None:
        query = select(Song).options(*SONG_LOADING).where(Song.id == song_id)
        return (await self.session.scalars(query)).first()

    async def album_songs(self, album_id: uuid.UUID) -> list[Song]:
        query = (
            select(Song)
            .options(*SONG_LOADING)
            .where(Song.album_id == album_id)
            .order_by(Song.disc_number, Song.track_number, Song.id)
        )
        return list((await self.session.scalars(query)).all())

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

    @staticmethod
    def _total_songs() -> Any:
        return (
            select(func.count(Song.id))
            .where(Song.album_id == Album.id)
            .correlate(Album)
            .scalar_subquery()
            .label("total_songs")
        )

    def _albums_query(self, q: str | None, artist_id: uuid.UUID | None) -> Select[Any]:
        query = select(Album, self._total_songs()).options(
            joinedload(Album.artist).load_only(Artist.id, Artist.name)
        )
        if q:
            query = query.where(contains(Album.title, q))
        if artist_id is not None:
            query = query.where(Album.artist_id == artist_id)
        return query

    async def list_albums(
        self, pager: Pager, q: str | None = None, artist_id: uuid.UUID | None = None
    ) -> PageRows:
        page = await self._page(self._albums_query(q, artist_id), pager)
        return page.tuples()

    async def get_album(self, album_id: uuid.UUID) -> tuple[Album, int] | None:
        row = (
            await self.session.execute(self._albums_query(None, None).where(Album.id == album_id))
        ).first()
        return (row[0], row[1]) if row else None

    async def artist_albums(self, artist_id: uuid.UUID) -> list[tuple[Album, int]]:
        query = self._albums_query(None, artist_id).order_by(
            Album.release_date.desc().nulls_last(), Album.title, Album.id
        )
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

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

    def _artists_query(self, q: str | None) -> Select[Any]:
        query = select(Artist)
        if q:
            query = query.where(contains(Artist.name, q))
        return query

    async def list_artists(self, pager: Pager, q: str | None = None) -> PageRows:
        page = await self._page(self._artists_query(q), pager)
        return page.first_column()

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
