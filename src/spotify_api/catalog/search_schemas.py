"""The answer of `GET /search`, as clients see it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from spotify_api.catalog.schemas import (
    ALBUM_EXAMPLE,
    ARTIST_EXAMPLE,
    SONG_EXAMPLE,
    Album,
    AlbumPage,
    Artist,
    ArtistPage,
    Song,
    SongPage,
)
from spotify_api.core.schemas import ResponseModel

SearchType = Literal["artist", "album", "song"]


class TopArtist(ResponseModel):
    type: Literal["artist"]
    item: Artist


class TopAlbum(ResponseModel):
    type: Literal["album"]
    item: Album


class TopSong(ResponseModel):
    type: Literal["song"]
    item: Song


TopResult = Annotated[TopArtist | TopAlbum | TopSong, Field(discriminator="type")]


def _page(item: JsonDict, kind: str) -> JsonDict:
    """An example page: the second of three (the spec's tools drop example keys set to null)."""
    link = f"/search?q=velvet&type={kind}&limit=1&offset="
    return {
        "items": [item],
        "total": 3,
        "limit": 1,
        "offset": 1,
        "next": f"{link}2",
        "previous": f"{link}0",
    }


class SearchResults(ResponseModel):
    """Pages of the types asked for (`type`); a type left out is absent, not null."""

    model_config = ConfigDict(
        json_schema_serialization_defaults_required=False,
        json_schema_extra={
            "example": {
                "q": "velvet",
                "top": [{"type": "artist", "item": ARTIST_EXAMPLE}],
                "artists": _page(ARTIST_EXAMPLE, "artist"),
                "albums": _page(ALBUM_EXAMPLE, "album"),
                "songs": _page(SONG_EXAMPLE, "song"),
            }
        },
    )

    q: str = Field(description="The query as received.")
    top: list[TopResult] = Field(
        description="Up to 5 results across the types asked for, best first."
    )
    artists: ArtistPage | SkipJsonSchema[None] = None
    albums: AlbumPage | SkipJsonSchema[None] = None
    songs: SongPage | SkipJsonSchema[None] = None
