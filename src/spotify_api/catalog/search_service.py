"""`GET /search`: a page of ranked matches per type asked for, and the best few across them.

`top` mixes the types: it takes each type's best TOP_MAX and orders them by tier (see
`search_reads`), then artists before albums before songs (a name that is the query is most
likely the artist's), then by each type's own order.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any
from urllib.parse import urlencode

from spotify_api.catalog import search_reads
from spotify_api.catalog.reads import Data
from spotify_api.catalog.search_query import parse
from spotify_api.catalog.search_reads import Hit
from spotify_api.core.paging import ListCounts, counted
from spotify_api.core.reads import ReadDatabase

TYPES = ("artist", "album", "song")
PAGE_FIELDS = {"artist": "artists", "album": "albums", "song": "songs"}
TOP_MAX = 5
LIMIT_MAX = 50
OFFSET_MAX = 1_000


def _link(q: str, kind: str, limit: int, offset: int) -> str:
    return "/search?" + urlencode({"q": q, "type": kind, "limit": limit, "offset": offset})


def _page(
    q: str, kind: str, items: list[Data], total: int, limit: int, offset: int
) -> dict[str, Any]:
    more = offset + limit < total and offset + limit <= OFFSET_MAX
    return {
        "items": items,
        "total": total,
        "limit": limit,
        "offset": offset,
        "next": _link(q, kind, limit, offset + limit) if more else None,
        "previous": _link(q, kind, limit, max(0, offset - limit)) if offset else None,
    }


async def search(
    db: ReadDatabase,
    counts: ListCounts | None,
    q: str,
    types: Sequence[str],
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """The answer to `q` (as received) in the types asked for, in `TYPES` order. Each type's
    total is remembered by `counts` (per catalog version), by the query's words: paging on, or
    the same words typed otherwise, counts them once."""
    kinds = [kind for kind in TYPES if kind in types]
    answer: dict[str, Any] = {"q": q, "top": []}
    query = parse(q)
    if query is None:  # only punctuation: nothing can match
        for kind in kinds:
            answer[PAGE_FIELDS[kind]] = _page(q, kind, [], 0, limit, offset)
        return answer
    query = await search_reads.resolve(db, query)
    best: list[tuple[int, int, int, Hit]] = []
    for kind in kinds:
        found = await search_reads.ranked(db, kind, query, max(offset + limit, TOP_MAX))
        hits = await search_reads.render(db, kind, found[offset : offset + limit])
        identity = "/search?" + urlencode({"type": kind, "words": query.key})
        total = await counted(counts, identity, partial(search_reads.count, db, kind, query))
        answer[PAGE_FIELDS[kind]] = _page(q, kind, [hit.item for hit in hits], total, limit, offset)
        leaders = hits if offset == 0 and limit >= TOP_MAX else None
        if leaders is None:
            leaders = await search_reads.render(db, kind, found[:TOP_MAX])
        best += [(-hit.tier, TYPES.index(kind), n, hit) for n, hit in enumerate(leaders[:TOP_MAX])]
    best.sort(key=lambda ranked: ranked[:3])
    answer["top"] = [
        {"type": TYPES[type_index], "item": hit.item} for _, type_index, _, hit in best[:TOP_MAX]
    ]
    return answer
