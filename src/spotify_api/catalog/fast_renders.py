"""The catalog's reads rendered on the cache's fast path, before routing (see
`core.cache_fast_path`): the same bytes as the routes', from the path and query parameters.

A render takes a parameter only in the form that FastAPI would read as that very value: a UUID
in its canonical form (lower-case, with hyphens), a limit or an offset in plain decimal digits
within range, a sort the route lists, a search within its length without NUL. Anything else
is left to the route, which validates it as FastAPI does (a 422, or a form it reads as valid);
so is a cursor that does not verify (the route's 400) and a resource that does not exist (its
404). Query parameters the route does not declare are ignored, as FastAPI ignores them.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.datastructures import State

from spotify_api.catalog import list_reads, reads
from spotify_api.catalog.list_reads import ALBUM_SORTS, ARTIST_SORTS, SONG_SORTS, SongFilters
from spotify_api.catalog.reads import Data
from spotify_api.catalog.routes.common import SEARCH_MAX_LENGTH, page_body, search_text
from spotify_api.core.cache import CatalogCounts
from spotify_api.core.cache_fast_path import FastRender, FastRenders, FastRequest
from spotify_api.core.cache_store import cache_store
from spotify_api.core.json import dumps
from spotify_api.core.keyset import SortKey
from spotify_api.core.paging import InvalidCursor, ListPaging, paging_at, plain_page_request
from spotify_api.core.reads import ReadDatabase


class _LeftToTheRoute(Exception):
    """A parameter in a form that only the route's validation may judge."""


def canonical_uuid(text: str) -> uuid.UUID | None:
    try:
        value = uuid.UUID(text)
    except ValueError:
        return None
    return value if str(value) == text else None


def _detail(
    parameter: str, read: Callable[[ReadDatabase, uuid.UUID], Awaitable[Data | None]]
) -> FastRender:
    async def render(state: State, request: FastRequest) -> bytes | None:
        resource_id = canonical_uuid(request.params.get(parameter, ""))
        if resource_id is None:
            return None
        data = await read(state.reads, resource_id)
        return None if data is None else dumps(data)

    return render


def _id_param(query: Mapping[str, str], name: str) -> uuid.UUID | None:
    text = query.get(name)
    if text is None:
        return None
    value = canonical_uuid(text)
    if value is None:
        raise _LeftToTheRoute()
    return value


def _search(query: Mapping[str, str]) -> str | None:
    text = query.get("q")
    if text is not None and (len(text) > SEARCH_MAX_LENGTH or "\x00" in text):
        raise _LeftToTheRoute()
    return search_text(text)


def _paging(
    state: State, request: FastRequest, sorts: Mapping[str, SortKey], default: str, **filters: Any
) -> ListPaging:
    page = plain_page_request(request.query)
    sort = sorts.get(request.query.get("sort", default))
    if page is None or sort is None:
        raise _LeftToTheRoute()
    return paging_at(state.settings, request.path, page, sort, **filters)


def _list(render: Callable[[State, FastRequest], Awaitable[bytes]]) -> FastRender:
    async def checked(state: State, request: FastRequest) -> bytes | None:
        try:
            return await render(state, request)
        except (_LeftToTheRoute, InvalidCursor):
            return None

    return checked


@_list
async def _songs(state: State, request: FastRequest) -> bytes:
    query, db = request.query, state.reads
    q, artist_id, album_id = (
        _search(query),
        _id_param(query, "artist_id"),
        _id_param(query, "album_id"),
    )
    filters = SongFilters(q, artist_id, album_id)
    paging = _paging(
        state, request, SONG_SORTS, "title", q=q, artist_id=artist_id, album_id=album_id
    )
    return await page_body(
        paging,
        CatalogCounts(cache_store(state)),
        lambda page: list_reads.songs(db, page, filters),
        lambda: list_reads.count_songs(db, filters),
    )


@_list
async def _albums(state: State, request: FastRequest) -> bytes:
    query, db = request.query, state.reads
    q, artist_id = _search(query), _id_param(query, "artist_id")
    paging = _paging(state, request, ALBUM_SORTS, "title", q=q, artist_id=artist_id)
    return await page_body(
        paging,
        CatalogCounts(cache_store(state)),
        lambda page: list_reads.albums(db, page, q, artist_id),
        lambda: list_reads.count_albums(db, q, artist_id),
    )


@_list
async def _artists(state: State, request: FastRequest) -> bytes:
    q = _search(request.query)
    paging = _paging(state, request, ARTIST_SORTS, "name", q=q)
    return await page_body(
        paging,
        CatalogCounts(cache_store(state)),
        lambda page: list_reads.artists(state.reads, page, q),
        lambda: list_reads.count_artists(state.reads, q),
    )


CATALOG_FAST_RENDERS: FastRenders = {
    "/songs": _songs,
    "/songs/{song_id}": _detail("song_id", reads.song),
    "/albums": _albums,
    "/albums/{album_id}": _detail("album_id", reads.album),
    "/artists": _artists,
    "/artists/{artist_id}": _detail("artist_id", reads.artist),
}
