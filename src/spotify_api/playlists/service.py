"""Playlists: private by default, their items changed by their owner and collaborators, their
details by their owner alone, serialised per playlist.

Every change locks the playlist's row first (one statement returning what the checks need),
then checks who asks (`access`) and `If-Match`, changes the items and renews the snapshot id
(one statement on PostgreSQL, see the repository) and commits before returning, through the
unit of work with its result: what is registered to be written with it (the idempotency record)
lands in the same transaction. Results are plain data in the answers' shapes; the router turns
them into bytes.
"""

from __future__ import annotations

import uuid
from typing import Any, TypedDict

from spotify_api.core.errors import InvalidField
from spotify_api.core.keyset import PageQuery
from spotify_api.core.reads import ReadDatabase
from spotify_api.core.unit_of_work import UnitOfWork
from spotify_api.playlists import schemas
from spotify_api.playlists.access import changeable
from spotify_api.playlists.errors import (
    PlaylistFull,
    PlaylistNotFound,
    SongNotFound,
    SongNotInPlaylist,
)
from spotify_api.playlists.models import MAX_ITEMS
from spotify_api.playlists.reads import ItemPage, PlaylistPage, PlaylistReads
from spotify_api.playlists.repository import PlaylistRepository
from spotify_api.playlists.views import PlaylistView


class Snapshot(TypedDict):
    snapshot_id: str


class SongAdded(TypedDict):
    snapshot_id: str
    position: int


class SongsRemoved(TypedDict):
    snapshot_id: str
    removed: int


def _in_range(field: str, value: int, highest: int) -> None:
    if value > highest:
        raise InvalidField(field, f"Must be between 0 and {highest}.", "out_of_range")


class PlaylistService:
    def __init__(self, uow: UnitOfWork, read_database: ReadDatabase) -> None:
        self.uow = uow
        self.reads = PlaylistReads(read_database)
        self.playlists = PlaylistRepository(uow)

    # -- reading

    async def list_own(self, user_id: uuid.UUID, page: PageQuery) -> PlaylistPage:
        return await self.reads.own(user_id, page)

    async def get(self, user_id: uuid.UUID, playlist_id: uuid.UUID) -> PlaylistView:
        playlist = await self.reads.one(user_id, playlist_id)
        if playlist is None:
            raise PlaylistNotFound()
        return playlist

    async def items(
        self, user_id: uuid.UUID, playlist_id: uuid.UUID, offset: int, limit: int
    ) -> ItemPage:
        page = await self.reads.item_page(user_id, playlist_id, offset, limit)
        if page is None:
            raise PlaylistNotFound()
        return page

    # -- changing

    async def create(self, user_id: uuid.UUID, body: schemas.PlaylistCreate) -> PlaylistView:
        view = await self.playlists.create(user_id, body.name, body.description, body.public)
        await self.uow.commit(view)
        return view

    async def update(
        self,
        user_id: uuid.UUID,
        playlist_id: uuid.UUID,
        body: schemas.PlaylistUpdate,
        if_match: str | None,
    ) -> PlaylistView:
        locked = await self.playlists.lock(playlist_id, user_id)
        changeable(locked, user_id, if_match, owner_only=True)
        changes: dict[str, Any] = body.model_dump(exclude_unset=True)
        view = await self.playlists.update(playlist_id, changes)
        await self.uow.commit(view)
        return view

    async def delete(
        self, user_id: uuid.UUID, playlist_id: uuid.UUID, if_match: str | None
    ) -> None:
        locked = await self.playlists.lock(playlist_id, user_id)
        changeable(locked, user_id, if_match, owner_only=True)
        await self.playlists.delete(playlist_id)
        await self.uow.commit()

    async def add_song(
        self,
        user_id: uuid.UUID,
        playlist_id: uuid.UUID,
        body: schemas.AddSong,
        if_match: str | None,
    ) -> SongAdded:
        locked = await self.playlists.lock(playlist_id, user_id, body.song_id)
        playlist = changeable(locked, user_id, if_match)
        if not playlist.song_held:
            raise SongNotFound()
        length = playlist.total_songs
        if length >= MAX_ITEMS:
            raise PlaylistFull()
        position = length if body.position is None else body.position
        _in_range("position", position, length)
        snapshot = await self.playlists.insert_item(
            playlist_id, length, position, body.song_id, user_id
        )
        added: SongAdded = {"snapshot_id": snapshot, "position": position}
        await self.uow.commit(added)
        return added

    async def remove_song(
        self,
        user_id: uuid.UUID,
        playlist_id: uuid.UUID,
        body: schemas.RemoveSong,
        if_match: str | None,
    ) -> SongsRemoved:
        playlist = changeable(await self.playlists.lock(playlist_id, user_id), user_id, if_match)
        if body.position is None:
            removed, snapshot = await self.playlists.remove_song(playlist_id, body.song_id)
        else:
            removed, snapshot = await self.playlists.remove_at(
                playlist_id, playlist.total_songs, body.position, body.song_id
            )
        if not removed:
            raise SongNotInPlaylist()
        result: SongsRemoved = {"snapshot_id": snapshot, "removed": removed}
        await self.uow.commit(result)
        return result

    async def reorder(
        self,
        user_id: uuid.UUID,
        playlist_id: uuid.UUID,
        body: schemas.Reorder,
        if_match: str | None,
    ) -> Snapshot:
        playlist = changeable(await self.playlists.lock(playlist_id, user_id), user_id, if_match)
        length = playlist.total_songs
        _in_range("range_start", body.range_start, max(length - 1, 0))
        if length == 0:
            raise InvalidField("range_start", "The playlist is empty.", "out_of_range")
        _in_range("range_length", body.range_length, length - body.range_start)
        _in_range("insert_before", body.insert_before, length)
        start, end = body.range_start, body.range_start + body.range_length
        if start <= body.insert_before <= end:  # the range would land where it is
            unchanged: Snapshot = {"snapshot_id": playlist.snapshot_id}
            await self.uow.commit(unchanged)  # nothing changed but what is stored with it
            return unchanged
        snapshot = await self.playlists.move_range(
            playlist_id, length, start, body.range_length, body.insert_before
        )
        moved: Snapshot = {"snapshot_id": snapshot}
        await self.uow.commit(moved)
        return moved
