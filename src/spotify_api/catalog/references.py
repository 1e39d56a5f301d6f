"""What other domains keep of the catalog's songs, and how they let them go.

The catalog knows no such domain (playlists today, a user's library tomorrow). Each registers a
hook in `SongReferences` at the composition root (`main.py`). When songs leave the catalog, the
delete calls every hook with their ids, with its own session, in its own transaction: after it
has locked the songs (`CatalogRepository.lock_songs`: no one can add them anywhere meanwhile)
and before it deletes them. A hook takes the songs out of what it keeps; it may lock its own
rows then, which are always locked after songs, never before (see `lock_songs`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

SongsLeaving = Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[None]]


class SongReferences:
    def __init__(self, *hooks: SongsLeaving) -> None:
        self._hooks = list(hooks)

    def register(self, hook: SongsLeaving) -> None:
        self._hooks.append(hook)

    async def songs_leaving(self, session: AsyncSession, song_ids: Sequence[uuid.UUID]) -> None:
        if not song_ids:
            return
        for hook in self._hooks:
            await hook(session, song_ids)


async def get_song_references(request: Request) -> SongReferences:
    references: SongReferences = request.app.state.song_references
    return references


SongReferencesDep = Annotated[SongReferences, Depends(get_song_references)]
