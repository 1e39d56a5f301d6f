"""Every domain's tables on one metadata, for Alembic and the tests."""

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.core.db import Base
from spotify_api.core.idempotency_records import IdempotencyRecord
from spotify_api.playlists.models import Playlist, PlaylistItem
from spotify_api.users.models import User

__all__ = [
    "Album",
    "Artist",
    "Base",
    "IdempotencyRecord",
    "Playlist",
    "PlaylistItem",
    "Song",
    "SongArtist",
    "User",
]
