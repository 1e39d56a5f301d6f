"""Curating the catalog (scope `catalog:write`): create, change and delete artists, albums, songs.

A song that leaves the catalog leaves everything that holds it (playlists, through the hooks of
`SongReferences`), in the same transaction: its row is locked first (see
`CatalogRepository.lock_songs`), so that no add-song can put it in a playlist between the
removal of its items and its own deletion. A change of a song's duration locks it the same way,
and lets the holders recount what they sum of it (a playlist's duration).
Every change invalidates the response cache twice: before the commit, so that a Redis that
cannot be reached stops the write before anything changed; and after it, so that a read that
cached the old rows in between (under the then-current version) is never served again.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from pydantic import AnyUrl
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.catalog import reads, schemas, search_index
from spotify_api.catalog.errors import (
    AlbumHasSongs,
    AlbumNotFound,
    ArtistHasAlbums,
    ArtistHasSongs,
    ArtistNotFound,
    SongNotFound,
)
from spotify_api.catalog.integrity import is_missing_reference
from spotify_api.catalog.models import Album, Artist, Song
from spotify_api.catalog.reads import Data
from spotify_api.catalog.references import SongReferences
from spotify_api.catalog.repository import CatalogRepository
from spotify_api.catalog.service import CatalogService
from spotify_api.core.cache import ResponseCache
from spotify_api.core.db import utc_now
from spotify_api.core.errors import InvalidReference
from spotify_api.core.reads import ReadDatabase

T = TypeVar("T")


def _plain(value: Any) -> Any:
    """Pydantic's URL objects are stored as their text."""
    return str(value) if isinstance(value, AnyUrl) else value


def _gone(field: str, what: str) -> InvalidReference:
    return InvalidReference(field, f"The {what} this names was deleted meanwhile.")


def _song_reference(changes: dict[str, Any], artist_ids: list[uuid.UUID] | None) -> str:
    """The field a refused change of a song most likely names: its new album, or else its
    artists."""
    return "album_id" if "album_id" in changes or artist_ids is None else "artist_ids"


