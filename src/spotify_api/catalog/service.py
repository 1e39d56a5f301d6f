"""Browsing the catalog: pages and details, shaped as the contract says."""

from __future__ import annotations

import uuid

from spotify_api.catalog import list_reads, reads
from spotify_api.catalog.errors import AlbumNotFound, ArtistNotFound, SongNotFound
from spotify_api.catalog.list_reads import SongFilters
from spotify_api.catalog.reads import Data
from spotify_api.core.keyset import PageQuery, Window
from spotify_api.core.reads import ReadDatabase


class CatalogService:
    """Reads only: no session, no transaction (`core.reads`)."""

    def __init__(self, read_database: ReadDatabase) -> None:
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
