"""Shared playlists: who follows a playlist, who collaborates on it, and every playlist a user
has a relation to.

A follower reads a playlist while they may see it (public, or they collaborate); the row stays
while it is private, so that it comes back when it is public again. A collaborator sees it even
while it is private and changes its items (`service`); only its owner manages collaborators,
except that a collaborator may leave. Every change locks the playlist's row first, as the item
changes do, and commits before returning.

A change of collaborators renews the playlist's snapshot: it changes the answer (`collaborative`)
and who may change the items, so that an item change serialises before or after it visibly. A
follow does not: it changes no one's rights, and a popular playlist's owner would otherwise see
`If-Match` fail at every follow.
"""

from __future__ import annotations

import uuid

from spotify_api.core.keyset import PageQuery
from spotify_api.core.reads import ReadDatabase
from spotify_api.core.unit_of_work import UnitOfWork
from spotify_api.playlists.access import changeable, visible
from spotify_api.playlists.errors import (
    NotCollaborator,
    NotOwner,
    OwnPlaylist,
    PlaylistNotFound,
    TooManyCollaborators,
    UserNotFound,
)
from spotify_api.playlists.models import MAX_COLLABORATORS
from spotify_api.playlists.repository import PlaylistRepository
from spotify_api.playlists.sharing_reads import CollaboratorPage, RelatedPage, SharingReads
from spotify_api.playlists.sharing_writes import SharingRepository


class SharingService:
    """Following and collaborating; reads of what is shared."""

    def __init__(self, uow: UnitOfWork, read_database: ReadDatabase) -> None:
        self.uow = uow
        self.reads = SharingReads(read_database)
        self.playlists = PlaylistRepository(uow)
        self.members = SharingRepository(uow)

    # -- reading

    async def related(
        self, user_id: uuid.UUID, page: PageQuery, contains_song: uuid.UUID | None
    ) -> RelatedPage:
        return await self.reads.related(user_id, page, contains_song)

    async def collaborators(
        self, user_id: uuid.UUID, playlist_id: uuid.UUID, offset: int, limit: int
    ) -> CollaboratorPage:
        standing = await self.reads.standing(user_id, playlist_id)
        if standing is None or not standing.sees:
            raise PlaylistNotFound()
        if not standing.member:
            raise NotCollaborator()
        return await self.reads.collaborators(playlist_id, offset, limit)

    # -- following

    async def follow(self, user_id: uuid.UUID, playlist_id: uuid.UUID) -> None:
        playlist = visible(await self.playlists.lock(playlist_id, user_id), user_id)
        if playlist.owner_id == user_id:
            raise OwnPlaylist()
        await self.members.follow(playlist_id, user_id)
        await self.uow.commit()

    async def unfollow(self, user_id: uuid.UUID, playlist_id: uuid.UUID) -> None:
        """Make sure the user does not follow it: also a playlist they may no longer see (made
        private since), whose follow they could otherwise never end. A playlist that does not
        exist, or that they may not see and do not follow, is followed by them no more than
        before: 204 too, so nothing is told about it."""
        playlist = await self.playlists.lock(playlist_id, user_id)
        if playlist is not None:
            if playlist.owner_id == user_id:
                raise OwnPlaylist()
            await self.members.unfollow(playlist_id, user_id)
        await self.uow.commit()

    # -- collaborating

    async def _user_named(self, username: str) -> uuid.UUID:
        found = await self.members.user_named(username)
        if found is None:
            raise UserNotFound()
        return found

    async def add_collaborator(
        self, user_id: uuid.UUID, playlist_id: uuid.UUID, username: str
    ) -> None:
        locked = await self.playlists.lock(playlist_id, user_id)
        playlist = changeable(locked, user_id, None, owner_only=True)
        collaborator = await self._user_named(username)
        if collaborator == user_id:
            raise OwnPlaylist()
        full = playlist.collaborators >= MAX_COLLABORATORS
        if full and not await self.members.is_collaborator(playlist_id, collaborator):
            raise TooManyCollaborators()
        if await self.members.add_collaborator(playlist_id, collaborator):
            await self.playlists.renew(playlist_id)
        await self.uow.commit()

    async def remove_collaborator(
        self, user_id: uuid.UUID, playlist_id: uuid.UUID, username: str
    ) -> None:
        """The owner removes anyone; a collaborator only themselves. Who asks is settled before
        the username is looked up, so that no one else learns which usernames exist."""
        playlist = visible(await self.playlists.lock(playlist_id, user_id), user_id)
        refused = NotOwner("Only the playlist's owner removes collaborators (or they leave).")
        owner = playlist.owner_id == user_id
        if not (owner or playlist.collaborator):
            raise refused
        collaborator = await self.members.user_named(username)
        if not owner and collaborator != user_id:
            raise refused
        if collaborator is None:
            raise UserNotFound()
        if await self.members.remove_collaborator(playlist_id, collaborator):
            await self.playlists.renew(playlist_id)
        await self.uow.commit()
