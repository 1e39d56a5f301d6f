"""HTTP for songs: browsing (cached, no token) and curating (`catalog:write`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from spotify_api.catalog import schemas
from spotify_api.catalog.deps import (
    CatalogServiceDep,
    CurationServiceDep,
    Curator,
    PageRequestDep,
)
from spotify_api.catalog.errors import SongNotFound
from spotify_api.catalog.list_reads import SONG_SORTS, SongFilters
from spotify_api.catalog.routes.common import (
    IfNoneMatch,
    SearchParam,
    as_json,
    cached_read_responses,
    json_response,
    page_body,
    search_text,
)
from spotify_api.core.cache import CatalogCache
from spotify_api.core.paging import list_paging
from spotify_api.core.problems import problem_responses

router = APIRouter(tags=["Songs"])

SongSort = Annotated[
    Literal["title", "-title", "created_at", "-created_at"],
    Query(description="Order of the list; `-` for descending."),
]


@router.get(
    "/songs",
    operation_id="listSongs",
    summary="List songs",
    description="A page of songs. Follow `next` to page on: it carries a signed cursor.",
    response_model=schemas.SongPage,
    responses=cached_read_responses(paged=True),
)
async def list_songs(
    request: Request,
    cache: CatalogCache,
    service: CatalogServiceDep,
    page: PageRequestDep,
    if_none_match: IfNoneMatch = None,
    q: SearchParam = None,
    artist_id: Annotated[
        uuid.UUID | None, Query(description="Songs crediting this artist.")
    ] = None,
    album_id: Annotated[uuid.UUID | None, Query(description="Songs of this album.")] = None,
    sort: SongSort = "title",
) -> Response:
    q = search_text(q)
    filters = SongFilters(q, artist_id, album_id)
    paging = list_paging(
        request, page, SONG_SORTS[sort], q=q, artist_id=artist_id, album_id=album_id
    )
    return await cache.respond(
        request,
        lambda: page_body(
            paging,
            cache.counts,
            lambda query: service.list_songs(query, filters),
            lambda: service.count_songs(filters),
        ),
    )


@router.get(
    "/songs/{song_id}",
    operation_id="getSong",
    summary="Get a song",
    description="The song with its album and its artists in credit order.",
    response_model=schemas.Song,
    responses={**cached_read_responses(paged=False), **problem_responses(SongNotFound)},
)
async def get_song(
    song_id: uuid.UUID,
    request: Request,
    cache: CatalogCache,
    service: CatalogServiceDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    return await cache.respond(request, lambda: as_json(service.get_song(song_id)))


@router.post(
    "/songs",
    operation_id="createSong",
    summary="Add a song",
    description=(
        "`artist_ids` defaults to the album's artist and `track_number` to the disc's next "
        "track. A missing album or artist is 422 naming the field."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.Song,
)
async def create_song(
    body: schemas.SongCreate, service: CurationServiceDep, _: Curator
) -> Response:
    song = await service.create_song(body)
    return json_response(song, 201, {"Location": f"/songs/{song['id']}"})


@router.patch(
    "/songs/{song_id}",
    operation_id="updateSong",
    summary="Change a song",
    description="Send any subset of the fields; the others stay as they are.",
    response_model=schemas.Song,
    responses=problem_responses(SongNotFound),
)
async def update_song(
    song_id: uuid.UUID, body: schemas.SongUpdate, service: CurationServiceDep, _: Curator
) -> Response:
    return json_response(await service.update_song(song_id, body))


@router.delete(
    "/songs/{song_id}",
    operation_id="deleteSong",
    summary="Delete a song",
    description="It also leaves every playlist that held it.",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(SongNotFound),
)
async def delete_song(song_id: uuid.UUID, service: CurationServiceDep, _: Curator) -> None:
    await service.delete_song(song_id)
