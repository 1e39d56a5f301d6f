"""HTTP for search across artists, albums and songs (cached, no token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import AfterValidator

from spotify_api.catalog import search_service
from spotify_api.catalog.routes.common import IfNoneMatch, cached_read_responses
from spotify_api.catalog.search_schemas import SearchResults
from spotify_api.catalog.search_service import LIMIT_MAX, OFFSET_MAX
from spotify_api.core.cache import CatalogCache
from spotify_api.core.json import dumps
from spotify_api.core.schemas import NoNul

router = APIRouter(tags=["Search"])

QUERY_MAX = 200
# What a query may be before its spaces are trimmed (the trimmed query is checked below).
_RAW_QUERY_MAX = 2 * QUERY_MAX
_TYPES_PATTERN = r"^(artist|album|song)(,(artist|album|song))*$"


def _trimmed_length(q: str) -> str:
    if not 1 <= len(q.strip()) <= QUERY_MAX:
        raise ValueError(f"must hold 1 to {QUERY_MAX} characters besides surrounding spaces")
    return q


SearchText = Annotated[
    str,
    Query(
        min_length=1,
        max_length=_RAW_QUERY_MAX,
        description=(
            f"What to look for: 1 to {QUERY_MAX} characters after trimming. Case, diacritics "
            "and punctuation inside names do not matter; the last word matches as a prefix; "
            "a word of 5 letters or more also matches with one typo."
        ),
        examples=["metallica", "enter sand", "beyonce"],
    ),
    NoNul,
    AfterValidator(_trimmed_length),
]
SearchTypes = Annotated[
    str,
    Query(
        pattern=_TYPES_PATTERN,
        description="A comma-separated subset of `artist`, `album` and `song`.",
        examples=["artist,song"],
    ),
]


@router.get(
    "/search",
    operation_id="search",
    summary="Search the catalog",
    description=(
        "A page of ranked matches per type asked for, and `top`: the best few across them. "
        "An exact name ranks above a name that starts with the query, above a name that holds "
        "its words, above a match only in a song's artists or album, above a typo. A query of "
        "only punctuation finds nothing (200)."
    ),
    response_model=SearchResults,
    responses=cached_read_responses(paged=False),
)
async def search(
    request: Request,
    cache: CatalogCache,
    q: SearchText,
    if_none_match: IfNoneMatch = None,
    type: SearchTypes = "artist,album,song",
    limit: Annotated[int, Query(ge=1, le=LIMIT_MAX, description="Results per type.")] = 10,
    offset: Annotated[
        int, Query(ge=0, le=OFFSET_MAX, description="The position of each page's first result.")
    ] = 0,
) -> Response:
    types = tuple(type.split(","))

    async def render() -> bytes:
        found = await search_service.search(
            request.app.state.reads, cache.counts, q, types, limit, offset
        )
        return dumps(found)

    return await cache.respond(request, render)
