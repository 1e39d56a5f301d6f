"""The table of idempotency records, and its queries: claim a key, store its answer, purge.

One row per (user, SHA-256 of the key). A request claims its key with an INSERT in its own
transaction, before it changes anything; the answer is written into that row just before the
change commits (see `core.idempotency`). Until then the row is the transaction's alone, so a
committed row always holds an answer. A row past `expires_at` counts as absent: a claim takes it
over, and the purge deletes it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    CursorResult,
    Executable,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Uuid,
    bindparam,
    delete,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from spotify_api.core.db import Base, UtcDateTime, dialect_of
from spotify_api.core.transactions import Statements


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (Index("ix_idempotency_records_expires_at", "expires_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # SHA-256 of method, path and body: what makes a retry the same request.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # The answer; NULL only while the claiming transaction runs, which alone sees the row then.
    status: Mapped[int | None] = mapped_column(Integer())
    media_type: Mapped[str | None] = mapped_column(String(255))
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True))
    body: Mapped[bytes | None] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    fingerprint: str
    status: int | None
    media_type: str | None
    headers: dict[str, str]
    body: bytes


_COLUMNS = ("fingerprint", "status", "media_type", "headers", "body", "created_at", "expires_at")
_records = cast(Table, IdempotencyRecord.__table__)
# Named apart from the columns: SQLAlchemy keeps a column's name for its own VALUES/SET binds.
_ROW = (_records.c.user_id == bindparam("uid", type_=Uuid())) & (
    _records.c.key_hash == bindparam("key", type_=String())
)


def _sqlite_claim() -> Executable:
    """INSERT the claim, or take over an expired row; returns the key if it claimed."""
    insert = sqlite.insert
    values = {name: bindparam(f"new_{name}", type_=_records.c[name].type) for name in _COLUMNS}
    new = insert(_records).values(
        user_id=bindparam("uid", type_=Uuid()), key_hash=bindparam("key", type_=String()), **values
    )
    return new.on_conflict_do_update(
        index_elements=[_records.c.user_id, _records.c.key_hash],
        set_={name: new.excluded[name] for name in _COLUMNS},
        where=_records.c.expires_at <= bindparam("new_created_at", type_=UtcDateTime()),
    ).returning(_records.c.key_hash)


_SQLITE_CLAIM = _sqlite_claim()
_STORED = select(
    _records.c.fingerprint,
    _records.c.status,
    _records.c.media_type,
    _records.c.headers,
    _records.c.body,
).where(_ROW)
# PostgreSQL: the claim waits for a concurrent claim of the key for `:wait` at most, and then
# gives the transaction back its own lock_timeout, in the one statement: the CTE sets the wait
# before the row is inserted (the INSERT reads its row from it), RETURNING restores the
# connection's value (RESET's) once the row is in. A claim that found a live row returns none;
# the look-up of that row restores the value instead. Past the wait the statement fails
# (55P03) and the transaction ends with it.
_POSTGRES_CLAIM = text(
    "WITH wait AS MATERIALIZED (SELECT set_config('lock_timeout', :wait, true)) "
    "INSERT INTO idempotency_records (user_id, key_hash, fingerprint, status, media_type, "
    "headers, body, created_at, expires_at) "
    "SELECT CAST(:uid AS uuid), CAST(:key AS varchar), CAST(:new_fingerprint AS varchar), "
    "NULL, NULL, NULL, NULL, CAST(:new_created_at AS timestamptz), "
    "CAST(:new_expires_at AS timestamptz) FROM wait "
    "ON CONFLICT (user_id, key_hash) DO UPDATE SET fingerprint = excluded.fingerprint, "
    "status = NULL, media_type = NULL, headers = NULL, body = NULL, "
    "created_at = excluded.created_at, expires_at = excluded.expires_at "
    "WHERE idempotency_records.expires_at <= excluded.created_at "
    "RETURNING key_hash, set_config('lock_timeout', "
    "(SELECT reset_val FROM pg_settings WHERE name = 'lock_timeout'), true)"
)
_POSTGRES_STORED = text(
    "SELECT fingerprint, status, media_type, headers, body, set_config('lock_timeout', "
    "(SELECT reset_val FROM pg_settings WHERE name = 'lock_timeout'), true) "
    "FROM idempotency_records "
    "WHERE user_id = CAST(:uid AS uuid) AND key_hash = CAST(:key AS varchar)"
)
_STORE = (
    update(_records)
    .where(_ROW)
    .values(
        status=bindparam("new_status", type_=Integer()),
        media_type=bindparam("new_media_type", type_=String()),
        headers=bindparam("new_headers", type_=_records.c.headers.type),
        body=bindparam("new_body", type_=LargeBinary()),
    )
)


class IdempotencyRecords:
    def __init__(self, statements: Statements) -> None:
        self.statements = statements

    async def claim(
        self,
        user_id: uuid.UUID,
        key_hash: str,
        fingerprint: str,
        now: datetime,
        expires_at: datetime,
        wait_seconds: float,
    ) -> StoredAnswer | None:
        """Claim the key for this transaction (None), or the live answer that holds it already.

        An INSERT, or an UPDATE of an expired row (ON CONFLICT … DO UPDATE … WHERE expired).
        On PostgreSQL, when another transaction has claimed the key and not ended, the INSERT
        waits on the unique index until it ends, for `wait_seconds` at most (lock_timeout; past
        it, SQLSTATE 55P03). On SQLite this INSERT is the transaction's first write, which
        waits for the database's one write lock, so the other has always ended by then.
        """
        row = {"uid": user_id, "key": key_hash}
        answer = {"status": None, "media_type": None, "headers": None, "body": None}
        values = {"fingerprint": fingerprint, **answer, "created_at": now, "expires_at": expires_at}
        params = {**row, **{f"new_{name}": value for name, value in values.items()}}
        fetch = self.statements.fetch
        if self.statements.dialect == "postgresql":
            wait = f"{max(int(wait_seconds * 1000), 1)}ms"
            if await fetch(_POSTGRES_CLAIM, {**params, "wait": wait}):
                return None
            found = (await fetch(_POSTGRES_STORED, row))[0]
        else:
            if await fetch(_SQLITE_CLAIM, params):
                return None
            found = (await fetch(_STORED, row))[0]
        return StoredAnswer(found[0], found[1], found[2], found[3] or {}, found[4] or b"")

    async def store(
        self,
        user_id: uuid.UUID,
        key_hash: str,
        status: int,
        media_type: str | None,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        """Write the answer into the row this transaction claimed."""
        params = {"uid": user_id, "key": key_hash, "new_status": status}
        params |= {"new_media_type": media_type, "new_headers": headers, "new_body": body}
        await self.statements.fetch(_STORE, params)


async def purge_expired(session: AsyncSession, now: datetime, batch: int) -> int:
    """Delete up to `batch` expired rows; how many. On PostgreSQL, rows that a claim is taking
    over right now are skipped (SKIP LOCKED), so a purge never waits for requests."""
    expired = (
        select(IdempotencyRecord.user_id, IdempotencyRecord.key_hash)
        .where(IdempotencyRecord.expires_at <= now)
        .limit(batch)
    )
    if await dialect_of(session) == "postgresql":
        expired = expired.with_for_update(skip_locked=True)
    key = tuple_(IdempotencyRecord.user_id, IdempotencyRecord.key_hash)
    result = await session.execute(
        delete(IdempotencyRecord)
        .where(key.in_(expired))
        .execution_options(synchronize_session=False)
    )
    return int(cast("CursorResult[Any]", result).rowcount)