class CurationService:
    def __init__(
        self,
        db: AsyncSession,
        cache: ResponseCache,
        read_database: ReadDatabase,
        references: SongReferences,
    ) -> None:
        self.db = db
        self.cache = cache
        self.repository = CatalogRepository(db)
        self.catalog = CatalogService(read_database)
        self.read_database = read_database
        self.references = references

    async def _reindex(
        self,
        *,
        artists: Sequence[uuid.UUID] = (),
        albums: Sequence[uuid.UUID] = (),
        songs: Sequence[uuid.UUID] = (),
    ) -> None:
        """Write anew the search rows of what changed (`search_index.refresh`)."""
        await self.db.flush()
        await self.db.run_sync(
            lambda session: search_index.refresh(
                session.connection(), artists=artists, albums=albums, songs=songs
            )
        )

    async def _songs_leave(self, songs: Select[Any]) -> list[uuid.UUID]:
        """Lock the songs, then let go of them everywhere they are held; the ids still there."""
        song_ids = await self.repository.lock_songs(songs)
        await self.references.songs_leaving(self.db, song_ids)
        return song_ids

    async def _commit(
        self, change: Callable[[], Awaitable[T]], gone: InvalidReference | None = None
    ) -> T:
        """Run `change` and commit, invalidating the cache around it. `gone` is the answer
        when a row the change refers to was deleted after it was checked (`integrity`)."""
        await self.cache.invalidate()
        try:
            result = await change()
            await self.db.commit()
        except IntegrityError as error:
            if gone is None or not is_missing_reference(error):
                raise
            await self.db.rollback()
            raise gone from error
        await self.cache.invalidate_quietly()
        return result

    # -- artists

    async def create_artist(self, body: schemas.ArtistCreate) -> Data:
        artist = Artist(name=body.name, genres=body.genres, image_url=_plain(body.image_url))

        async def change() -> None:
            await self.repository.add(artist)
            await self._reindex(artists=[artist.id])

        await self._commit(change)
        return await self._artist(artist.id)

    async def update_artist(self, artist_id: uuid.UUID, body: schemas.ArtistUpdate) -> Data:
        artist = await self.repository.get_artist(artist_id)
        if artist is None:
            raise ArtistNotFound()

        changes = body.model_dump(exclude_unset=True)

        async def change() -> None:
            for field, value in changes.items():
                setattr(artist, field, _plain(value))
            await self.db.flush()
            if "name" in changes:
                await self._reindex(artists=[artist_id])

        await self._commit(change)
        return await self._artist(artist_id)

    async def _artist(self, artist_id: uuid.UUID) -> Data:
        artist = await reads.artist_alone(self.read_database, artist_id)
        if artist is None:  # deleted by another request since this one committed
            raise ArtistNotFound()
        return artist

    async def delete_artist(self, artist_id: uuid.UUID, cascade: bool) -> None:
        if await self.repository.get_artist(artist_id) is None:
            raise ArtistNotFound()
        album_ids = await self.repository.artist_album_ids(artist_id)
        if not cascade:
            if album_ids:
                raise ArtistHasAlbums()
            if await self.repository.artist_has_credits(artist_id):
                raise ArtistHasSongs()

        async def change() -> None:
            await self.repository.serialise_deletes()
            await self.repository.lock_for_delete(Artist, [artist_id])
            await self.repository.lock_for_delete(Album, album_ids)
            credited = await self.repository.credited_songs(artist_id)
            if album_ids:
                await self._songs_leave(select(Song.id).where(Song.album_id.in_(album_ids)))
                await self.repository.delete_album_songs(album_ids)
            await self.repository.remove_artist_credits(artist_id)
            await self.repository.delete_albums(album_ids)
            await self.repository.delete_artist(artist_id)
            await self._reindex(songs=credited)  # the songs left name one artist fewer

        await self._commit(change)

    # -- albums

    async def _require_artist(self, artist_id: uuid.UUID, field: str) -> None:
        if await self.repository.get_artist(artist_id) is None:
            raise InvalidReference(field, "No artist with this id.")

    async def create_album(self, body: schemas.AlbumCreate) -> Data:
        await self._require_artist(body.artist_id, "artist_id")
        values = {field: _plain(value) for field, value in body.model_dump().items()}
        album = Album(**values)

        async def change() -> None:
            await self.repository.add(album)
            await self._reindex(albums=[album.id])

        await self._commit(change, _gone("artist_id", "artist"))
        return await self._album(album.id)

    async def update_album(self, album_id: uuid.UUID, body: schemas.AlbumUpdate) -> Data:
        album = await self.repository.album_exists(album_id)
        if album is None:
            raise AlbumNotFound()
        changes = body.model_dump(exclude_unset=True)
        if "artist_id" in changes:
            await self._require_artist(changes["artist_id"], "artist_id")

        async def change() -> None:
            for field, value in changes.items():
                setattr(album, field, _plain(value))
            await self.db.flush()
            if changes.keys() & {"title", "artist_id"}:
                await self._reindex(albums=[album_id])

        await self._commit(change, _gone("artist_id", "artist"))
        return await self._album(album_id)

    async def _album(self, album_id: uuid.UUID) -> Data:
        album = await reads.album_alone(self.read_database, album_id)
        if album is None:  # deleted by another request since this one committed
            raise AlbumNotFound()
        return album

    async def delete_album(self, album_id: uuid.UUID, cascade: bool) -> None:
        if await self.repository.album_exists(album_id) is None:
            raise AlbumNotFound()
        if not cascade and await self.repository.album_has_songs(album_id):
            raise AlbumHasSongs()

        async def change() -> None:
            await self.repository.serialise_deletes()
            await self.repository.lock_for_delete(Album, [album_id])
            await self._songs_leave(select(Song.id).where(Song.album_id == album_id))
            await self.repository.delete_album_songs([album_id])
            await self.repository.delete_albums([album_id])

        await self._commit(change)

    # -- songs

    async def _require_album(self, album_id: uuid.UUID) -> Album:
        album = await self.repository.album_exists(album_id)
        if album is None:
            raise InvalidReference("album_id", "No album with this id.")
        return album

    async def _require_artists(self, artist_ids: list[uuid.UUID]) -> None:
        missing = await self.repository.missing_artists(artist_ids)
        if missing:
            raise InvalidReference("artist_ids", f"No artist with the id {missing[0]}.")

    async def create_song(self, body: schemas.SongCreate) -> Data:
        album = await self._require_album(body.album_id)
        artist_ids = body.artist_ids or [album.artist_id]
        await self._require_artists(artist_ids)
        track = body.track_number or await self.repository.next_track_number(
            album.id, body.disc_number
        )
        song = Song(
            title=body.title,
            album_id=album.id,
            duration_ms=body.duration_ms,
            track_number=track,
            disc_number=body.disc_number,
            explicit=body.explicit,
            isrc=body.isrc,
        )

        async def change() -> None:
            await self.repository.add(song)
            await self.repository.set_credits(song.id, artist_ids)
            await self._reindex(songs=[song.id])

        await self._commit(change, _gone("album_id", "album or artist"))
        return await self.catalog.get_song(song.id)

    async def update_song(self, song_id: uuid.UUID, body: schemas.SongUpdate) -> Data:
        song = await self.repository.get_song(song_id)
        if song is None:
            raise SongNotFound()
        changes = body.model_dump(exclude_unset=True)
        artist_ids = changes.pop("artist_ids", None)
        if "album_id" in changes:
            await self._require_album(changes["album_id"])
        if artist_ids is not None:
            await self._require_artists(artist_ids)

        retimed = changes.get("duration_ms", song.duration_ms) != song.duration_ms

        async def change() -> None:
            # Held first: no playlist gains or loses it at its old duration meanwhile.
            held = select(Song.id).where(Song.id == song_id)
            if retimed and not await self.repository.lock_songs(held):
                raise SongNotFound()  # deleted by another request meanwhile
            for field, value in changes.items():
                setattr(song, field, value)
            if artist_ids is not None:
                await self.repository.set_credits(song_id, artist_ids)
                song.updated_at = utc_now()  # new credits are a change of the song
            await self.db.flush()
            if retimed:
                await self.references.songs_retimed(self.db, [song_id])
            if artist_ids is not None or changes.keys() & {"title", "album_id"}:
                await self._reindex(songs=[song_id])

        await self._commit(change, _gone(_song_reference(changes, artist_ids), "album or artist"))
        self.db.expunge(song)
        return await self.catalog.get_song(song_id)

    async def delete_song(self, song_id: uuid.UUID) -> None:
        if await self.repository.get_song(song_id) is None:
            raise SongNotFound()

        async def change() -> None:
            await self.repository.serialise_deletes()
            if not await self._songs_leave(select(Song.id).where(Song.id == song_id)):
                raise SongNotFound()  # deleted by another request meanwhile
            await self.repository.delete_song(song_id)

        await self._commit(change)
