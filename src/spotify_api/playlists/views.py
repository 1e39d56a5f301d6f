"""Playlist answers as plain data: dicts in the field order of the response schemas, dumped
by `core.json`. The routes still declare the schemas (`schemas.py`), which the spec is made of;
`tests/playlists/test_answer_bytes.py` checks that these bytes are what the schemas make.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypedDict


class OwnerView(TypedDict):
    id: uuid.UUID
    username: str


class PlaylistView(TypedDict):
    id: uuid.UUID
    name: str
    description: str
    public: bool
    collaborative: bool
    owner: OwnerView
    snapshot_id: str
    total_songs: int
    duration_ms: int
    followers: int
    created_at: datetime
    updated_at: datetime


class RefView(TypedDict):
    id: uuid.UUID
    title: str


class ArtistRefView(TypedDict):
    id: uuid.UUID
    name: str


class SongView(TypedDict):
    id: uuid.UUID
    title: str
    duration_ms: int
    track_number: int
    disc_number: int
    explicit: bool
    isrc: str | None
    album: RefView
    artists: list[ArtistRefView]
    created_at: datetime
    updated_at: datetime


class ItemView(TypedDict):
    position: int
    added_at: datetime
    added_by: OwnerView | None
    song: SongView


def playlist_view(row: Any) -> PlaylistView:
    """A playlist from a row of `reads.playlist_columns`, in that order."""
    return {
        "id": row[0],
        "name": row[1],
        "description": row[2],
        "public": row[3],
        "collaborative": bool(row[4]),
        "owner": {"id": row[5], "username": row[6]},
        "snapshot_id": row[7],
        "total_songs": row[8],
        "duration_ms": int(row[9]),
        "followers": row[10],
        "created_at": row[11],
        "updated_at": row[12],
    }
