"""The three kinds of a library, as data: each one's table, catalog table, counter and error.

Everything else (statements, service, routes) is written once, for any kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table

from spotify_api.catalog.models import Album, Artist, Song
from spotify_api.core.errors import NotFound
from spotify_api.library.errors import AlbumNotFound, ArtistNotFound, SongNotFound
from spotify_api.library.models import FollowedArtist, LibraryTotals, SavedAlbum, SavedSong

totals = cast(Table, LibraryTotals.__table__)


@dataclass(frozen=True, slots=True)
class Kind:
    #: The path's segment and the totals' column: `songs`, `albums`, `artists`.
    name: str
    #: The answer's field that holds the item: `song`, `album`, `artist`.
    item: str
    table: Table
    catalog: Table
    not_found: type[NotFound]
    #: PostgreSQL's lock on the catalog rows a change names: KEY SHARE keeps them from being
    #: deleted; artists take NO KEY UPDATE, as their follower count is written anyway.
    key_share: bool

    @property
    def item_id(self) -> Any:
        return self.table.c[f"{self.item}_id"]

    @property
    def user_id(self) -> Any:
        return self.table.c.user_id

    @property
    def total(self) -> Any:
        return totals.c[self.name]


SONGS = Kind(
    "songs",
    "song",
    cast(Table, SavedSong.__table__),
    cast(Table, Song.__table__),
    SongNotFound,
    True,
)
ALBUMS = Kind(
    "albums",
    "album",
    cast(Table, SavedAlbum.__table__),
    cast(Table, Album.__table__),
    AlbumNotFound,
    True,
)
ARTISTS = Kind(
    "artists",
    "artist",
    cast(Table, FollowedArtist.__table__),
    cast(Table, Artist.__table__),
    ArtistNotFound,
    False,
)
KINDS = (SONGS, ALBUMS, ARTISTS)
