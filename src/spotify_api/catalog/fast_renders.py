"""The catalog's details rendered on the cache's fast path, before routing (see
`core.cache_fast_path`): the same bytes as the routes', from the path parameter alone.

A path parameter that is not a UUID in its canonical form (lower-case, with hyphens) is left to
the route, which validates it as FastAPI does; so is a resource that does not exist (the route
answers its 404).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping

from starlette.datastructures import State

from spotify_api.catalog import reads
from spotify_api.catalog.reads import Data
from spotify_api.core.cache_fast_path import FastRender, FastRenders
from spotify_api.core.json import dumps
from spotify_api.core.reads import ReadDatabase


def canonical_uuid(text: str) -> uuid.UUID | None:
    try:
        value = uuid.UUID(text)
    except ValueError:
        return None
    return value if str(value) == text else None


def _detail(
    parameter: str, read: Callable[[ReadDatabase, uuid.UUID], Awaitable[Data | None]]
) -> FastRender:
    async def render(state: State, params: Mapping[str, str]) -> bytes | None:
        resource_id = canonical_uuid(params.get(parameter, ""))
        if resource_id is None:
            return None
        data = await read(state.reads, resource_id)
        return None if data is None else dumps(data)

    return render


CATALOG_FAST_RENDERS: FastRenders = {
    "/songs/{song_id}": _detail("song_id", reads.song),
    "/albums/{album_id}": _detail("album_id", reads.album),
    "/artists/{artist_id}": _detail("artist_id", reads.artist),
}
