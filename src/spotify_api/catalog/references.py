"""What other domains keep of the catalog's songs, and how they follow the songs' changes.

The catalog knows no such domain (playlists today, a user's library tomorrow). Each registers a
`SongHolder` in `SongReferences` at the composition root (`main.py`). The catalog calls every
holder with its own session, in its own transaction, after it has locked the songs
(`CatalogRepository.lock_songs`: no one can add them anywhere meanwhile):
- when songs leave the catalog, before it deletes them: the holder takes them out of what it
  keeps;
- when songs' durations change, after the change: a holder that keeps sums of durations (a
  playlist's total) recounts them.
A holder may lock its own rows then, which are always locked after songs, never before (see
`lock_songs`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

SongsHook = Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class SongHolder:
    leaving: SongsHook
    #: None for a holder that keeps nothing of a song's duration.
    retimed: SongsHook | None = None


class SongReferences:
    def __init__(self, *holders: SongHolder) -> None:
        self._holders = list(holders)

    def register(self, holder: SongHolder) -> None:
        self._holders.append(holder)

    async def songs_leaving(self, session: AsyncSession, song_ids: Sequence[uuid.UUID]) -> None:
        if not song_ids:
            return
        for holder in self._holders:
            await holder.leaving(session, song_ids)

    async def songs_retimed(self, session: AsyncSession, song_ids: Sequence[uuid.UUID]) -> None:
        if not song_ids:
            return
        for holder in self._holders:
            if holder.retimed is not None:
                await holder.retimed(session, song_ids)


async def get_song_references(request: Request) -> SongReferences:
    references: SongReferences = request.app.state.song_references
    return references


SongReferencesDep = Annotated[SongReferences, Depends(get_song_references)]
