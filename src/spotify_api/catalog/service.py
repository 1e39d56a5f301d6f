"""Browsing the catalog: pages and details, shaped as the contract says."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.catalog import list_reads, reads, schemas
from spotify_api.catalog.errors import AlbumNotFound, ArtistNotFound, SongNotFound
from spotify_api.catalog.list_reads import SongFilters
from spotify_api.catalog.models import Artist, Song
from spotify_api.catalog.reads import Data
from spotify_api.catalog.repository import CatalogRepository
from spotify_api.core.keyset import PageQuery, Window
from spotify_api.core.reads import ReadDatabase


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


def artist_view(artist: Artist) -> schemas.Artist:
    return schemas.Artist.model_validate(artist)


class CatalogService:
    def __init__(self, db: AsyncSession, read_database: ReadDatabase) -> None:
        self.repository = CatalogRepository(db)
        self.reads = read_database

    async def list_songs(self, page: PageQuery, filters: SongFilters) -> Window[Data]:
        return await list_reads.songs(self.reads, page, filters)

    async def count_songs(self, filters: SongFilters) -> int:
        return await list_reads.count_songs(self.reads, filters)

    async def get_song(self, song_id: uuid.UUID) -> Data:
        song = await reads.song(self.reads, song_id)
        if song is None:
            raise SongNotFound()
        return song

    async def list_albums(
        self, page: PageQuery, q: str | None, artist_id: uuid.UUID | None
    ) -> Window[Data]:
        return await list_reads.albums(self.reads, page, q, artist_id)

    async def count_albums(self, q: str | None, artist_id: uuid.UUID | None) -> int:
        return await list_reads.count_albums(self.reads, q, artist_id)

    async def get_album(self, album_id: uuid.UUID) -> Data:
        album = await reads.album(self.reads, album_id)
        if album is None:
            raise AlbumNotFound()
        return album

    async def list_artists(self, page: PageQuery, q: str | None) -> Window[Data]:
        return await list_reads.artists(self.reads, page, q)

    async def count_artists(self, q: str | None) -> int:
        return await list_reads.count_artists(self.reads, q)

    async def get_artist(self, artist_id: uuid.UUID) -> Data:
        artist = await reads.artist(self.reads, artist_id)
        if artist is None:
            raise ArtistNotFound()
        return artist
