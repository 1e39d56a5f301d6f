"""What the catalog's routes share: documented cache behaviour, query parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Header, Query, Response

from spotify_api.catalog.reads import Data
from spotify_api.core.cache import IF_NONE_MATCH_MAX
from spotify_api.core.json import dumps
from spotify_api.core.keyset import PageQuery, Window
from spotify_api.core.paging import InvalidCursor, ListCounts, ListPaging, counted
from spotify_api.core.problems import problem_responses
from spotify_api.core.schemas import NoNul

SEARCH_MAX_LENGTH = 100
SearchParam = Annotated[
    str | None,
    Query(
        max_length=SEARCH_MAX_LENGTH,
        description="Case-insensitive match on part of the title or name.",
    ),
    NoNul,
]
CascadeParam = Annotated[
    bool, Query(description="Also delete what depends on it, instead of answering 409.")
]
IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        description="An ETag from an earlier answer: 304 with no body if nothing changed.",
        max_length=IF_NONE_MATCH_MAX,
    ),
]

_CACHE_HEADERS = {
    "ETag": {"description": "A strong validator of the body.", "schema": {"type": "string"}},
    "Cache-Control": {"description": "`public, max-age=…`", "schema": {"type": "string"}},
}


def cached_read_responses(*, paged: bool) -> dict[int | str, dict[str, Any]]:
    """The responses of a cached catalog read, for the spec."""
    responses = problem_responses(InvalidCursor) if paged else {}
    responses[200] = {"headers": _CACHE_HEADERS}
    responses[304] = {
        "description": "Not Modified: the `If-None-Match` ETag is current.",
        "headers": _CACHE_HEADERS,
    }
    return responses


def json_response(
    data: Data, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(dumps(data), status_code, headers, media_type="application/json")


async def as_json(data: Awaitable[Any]) -> bytes:
    """The body of a detail: its plain data (in the schema's field order) as JSON."""
    return dumps(await data)


async def page_body(
    paging: ListPaging,
    counts: ListCounts,
    fetch: Callable[[PageQuery], Awaitable[Window[Data]]],
    count: Callable[[], Awaitable[int]],
) -> bytes:
    """The body of a page of a list: its items, and the paging object with the list's size
    (counted once per catalog version) and links."""
    found = await fetch(paging.query())
    total = await counted(counts, paging.count_identity, count)
    field = paging.sort.field
    keys = [(item[field], item["id"]) for item in found.rows]
    return dumps({"items": found.rows, **paging.fields(found, keys, total)})


def search_text(q: str | None) -> str | None:
    return (q or "").strip() or None
