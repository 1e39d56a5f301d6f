"""HTTP for artists: browsing (cached, no token) and curating (`catalog:write`)."""

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
from spotify_api.catalog.errors import ArtistHasAlbums, ArtistHasSongs, ArtistNotFound
from spotify_api.catalog.list_reads import ARTIST_SORTS
from spotify_api.catalog.routes.common import (
    CascadeParam,
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

router = APIRouter(tags=["Artists"])

ArtistSort = Annotated[
    Literal["name", "-name", "created_at", "-created_at"],
    Query(description="Order of the list; `-` for descending."),
]


@router.get(
    "/artists",
    operation_id="listArtists",
    summary="List artists",
    description="A page of artists. Follow `next` to page on: it carries a signed cursor.",
    response_model=schemas.ArtistPage,
    responses=cached_read_responses(paged=True),
)
async def list_artists(
    request: Request,
    cache: CatalogCache,
    service: CatalogServiceDep,
    page: PageRequestDep,
    if_none_match: IfNoneMatch = None,
    q: SearchParam = None,
    sort: ArtistSort = "name",
) -> Response:
    q = search_text(q)
    paging = list_paging(request, page, ARTIST_SORTS[sort], q=q)
    return await cache.respond(
        request,
        lambda: page_body(
            paging,
            cache.counts,
            lambda query: service.list_artists(query, q),
            lambda: service.count_artists(q),
        ),
    )


@router.get(
    "/artists/{artist_id}",
    operation_id="getArtist",
    summary="Get an artist with their albums",
    description="The albums come newest release first.",
    response_model=schemas.ArtistDetail,
    responses={**cached_read_responses(paged=False), **problem_responses(ArtistNotFound)},
)
async def get_artist(
    artist_id: uuid.UUID,
    request: Request,
    cache: CatalogCache,
    service: CatalogServiceDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    return await cache.respond(request, lambda: as_json(service.get_artist(artist_id)))


@router.post(
    "/artists",
    operation_id="createArtist",
    summary="Add an artist",
    description="Genres are distinct (at most 10); `image_url` must be an http(s) URL.",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.Artist,
)
async def create_artist(
    body: schemas.ArtistCreate, service: CurationServiceDep, _: Curator
) -> Response:
    artist = await service.create_artist(body)
    return json_response(artist, 201, {"Location": f"/artists/{artist['id']}"})


@router.patch(
    "/artists/{artist_id}",
    operation_id="updateArtist",
    summary="Change an artist",
    description="Send any subset of the fields; the others stay as they are.",
    response_model=schemas.Artist,
    responses=problem_responses(ArtistNotFound),
)
async def update_artist(
    artist_id: uuid.UUID, body: schemas.ArtistUpdate, service: CurationServiceDep, _: Curator
) -> Response:
    return json_response(await service.update_artist(artist_id, body))


@router.delete(
    "/artists/{artist_id}",
    operation_id="deleteArtist",
    summary="Delete an artist",
    description=(
        "409 `artist_has_albums` while they have albums, and `artist_has_songs` while they are "
        "credited on other artists' songs, unless `cascade=true`: then their albums and those "
        "albums' songs are deleted too, and their credits removed (a song left with no artist "
        "keeps its album's artist)."
    ),
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(ArtistNotFound, ArtistHasAlbums, ArtistHasSongs),
)
async def delete_artist(
    artist_id: uuid.UUID, service: CurationServiceDep, _: Curator, cascade: CascadeParam = False
) -> None:
    await service.delete_artist(artist_id, cascade)
