"""The tables the playlists' statements use, as Core tables (columns, not ORM objects)."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.playlists.models import (
    Playlist,
    PlaylistCollaborator,
    PlaylistFollower,
    PlaylistItem,
)
from spotify_api.users.models import User

playlists = cast(Table, Playlist.__table__)
items = cast(Table, PlaylistItem.__table__)
collaborators = cast(Table, PlaylistCollaborator.__table__)
followers = cast(Table, PlaylistFollower.__table__)
songs = cast(Table, Song.__table__)
albums = cast(Table, Album.__table__)
credits = cast(Table, SongArtist.__table__)
artists = cast(Table, Artist.__table__)
users = cast(Table, User.__table__)
