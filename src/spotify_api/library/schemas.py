"""The library's answers: pages of saved songs, saved albums and followed artists."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field
from pydantic.config import JsonDict

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


def _page_example(item: str, example: JsonDict) -> JsonDict:
    return {
        "items": [{"added_at": _ADDED, item: example}],
        "total": 1,
        "limit": 20,
        "offset": 0,
        "next": None,
        "previous": None,
    }


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
    model_config = ConfigDict(json_schema_extra={"example": _page_example("song", SONG_EXAMPLE)})


class SavedAlbumPage(Page[SavedAlbum]):
    model_config = ConfigDict(json_schema_extra={"example": _page_example("album", ALBUM_EXAMPLE)})


class FollowedArtistPage(Page[FollowedArtist]):
    model_config = ConfigDict(
        json_schema_extra={"example": _page_example("artist", ARTIST_EXAMPLE)}
    )
