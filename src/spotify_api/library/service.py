"""The library's use cases: save, remove, page and check items of one kind, for one user.

A change takes its locks (`repository`), checks that every id names an item of the catalog
(else 404 naming the first missing, in the order asked, and nothing is saved), writes and
commits before returning. Reads need no transaction (`reads`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from spotify_api.core.db import utc_now
from spotify_api.core.keyset import PageQuery
from spotify_api.core.reads import ReadDatabase
from spotify_api.core.unit_of_work import UnitOfWork
from spotify_api.library.kinds import Kind
from spotify_api.library.reads import LibraryPage, LibraryReads
from spotify_api.library.repository import LibraryRepository


class LibraryService:
    def __init__(self, uow: UnitOfWork, read_database: ReadDatabase) -> None:
        self.uow = uow
        self.reads = LibraryReads(read_database)
        self.library = LibraryRepository(uow)

    async def page(self, kind: Kind, user_id: uuid.UUID, page: PageQuery) -> LibraryPage:
        return await self.reads.page(kind, user_id, page)

    async def contains(
        self, kind: Kind, user_id: uuid.UUID, ids: Sequence[uuid.UUID]
    ) -> list[bool]:
        return await self.reads.contains(kind, user_id, ids)

    async def save(self, kind: Kind, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        """Save (follow) these items; those saved already keep their `added_at`."""
        distinct = list(dict.fromkeys(ids))
        found = await self.library.lock(kind, user_id, distinct)
        missing = next((item_id for item_id in distinct if item_id not in found), None)
        if missing is not None:
            raise kind.not_found(f"No {kind.item} with id {missing}.")
        await self.library.save(kind, user_id, distinct, utc_now())
        await self.uow.commit()

    async def remove(self, kind: Kind, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        """Remove (unfollow) these items; ids not in the library are ignored."""
        distinct = list(dict.fromkeys(ids))
        await self.library.lock(kind, user_id, distinct)
        await self.library.remove(kind, user_id, distinct)
        await self.uow.commit()
