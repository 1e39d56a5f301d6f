"""The library's answers: pages of saved songs, saved albums and followed artists."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from spotify_api.catalog.schemas import (
    ALBUM_EXAMPLE,
    ARTIST_EXAMPLE,
    SONG_EXAMPLE,
    Album,
    Artist,
    Song,
)
from spotify_api.core.schemas import Page, ResponseModel

_ADDED = "2026-12-07T21:15:00Z"
_ADDED_AT = Field(description="When the item was saved (followed); one call's items share it.")


class SavedSong(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"added_at": _ADDED, "song": SONG_EXAMPLE}}
    )

    added_at: datetime = _ADDED_AT
    song: Song


class SavedAlbum(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"added_at": _ADDED, "album": ALBUM_EXAMPLE}}
    )

    added_at: datetime = _ADDED_AT
    album: Album


class FollowedArtist(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"added_at": _ADDED, "artist": ARTIST_EXAMPLE}}
    )

    added_at: datetime = _ADDED_AT
    artist: Artist = Field(description="Its `followers` are current here (no cache).")


class SavedSongPage(Page[SavedSong]):
    pass


class SavedAlbumPage(Page[SavedAlbum]):
    pass


class FollowedArtistPage(Page[FollowedArtist]):
    pass
