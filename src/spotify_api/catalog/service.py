"""Browsing the catalog: pages and details, shaped as the contract says."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.catalog import reads, schemas
from spotify_api.catalog.errors import AlbumNotFound, ArtistNotFound, SongNotFound
from spotify_api.catalog.models import Album, Artist, Song
from spotify_api.catalog.reads import Data
from spotify_api.catalog.repository import CatalogRepository
from spotify_api.core.paging import Pager, SortKey
from spotify_api.core.reads import ReadDatabase


def _sorts(id_column: Any, **columns: Any) -> dict[str, SortKey]:
    """Each column ascending under its name, and descending under `-name`."""
    sorts = {}
    for name, column in columns.items():
        sorts[name] = SortKey(name, column, id_column, False)
        sorts[f"-{name}"] = SortKey(f"-{name}", column, id_column, True)
    return sorts


SONG_SORTS = _sorts(Song.id, title=Song.title, created_at=Song.created_at)
ALBUM_SORTS = _sorts(Album.id, title=Album.title, created_at=Album.created_at)
ARTIST_SORTS = _sorts(Artist.id, name=Artist.name, created_at=Artist.created_at)


def song_view(song: Song) -> schemas.Song:
    return schemas.Song(
        id=song.id,
        title=song.title,
        duration_ms=song.duration_ms,
        track_number=song.track_number,
        disc_number=song.disc_number,
        explicit=song.explicit,
        isrc=song.isrc,
        album=schemas.AlbumRef(id=song.album.id, title=song.album.title),
        artists=[
            schemas.ArtistRef(id=credit.artist.id, name=credit.artist.name)
            for credit in song.credits
        ],
        created_at=song.created_at,
        updated_at=song.updated_at,
    )


def album_view(album: Album, total_songs: int) -> schemas.Album:
    return schemas.Album(
        id=album.id,
        title=album.title,
        album_type=album.album_type,
        release_date=album.release_date,
        cover_url=album.cover_url,
        artist=schemas.ArtistRef(id=album.artist.id, name=album.artist.name),
        total_songs=total_songs,
        created_at=album.created_at,
        updated_at=album.updated_at,
    )


def artist_view(artist: Artist) -> schemas.Artist:
    return schemas.Artist.model_validate(artist)


class CatalogService:
    def __init__(self, db: AsyncSession, read_database: ReadDatabase) -> None:
        self.repository = CatalogRepository(db)
        self.reads = read_database

    async def list_songs(
        self,
        pager: Pager,
        q: str | None,
        artist_id: uuid.UUID | None,
        album_id: uuid.UUID | None,
    ) -> schemas.SongPage:
        page = await self.repository.list_songs(pager, q, artist_id, album_id)
        items = [song_view(song) for song in page.rows]
        return schemas.SongPage(items=items, **pager.page_fields(page, page.rows))

    async def get_song(self, song_id: uuid.UUID) -> Data:
        song = await reads.song(self.reads, song_id)
        if song is None:
            raise SongNotFound()
        return song

    async def list_albums(
        self, pager: Pager, q: str | None, artist_id: uuid.UUID | None
    ) -> schemas.AlbumPage:
        page = await self.repository.list_albums(pager, q, artist_id)
        items = [album_view(album, total) for album, total in page.rows]
        albums = [album for album, _ in page.rows]
        return schemas.AlbumPage(items=items, **pager.page_fields(page, albums))

    async def get_album(self, album_id: uuid.UUID) -> Data:
        album = await reads.album(self.reads, album_id)
        if album is None:
            raise AlbumNotFound()
        return album

    async def list_artists(self, pager: Pager, q: str | None) -> schemas.ArtistPage:
        page = await self.repository.list_artists(pager, q)
        items = [artist_view(artist) for artist in page.rows]
        return schemas.ArtistPage(items=items, **pager.page_fields(page, page.rows))

    async def get_artist(self, artist_id: uuid.UUID) -> Data:
        artist = await reads.artist(self.reads, artist_id)
        if artist is None:
            raise ArtistNotFound()
        return artist
