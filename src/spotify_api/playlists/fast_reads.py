"""`GET /playlists/{id}`'s answer, and its render before routing (`auth.token_fast_path`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from starlette.datastructures import State
from starlette.responses import Response

from spotify_api.catalog.fast_renders import canonical_uuid
from spotify_api.core.json import dumps
from spotify_api.playlists.reads import PlaylistReads
from spotify_api.playlists.views import PlaylistView

#: Per-user answers that a client may keep and revalidate, never a shared cache.
PRIVATE = "private, no-cache"


def playlist_response(playlist: PlaylistView) -> Response:
    """The playlist as `GET /playlists/{id}` answers it; the ETag is its snapshot."""
    headers = {"ETag": f'"{playlist["snapshot_id"]}"', "Cache-Control": PRIVATE}
    return Response(dumps(playlist), media_type="application/json", headers=headers)


async def render_playlist(
    state: State, user_id: uuid.UUID, params: Mapping[str, str]
) -> Response | None:
    """The playlist if the caller may see it and its id is a canonical UUID; otherwise None,
    and the route validates the id and answers 404 as it does."""
    playlist_id = canonical_uuid(params.get("playlist_id", ""))
    if playlist_id is None:
        return None
    playlist = await PlaylistReads(state.reads).one(user_id, playlist_id)
    return None if playlist is None else playlist_response(playlist)
