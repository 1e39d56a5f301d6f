"""Playlists: private by default, changed only by their owner, serialised per playlist.

Every change locks the playlist's row first, then checks who asks and `If-Match`, changes the
items (ranks, see the repository: positions are derived from their order), renews the snapshot
id and commits before returning, through the unit of work with its result: what is registered
to be written with it (the idempotency record) lands in the same transaction.
"""

from __future__ import annotations

import uuid

from spotify_api.catalog.repository import CatalogRepository
from spotify_api.catalog.service import song_view
from spotify_api.core.db import utc_now
from spotify_api.core.errors import InvalidField
from spotify_api.core.paging import Pager, PageRequest
from spotify_api.core.unit_of_work import UnitOfWork
from spotify_api.playlists import schemas
from spotify_api.playlists.errors import (
    NotOwner,
    PlaylistFull,
    PlaylistNotFound,
    SnapshotMismatch,
    SongNotFound,
    SongNotInPlaylist,
)
from spotify_api.playlists.models import MAX_ITEMS, Playlist
from spotify_api.playlists.repository import PlaylistRepository, new_snapshot_id


def playlist_view(playlist: Playlist, duration_ms: int) -> schemas.Playlist:
    return schemas.Playlist(
        id=playlist.id,
        name=playlist.name,
        description=playlist.description,
        public=playlist.public,
        owner=schemas.Owner(id=playlist.owner.id, username=playlist.owner.username),
        snapshot_id=playlist.snapshot_id,
        total_songs=playlist.total_songs,
        duration_ms=duration_ms,
        created_at=playlist.created_at,
        updated_at=playlist.updated_at,
    )


def _visible(playlist: Playlist | None, user_id: uuid.UUID) -> Playlist:
    """A private playlist does not exist for anyone but its owner: 404, so ids cannot be probed."""
    if playlist is None or not (playlist.public or playlist.owner_id == user_id):
        raise PlaylistNotFound()
    return playlist


def _changeable(playlist: Playlist | None, user_id: uuid.UUID, if_match: str | None) -> Playlist:
    playlist = _visible(playlist, user_id)
    if playlist.owner_id != user_id:
        raise NotOwner()
    if if_match is not None and not _matches(if_match, playlist.snapshot_id):
        raise SnapshotMismatch()
    return playlist


def _matches(if_match: str, snapshot_id: str) -> bool:
    tags = [tag.strip() for tag in if_match.split(",")]
    return "*" in tags or any(tag.removeprefix("W/").strip('"') == snapshot_id for tag in tags)


def _in_range(field: str, value: int, highest: int) -> None:
    if value > highest:
        raise InvalidField(field, f"Must be between 0 and {highest}.", "out_of_range")


