"""Every domain's tables on one metadata, for Alembic and the tests."""

from collections.abc import Callable

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.catalog.search_models import (
    SEARCH_ENGINE_OBJECTS,
    SEARCH_FTS_PREFIXES,
    AlbumSearch,
    ArtistSearch,
    SearchWord,
    SongSearch,
)
from spotify_api.core.db import Base
from spotify_api.core.idempotency_records import IdempotencyRecord
from spotify_api.core.migrations import only_for_dialect
from spotify_api.library.models import FollowedArtist, LibraryTotals, SavedAlbum, SavedSong
from spotify_api.playlists.models import (
    Playlist,
    PlaylistCollaborator,
    PlaylistFollower,
    PlaylistItem,
)
from spotify_api.users.models import User


def autogenerate_filter(dialect: str) -> Callable[..., bool]:
    """What autogenerate compares on `dialect`: the models, less what migrations make for one
    engine alone (search's full-text indexes)."""
    return only_for_dialect(dialect, SEARCH_ENGINE_OBJECTS, SEARCH_FTS_PREFIXES)


__all__ = [
    "Album",
    "AlbumSearch",
    "Artist",
    "ArtistSearch",
    "Base",
    "FollowedArtist",
    "IdempotencyRecord",
    "LibraryTotals",
    "Playlist",
    "PlaylistCollaborator",
    "PlaylistFollower",
    "PlaylistItem",
    "SavedAlbum",
    "SavedSong",
    "SearchWord",
    "Song",
    "SongArtist",
    "SongSearch",
    "User",
    "autogenerate_filter",
]
