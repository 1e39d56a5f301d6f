"""The writes of a playlist's members: its collaborators and its followers.

Each runs under the playlist row's lock (`PlaylistRepository.lock`), taken first, so that
membership changes serialise with each other and with the item changes that check membership
after the same lock. The triggers of migration c4e6a8b0d2f3 count the rows on the playlist row.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Uuid, bindparam, delete, func, select

from spotify_api.core.db import UtcDateTime, engine_insert, utc_now
from spotify_api.core.transactions import Statements
from spotify_api.playlists.ranks import PLAYLIST
from spotify_api.playlists.repository import IS_COLLABORATOR
from spotify_api.playlists.tables import collaborators, followers, users

_USER = bindparam("uid", type_=Uuid())
_NOW = bindparam("now", type_=UtcDateTime())

_USER_NAMED = select(users.c.id).where(func.lower(users.c.username) == bindparam("name"))


def _add(table: Any, since: str, postgres: bool) -> Any:
    statement = engine_insert(table, postgres).values(
        playlist_id=PLAYLIST, user_id=_USER, **{since: _NOW}
    )
    return statement.on_conflict_do_nothing().returning(table.c.user_id)


def _remove(table: Any) -> Any:
    return (
        delete(table)
        .where(table.c.playlist_id == PLAYLIST, table.c.user_id == _USER)
        .returning(table.c.user_id)
    )


_STATEMENTS = {
    postgres: {
        "follow": _add(followers, "followed_at", postgres),
        "collaborate": _add(collaborators, "added_at", postgres),
    }
    for postgres in (True, False)
}
_UNFOLLOW = _remove(followers)
_REMOVE_COLLABORATOR = _remove(collaborators)


class SharingRepository:
    def __init__(self, statements: Statements) -> None:
        self.statements = statements
        self.postgres = statements.dialect == "postgresql"

    async def _changed(self, statement: Any, playlist_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        params = {"pid": playlist_id, "uid": user_id, "now": utc_now()}
        return bool(await self.statements.fetch(statement, params))

    async def user_named(self, username: str) -> uuid.UUID | None:
        """The id of the user with this username, ignoring case."""
        found = await self.statements.fetch(_USER_NAMED, {"name": username.lower()})
        return found[0][0] if found else None

    async def follow(self, playlist_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Whether the user follows the playlist now and did not before."""
        return await self._changed(_STATEMENTS[self.postgres]["follow"], playlist_id, user_id)

    async def unfollow(self, playlist_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return await self._changed(_UNFOLLOW, playlist_id, user_id)

    async def add_collaborator(self, playlist_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Whether the user collaborates now and did not before."""
        statement = _STATEMENTS[self.postgres]["collaborate"]
        return await self._changed(statement, playlist_id, user_id)

    async def remove_collaborator(self, playlist_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        return await self._changed(_REMOVE_COLLABORATOR, playlist_id, user_id)

    async def is_collaborator(self, playlist_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        params = {"pid": playlist_id, "uid": user_id}
        return bool(await self.statements.fetch(IS_COLLABORATOR, params))