class PlaylistService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.db = uow.session
        self.playlists = PlaylistRepository(self.db)
        self.catalog = CatalogRepository(self.db)

    async def _view(self, playlist: Playlist) -> schemas.Playlist:
        durations = await self.playlists.durations([playlist.id])
        return playlist_view(playlist, durations.get(playlist.id, 0))

    def _touch(self, playlist: Playlist) -> str:
        playlist.snapshot_id = new_snapshot_id()
        playlist.updated_at = utc_now()
        return playlist.snapshot_id

    # -- reading

    async def list_own(self, user_id: uuid.UUID, pager: Pager) -> schemas.PlaylistPage:
        page = await self.playlists.page_owned(user_id, pager)
        durations = await self.playlists.durations([p.id for p in page.rows])
        items = [playlist_view(p, durations.get(p.id, 0)) for p in page.rows]
        return schemas.PlaylistPage(items=items, **pager.page_fields(page, page.rows))

    async def get(self, user_id: uuid.UUID, playlist_id: uuid.UUID) -> schemas.Playlist:
        return await self._view(_visible(await self.playlists.get(playlist_id), user_id))

    async def items(
        self, user_id: uuid.UUID, playlist_id: uuid.UUID, request: PageRequest, path: str
    ) -> schemas.PlaylistItemPage:
        playlist = _visible(await self.playlists.get(playlist_id), user_id)
        rows = await self.playlists.items(playlist_id, request.offset, request.limit)
        total, offset, limit = playlist.total_songs, request.offset, request.limit
        following = offset + limit < total
        return schemas.PlaylistItemPage(
            items=[
                schemas.PlaylistItem(
                    position=offset + index, added_at=item.added_at, song=song_view(song)
                )
                for index, (item, song) in enumerate(rows)
            ],
            total=total,
            limit=limit,
            offset=offset,
            next=f"{path}?limit={limit}&offset={offset + limit}" if following else None,
            previous=(
                f"{path}?limit={limit}&offset={max(min(offset, total) - limit, 0)}"
                if offset > 0
                else None
            ),
        )

    # -- changing

    async def create(self, user_id: uuid.UUID, body: schemas.PlaylistCreate) -> schemas.Playlist:
        playlist = Playlist(
            owner_id=user_id,
            name=body.name,
            description=body.description,
            public=body.public,
            snapshot_id=new_snapshot_id(),
        )
        await self.playlists.add(playlist)
        view = await self.get(user_id, playlist.id)
        await self.uow.commit(view)
        return view

    async def update(
        self,
        user_id: uuid.UUID,
        playlist_id: uuid.UUID,
        body: schemas.PlaylistUpdate,
        if_match: str | None,
    ) -> schemas.Playlist:
        playlist = _changeable(await self.playlists.lock(playlist_id), user_id, if_match)
        for field, value in body.model_dump(exclude_unset=True).items():
            setattr(playlist, field, value)
        self._touch(playlist)
        view = await self._view(playlist)
        await self.uow.commit(view)
        return view

    async def delete(
        self, user_id: uuid.UUID, playlist_id: uuid.UUID, if_match: str | None
    ) -> None:
        _changeable(await self.playlists.lock(playlist_id), user_id, if_match)
        await self.playlists.delete(playlist_id)
        await self.uow.commit()

    async def add_song(
        self,
        user_id: uuid.UUID,
        playlist_id: uuid.UUID,
        body: schemas.AddSong,
        if_match: str | None,
    ) -> schemas.SongAdded:
        # The song before the playlist: the lock order of a song's deletion (see lock_songs).
        song_exists = await self.catalog.hold_song(body.song_id)
        playlist = _changeable(await self.playlists.lock(playlist_id), user_id, if_match)
        if not song_exists:
            raise SongNotFound()
        length = playlist.total_songs
        if length >= MAX_ITEMS:
            raise PlaylistFull()
        position = length if body.position is None else body.position
        _in_range("position", position, length)
        await self.playlists.insert_item(playlist_id, length, position, body.song_id)
        playlist.total_songs = length + 1
        added = schemas.SongAdded(snapshot_id=self._touch(playlist), position=position)
        await self.uow.commit(added)
        return added

    async def remove_song(
        self,
        user_id: uuid.UUID,
        playlist_id: uuid.UUID,
        body: schemas.RemoveSong,
        if_match: str | None,
    ) -> schemas.SongsRemoved:
        playlist = _changeable(await self.playlists.lock(playlist_id), user_id, if_match)
        if body.position is None:
            removed = await self.playlists.delete_song(playlist_id, body.song_id)
        else:
            found = await self.playlists.item_at(playlist_id, playlist.total_songs, body.position)
            removed = 0
            if found is not None and found[1] == body.song_id:
                await self.playlists.delete_item(playlist_id, found[0])
                removed = 1
        if not removed:
            raise SongNotInPlaylist()
        playlist.total_songs -= removed
        result = schemas.SongsRemoved(snapshot_id=self._touch(playlist), removed=removed)
        await self.uow.commit(result)
        return result

    async def reorder(
        self,
        user_id: uuid.UUID,
        playlist_id: uuid.UUID,
        body: schemas.Reorder,
        if_match: str | None,
    ) -> schemas.Snapshot:
        playlist = _changeable(await self.playlists.lock(playlist_id), user_id, if_match)
        length = playlist.total_songs
        _in_range("range_start", body.range_start, max(length - 1, 0))
        if length == 0:
            raise InvalidField("range_start", "The playlist is empty.", "out_of_range")
        _in_range("range_length", body.range_length, length - body.range_start)
        _in_range("insert_before", body.insert_before, length)
        start, end = body.range_start, body.range_start + body.range_length
        if start <= body.insert_before <= end:  # the range would land where it is
            unchanged = schemas.Snapshot(snapshot_id=playlist.snapshot_id)
            await self.uow.commit(unchanged)  # nothing changed but what is stored with it
            return unchanged
        await self.playlists.move_range(
            playlist_id, length, start, body.range_length, body.insert_before
        )
        moved = schemas.Snapshot(snapshot_id=self._touch(playlist))
        await self.uow.commit(moved)
        return moved
