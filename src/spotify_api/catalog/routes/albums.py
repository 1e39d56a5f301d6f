"""HTTP for albums: browsing (cached, no token) and curating (`catalog:write`)."""

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
from spotify_api.catalog.errors import AlbumHasSongs, AlbumNotFound
from spotify_api.catalog.list_reads import ALBUM_SORTS
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

router = APIRouter(tags=["Albums"])

AlbumSort = Annotated[
    Literal["title", "-title", "created_at", "-created_at"],
    Query(description="Order of the list; `-` for descending."),
]


@router.get(
    "/albums",
    operation_id="listAlbums",
    summary="List albums",
    description="A page of albums. Follow `next` to page on: it carries a signed cursor.",
    response_model=schemas.AlbumPage,
    responses=cached_read_responses(paged=True),
)
async def list_albums(
    request: Request,
    cache: CatalogCache,
    service: CatalogServiceDep,
    page: PageRequestDep,
    if_none_match: IfNoneMatch = None,
    q: SearchParam = None,
    artist_id: Annotated[uuid.UUID | None, Query(description="Albums of this artist.")] = None,
    sort: AlbumSort = "title",
) -> Response:
    q = search_text(q)
    paging = list_paging(request, page, ALBUM_SORTS[sort], q=q, artist_id=artist_id)
    return await cache.respond(
        request,
        lambda: page_body(
            paging,
            cache.counts,
            lambda query: service.list_albums(query, q, artist_id),
            lambda: service.count_albums(q, artist_id),
        ),
    )


@router.get(
    "/albums/{album_id}",
    operation_id="getAlbum",
    summary="Get an album with its songs",
    description="The songs come in disc, then track order.",
    response_model=schemas.AlbumDetail,
    responses={**cached_read_responses(paged=False), **problem_responses(AlbumNotFound)},
)
async def get_album(
    album_id: uuid.UUID,
    request: Request,
    cache: CatalogCache,
    service: CatalogServiceDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    return await cache.respond(request, lambda: as_json(service.get_album(album_id)))


@router.post(
    "/albums",
    operation_id="createAlbum",
    summary="Add an album",
    description="A missing artist is 422 naming the field.",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.Album,
)
async def create_album(
    body: schemas.AlbumCreate, service: CurationServiceDep, _: Curator
) -> Response:
    album = await service.create_album(body)
    return json_response(album, 201, {"Location": f"/albums/{album['id']}"})


@router.patch(
    "/albums/{album_id}",
    operation_id="updateAlbum",
    summary="Change an album",
    description="Send any subset of the fields; the others stay as they are.",
    response_model=schemas.Album,
    responses=problem_responses(AlbumNotFound),
)
async def update_album(
    album_id: uuid.UUID, body: schemas.AlbumUpdate, service: CurationServiceDep, _: Curator
) -> Response:
    return json_response(await service.update_album(album_id, body))


@router.delete(
    "/albums/{album_id}",
    operation_id="deleteAlbum",
    summary="Delete an album",
    description="409 `album_has_songs` while it has songs, unless `cascade=true` deletes them too.",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(AlbumNotFound, AlbumHasSongs),
)
async def delete_album(
    album_id: uuid.UUID, service: CurationServiceDep, _: Curator, cascade: CascadeParam = False
) -> None:
    await service.delete_album(album_id, cascade)
