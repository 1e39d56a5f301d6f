"""The catalog as clients see it, and the bodies admins send to curate it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, ConfigDict, Field, StringConstraints, field_validator
from pydantic.config import JsonDict

from spotify_api.core.schemas import Omittable, Page, RequestModel, ResponseModel

AlbumType = Literal["album", "single", "compilation"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Genre = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Url = Annotated[AnyHttpUrl, Field(max_length=2048)]
Isrc = Annotated[
    str,
    StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{2}[A-Za-z0-9]{3}[0-9]{7}$"),
    Field(description="International Standard Recording Code: 12 characters, no dashes."),
]

_ARTIST_ID = "0b9f3c43-5c7e-4a4e-9d55-3f1b8e7d2a10"
_ALBUM_ID = "5f2d7c1a-9b3e-4c8d-a1e6-7b0f4d2c9e31"
_SONG_ID = "9e4b1f7d-2c6a-4e3b-8d5f-1a7c3e9b0d42"
_STAMP = "2026-11-25T20:40:00Z"
ARTIST_EXAMPLE: JsonDict = {
    "id": _ARTIST_ID,
    "name": "The Velvet Harbors",
    "genres": ["indie rock", "dream pop"],
    "image_url": "https://images.example.com/artists/velvet-harbors.jpg",
    "followers": 1204,
    "created_at": _STAMP,
    "updated_at": _STAMP,
}
ALBUM_EXAMPLE: JsonDict = {
    "id": _ALBUM_ID,
    "title": "Lanterns at Low Tide",
    "album_type": "album",
    "release_date": "2019-04-12",
    "cover_url": "https://images.example.com/albums/lanterns.jpg",
    "artist": {"id": _ARTIST_ID, "name": "The Velvet Harbors"},
    "total_songs": 11,
    "created_at": _STAMP,
    "updated_at": _STAMP,
}
SONG_EXAMPLE: JsonDict = {
    "id": _SONG_ID,
    "title": "Paper Moons",
    "duration_ms": 214000,
    "track_number": 3,
    "disc_number": 1,
    "explicit": False,
    "isrc": "USVHB1900003",
    "album": {"id": _ALBUM_ID, "title": "Lanterns at Low Tide"},
    "artists": [{"id": _ARTIST_ID, "name": "The Velvet Harbors"}],
    "created_at": _STAMP,
    "updated_at": _STAMP,
}


class ArtistRef(ResponseModel):
    id: uuid.UUID
    name: str


class AlbumRef(ResponseModel):
    id: uuid.UUID
    title: str


class Artist(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"example": ARTIST_EXAMPLE})

    id: uuid.UUID
    name: str
    genres: list[str]
    image_url: str | None
    followers: int = Field(
        ge=0,
        description=(
            "How many users follow the artist. The catalog's answers are cached: there it may "
            "lag by up to the catalog cache's lifetime (a follow does not renew the cache); the "
            "library's answers (`GET /me/artists`) are current."
        ),
    )
    created_at: datetime
    updated_at: datetime


class Album(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"example": ALBUM_EXAMPLE})

    id: uuid.UUID
    title: str
    album_type: AlbumType
    release_date: date | None
    cover_url: str | None
    artist: ArtistRef
    total_songs: int
    created_at: datetime
    updated_at: datetime


class Song(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"example": SONG_EXAMPLE})

    id: uuid.UUID
    title: str
    duration_ms: int
    track_number: int
    disc_number: int
    explicit: bool
    isrc: str | None
    album: AlbumRef
    artists: list[ArtistRef] = Field(description="In credit order; the first is the main one.")
    created_at: datetime
    updated_at: datetime


class AlbumDetail(Album):
    model_config = ConfigDict(
        json_schema_extra={"example": {**ALBUM_EXAMPLE, "total_songs": 1, "songs": [SONG_EXAMPLE]}}
    )

    songs: list[Song] = Field(description="In disc, then track order.")


class ArtistDetail(Artist):
    model_config = ConfigDict(
        json_schema_extra={"example": {**ARTIST_EXAMPLE, "albums": [ALBUM_EXAMPLE]}}
    )

    albums: list[Album] = Field(description="Newest release first.")


class SongPage(Page[Song]):
    pass


class AlbumPage(Page[Album]):
    pass


class ArtistPage(Page[Artist]):
    pass


def _unique(values: list[uuid.UUID] | list[str] | None) -> None:
    if values is not None and len(set(values)) != len(values):
        raise ValueError("must not repeat an entry")


class ArtistCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "The Velvet Harbors",
                    "genres": ["indie rock"],
                    "image_url": "https://images.example.com/artists/velvet-harbors.jpg",
                }
            ]
        }
    )

    name: Name
    genres: list[Genre] = Field(default_factory=list, max_length=10)
    image_url: Url | None = None

    @field_validator("genres")
    @classmethod
    def _distinct_genres(cls, genres: list[str]) -> list[str]:
        _unique(genres)
        return genres


class ArtistUpdate(RequestModel):
    """Any subset of the fields; those left out stay as they are. `null` clears the image."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"genres": ["shoegaze"]}]})

    name: Omittable[Name] = None
    genres: Omittable[list[Genre]] = Field(default=None, max_length=10)
    image_url: Url | None = None

    @field_validator("genres")
    @classmethod
    def _distinct_genres(cls, genres: list[str] | None) -> list[str] | None:
        _unique(genres)
        return genres


class AlbumCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Lanterns at Low Tide",
                    "artist_id": _ARTIST_ID,
                    "album_type": "album",
                    "release_date": "2019-04-12",
                }
            ]
        }
    )

    title: Name
    artist_id: uuid.UUID
    album_type: AlbumType = "album"
    release_date: date | None = None
    cover_url: Url | None = None


class AlbumUpdate(RequestModel):
    """Any subset of the fields; those left out stay as they are."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"release_date": "2019-05-03"}]})

    title: Omittable[Name] = None
    artist_id: Omittable[uuid.UUID] = None
    album_type: Omittable[AlbumType] = None
    release_date: date | None = None
    cover_url: Url | None = None


class SongCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"title": "Paper Moons", "album_id": _ALBUM_ID, "duration_ms": 214000},
                {
                    "title": "Paper Moons (feat. Mara Quinn)",
                    "album_id": _ALBUM_ID,
                    "duration_ms": 221500,
                    "artist_ids": [_ARTIST_ID, "c3a9e1d7-4b2f-4f6a-9c8e-2d5b7a1f3e60"],
                    "track_number": 4,
                    "explicit": True,
                    "isrc": "USVHB1900004",
                },
            ]
        }
    )

    title: Name
    album_id: uuid.UUID
    duration_ms: int = Field(gt=0, le=86_400_000)
    artist_ids: list[uuid.UUID] | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="In credit order; defaults to the album's artist.",
    )
    track_number: int | None = Field(
        default=None, ge=1, le=10_000, description="Defaults to the disc's next track."
    )
    disc_number: int = Field(default=1, ge=1, le=100)
    explicit: bool = False
    isrc: Isrc | None = None

    @field_validator("artist_ids")
    @classmethod
    def _distinct_artists(cls, ids: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
        _unique(ids)
        return ids


class SongUpdate(RequestModel):
    """Any subset of the fields; those left out stay as they are."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"explicit": True}]})

    title: Omittable[Name] = None
    album_id: Omittable[uuid.UUID] = None
    duration_ms: Omittable[int] = Field(default=None, gt=0, le=86_400_000)
    artist_ids: Omittable[list[uuid.UUID]] = Field(default=None, min_length=1, max_length=20)
    track_number: Omittable[int] = Field(default=None, ge=1, le=10_000)
    disc_number: Omittable[int] = Field(default=None, ge=1, le=100)
    explicit: Omittable[bool] = None
    isrc: Isrc | None = None

    @field_validator("artist_ids")
    @classmethod
    def _distinct_artists(cls, ids: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
        _unique(ids)
        return ids
