"""The item changes (add, remove, reorder) answered before routing (`auth.token_fast_path`):
the route's own function, called with what its dependencies would have made.

Only the ordinary request is taken: a canonical UUID in the path, a JSON body that the route's
model accepts as FastAPI would give it (parsed, then validated in Python mode), at most one
`If-Match` within the route's bound and no `Idempotency-Key` (keyed requests go through the
route's idempotency layer, which fingerprints what FastAPI parsed). Anything else is left to
the route, which validates it and answers as it always does.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from spotify_api.auth.sessions import AuthSession
from spotify_api.auth.token_fast_path import TokenChange, TokenChanges
from spotify_api.catalog.fast_renders import canonical_uuid
from spotify_api.core.idempotency import IdempotencyStore
from spotify_api.core.unit_of_work import UnitOfWork
from spotify_api.playlists import router, schemas
from spotify_api.playlists.deps import IF_MATCH_MAX
from spotify_api.playlists.service import PlaylistService

_JSON = "application/json"


def _change(model: type[BaseModel], endpoint: Callable[..., Awaitable[Response]]) -> TokenChange:
    async def change(
        request: Request, session: AuthSession, params: Mapping[str, str], body: bytes
    ) -> Response | None:
        playlist_id = canonical_uuid(params.get("playlist_id", ""))
        headers = request.headers
        if_match = headers.getlist("if-match")
        if (
            playlist_id is None
            or headers.getlist("content-type") != [_JSON]
            or "idempotency-key" in headers
            or len(if_match) > 1
            or (if_match and len(if_match[0]) > IF_MATCH_MAX)
        ):
            return None
        try:
            parsed: Any = model.model_validate(json.loads(body))
        except (ValueError, RecursionError):  # not JSON, or not the model's: the route's 422
            return None
        state = request.app.state
        uow = UnitOfWork(state.transactions())
        try:
            return await endpoint(
                playlist_id=playlist_id,
                body=parsed,
                request=request,
                session=session,
                service=PlaylistService(uow, state.reads),
                idempotency=IdempotencyStore(uow, state.settings, state.clock),
                if_match=if_match[0] if if_match else None,
                idempotency_key=None,
            )
        finally:
            await uow.rollback()  # nothing, after its commit

    return change


PLAYLIST_CHANGES: TokenChanges = {
    "/playlists/{playlist_id}/add-song": _change(schemas.AddSong, router.add_song_to_playlist),
    "/playlists/{playlist_id}/remove-song": _change(
        schemas.RemoveSong, router.remove_song_from_playlist
    ),
    "/playlists/{playlist_id}/reorder": _change(schemas.Reorder, router.reorder_playlist),
}
