"""The library's writes, in the request's transaction (`core.transactions`), a few statements
each, taking their locks in one order that every writer shares (no deadlock between them):

1. the catalog rows named (PostgreSQL: `FOR KEY SHARE`, so that they cannot be deleted before
   the commit; artists `FOR NO KEY UPDATE`, as the trigger writes their follower count), in
   id order. A catalog delete locks its rows first too (`catalog.curation`).
2. the user's `library_totals` row, made if missing (an upsert that locks it): the user's
   library changes one at a time.
3. the library's rows, inserted (`ON CONFLICT DO NOTHING`: a saved item keeps its
   `added_at`) or deleted, in id order; the triggers move the counters.

A removal locks the catalog rows too: a catalog delete holds its rows, then its cascade deletes
library rows and, through the triggers, writes the totals; a removal that took the totals first
would wait for those rows while the delete waits for its totals.

On SQLite a transaction's first write takes the database's write lock, which serialises every
writer: there the totals' upsert comes first, so that what is read after it is current.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, Uuid, bindparam, delete, select, true
from sqlalchemy.sql.dml import Delete, Insert

from spotify_api.core.db import UtcDateTime, engine_insert
from spotify_api.core.id_lists import among, id_list, listed
from spotify_api.core.transactions import Statements
from spotify_api.library.kinds import Kind, totals

USER = bindparam("user", type_=Uuid())
NOW = bindparam("now", type_=UtcDateTime())


@cache
def _lock_catalog(kind: Kind, postgres: bool) -> Select[Any]:
    query = select(kind.catalog.c.id).where(among(kind.catalog.c.id, postgres))
    if postgres:
        query = query.order_by(kind.catalog.c.id).with_for_update(
            read=kind.key_share, key_share=True
        )
    return query


@cache
def _lock_totals(postgres: bool) -> Insert:
    statement = engine_insert(totals, postgres).values(user_id=USER)
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=[totals.c.user_id], set_={"user_id": statement.excluded.user_id}
    )


@cache
def _insert(kind: Kind, postgres: bool) -> Insert:
    ids = listed(postgres).subquery("ids")
    # WHERE true: SQLite would read the ON of ON CONFLICT as the join's after a bare FROM.
    rows = select(USER, ids.c.value, NOW).where(true())
    statement = engine_insert(kind.table, postgres).from_select(
        [kind.user_id, kind.item_id, kind.table.c.added_at], rows
    )
    return statement.on_conflict_do_nothing()  # type: ignore[no-any-return]


@cache
def _delete(kind: Kind, postgres: bool) -> Delete:
    return delete(kind.table).where(kind.user_id == USER, among(kind.item_id, postgres))


class LibraryRepository:
    def __init__(self, statements: Statements) -> None:
        self.db = statements
        self.postgres = statements.dialect == "postgresql"

    def _ids(self, ids: Sequence[uuid.UUID]) -> Any:
        return id_list(sorted(ids), self.postgres)

    async def lock(self, kind: Kind, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> set[Any]:
        """Take the locks of a change of these items (in the order above); the ids of those
        that are in the catalog."""
        listed_ids = self._ids(ids)
        if not self.postgres:
            await self.db.fetch(_lock_totals(False), {"user": user_id})
        rows = await self.db.fetch(_lock_catalog(kind, self.postgres), {"ids": listed_ids})
        if self.postgres:
            await self.db.fetch(_lock_totals(True), {"user": user_id})
        return {value if isinstance(value, uuid.UUID) else uuid.UUID(value) for (value,) in rows}

    async def save(
        self, kind: Kind, user_id: uuid.UUID, ids: Sequence[uuid.UUID], now: datetime
    ) -> None:
        params = {"user": user_id, "ids": self._ids(ids), "now": now}
        await self.db.fetch(_insert(kind, self.postgres), params)

    async def remove(self, kind: Kind, user_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        params = {"user": user_id, "ids": self._ids(ids)}
        await self.db.fetch(_delete(kind, self.postgres), params)
