"""Playlists as clients see them, and the bodies that change them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from spotify_api.catalog.schemas import Song
from spotify_api.core.schemas import Omittable, Page, RequestModel, ResponseModel
from spotify_api.playlists.models import DESCRIPTION_MAX, MAX_ITEMS, NAME_MAX

PlaylistName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX)
]
Description = Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX)]
Position = Annotated[int, Field(ge=0, le=MAX_ITEMS)]

_PLAYLIST_ID = "2a6f0c9e-8d1b-4e7a-b3c5-9f0d1e2a3b4c"
_SONG_ID = "9e4b1f7d-2c6a-4e3b-8d5f-1a7c3e9b0d42"
_SNAPSHOT = "8f14e45fceea167a5a36dedd4bea2543"
_OWNER_ID = "3f8e5c1e-6a53-4f0e-9a0a-2b8f7f1c9d10"


class Owner(ResponseModel):
    id: uuid.UUID
    username: str


_PLAYLIST_EXAMPLE: dict[str, Any] = {
    "id": _PLAYLIST_ID,
    "name": "Road trip",
    "description": "Windows down.",
    "public": False,
    "collaborative": True,
    "owner": {"id": _OWNER_ID, "username": "ada"},
    "snapshot_id": _SNAPSHOT,
    "total_songs": 12,
    "duration_ms": 2712000,
    "followers": 3,
    "created_at": "2026-11-25T20:40:00Z",
    "updated_at": "2026-11-25T21:02:00Z",
}


class Playlist(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"example": _PLAYLIST_EXAMPLE})

    id: uuid.UUID
    name: str
    description: str
    public: bool
    collaborative: bool = Field(description="Whether it has collaborators, who change its songs.")
    owner: Owner
    snapshot_id: str = Field(description="Changes with every change; send it in `If-Match`.")
    total_songs: int
    duration_ms: int
    followers: int = Field(description="How many users follow it.")
    created_at: datetime
    updated_at: datetime


class PlaylistItem(ResponseModel):
    position: int
    added_at: datetime
    added_by: Owner | None = Field(
        description="Who added it: the owner or a collaborator; null once that account is gone."
    )
    song: Song


class PlaylistPage(Page[Playlist]):
    pass


class PlaylistItemPage(Page[PlaylistItem]):
    pass


class PlaylistCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Road trip", "description": "Windows down.", "public": False}]
        }
    )

    name: PlaylistName
    description: Description = ""
    public: bool = False


class PlaylistUpdate(RequestModel):
    """Any subset of the fields; those left out stay as they are."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"public": True}]})

    name: Omittable[PlaylistName] = None
    description: Omittable[Description] = None
    public: Omittable[bool] = None


class AddSong(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"song_id": _SONG_ID}, {"song_id": _SONG_ID, "position": 0}]
        }
    )

    song_id: uuid.UUID
    position: Position | None = Field(
        default=None, description="Where to insert (0..length); appends when left out."
    )


class RemoveSong(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"song_id": _SONG_ID}, {"song_id": _SONG_ID, "position": 3}]
        }
    )

    song_id: uuid.UUID
    position: Position | None = Field(
        default=None,
        description="Remove only the occurrence at this position; every one when left out.",
    )


class Reorder(RequestModel):
    """Move `range_length` items starting at `range_start` to before `insert_before`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"range_start": 5, "insert_before": 0},
                {"range_start": 0, "insert_before": 10, "range_length": 2},
            ]
        }
    )

    range_start: Position
    insert_before: Position
    range_length: int = Field(default=1, ge=1, le=MAX_ITEMS)


class Snapshot(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"snapshot_id": _SNAPSHOT}})

    snapshot_id: str


class SongAdded(Snapshot):
    model_config = ConfigDict(
        json_schema_extra={"example": {"snapshot_id": _SNAPSHOT, "position": 12}}
    )

    position: int


class SongsRemoved(Snapshot):
    model_config = ConfigDict(
        json_schema_extra={"example": {"snapshot_id": _SNAPSHOT, "removed": 1}}
    )

    removed: int


class RelatedPlaylist(Playlist):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                **_PLAYLIST_EXAMPLE,
                "relation": "collaborator",
            }
        }
    )

    relation: Literal["owner", "collaborator", "follower"] = Field(
        description="Yours (`owner`), one you change with its owner, or one you follow."
    )


class RelatedPlaylistPage(Page[RelatedPlaylist]):
    pass


class Collaborator(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {"id": _OWNER_ID, "username": "grace", "added_at": "2026-11-26T08:00:00Z"}
        }
    )

    id: uuid.UUID
    username: str
    added_at: datetime = Field(description="When the owner made them a collaborator.")


class CollaboratorPage(Page[Collaborator]):
    pass
