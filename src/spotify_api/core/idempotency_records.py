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
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    delete,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from spotify_api.core.db import Base, UtcDateTime, dialect_of


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


class IdempotencyRecords:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def _row(user_id: uuid.UUID, key_hash: str) -> Any:
        return (IdempotencyRecord.user_id == user_id) & (IdempotencyRecord.key_hash == key_hash)

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
        values = {
            "fingerprint": fingerprint,
            "status": None,
            "media_type": None,
            "headers": None,
            "body": None,
            "created_at": now,
            "expires_at": expires_at,
        }
        dialect = await dialect_of(self.session)
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        new = insert(IdempotencyRecord).values(user_id=user_id, key_hash=key_hash, **values)
        statement = new.on_conflict_do_update(
            index_elements=[IdempotencyRecord.user_id, IdempotencyRecord.key_hash],
            set_={name: new.excluded[name] for name in values},
            where=IdempotencyRecord.expires_at <= now,
        ).returning(IdempotencyRecord.key_hash)
        if dialect == "postgresql":
            wait = f"{max(int(wait_seconds * 1000), 1)}ms"
            await self.session.execute(
                text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": wait}
            )
            claimed = (await self.session.execute(statement)).first()
            await self.session.execute(text("RESET lock_timeout"))  # the connection's own
        else:
            claimed = (await self.session.execute(statement)).first()
        if claimed is not None:
            return None
        query = select(
            IdempotencyRecord.fingerprint,
            IdempotencyRecord.status,
            IdempotencyRecord.media_type,
            IdempotencyRecord.headers,
            IdempotencyRecord.body,
        ).where(self._row(user_id, key_hash))
        row = (await self.session.execute(query)).one()
        return StoredAnswer(row[0], row[1], row[2], row[3] or {}, row[4] or b"")

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
        await self.session.execute(
            update(IdempotencyRecord)
            .where(self._row(user_id, key_hash))
            .values(status=status, media_type=media_type, headers=headers, body=body)
            .execution_options(synchronize_session=False)
        )

    async def purge_expired(self, now: datetime, batch: int) -> int:
        """Delete up to `batch` expired rows; how many. On PostgreSQL, rows that a claim is
        taking over right now are skipped (SKIP LOCKED), so a purge never waits for requests."""
        expired = (
            select(IdempotencyRecord.user_id, IdempotencyRecord.key_hash)
            .where(IdempotencyRecord.expires_at <= now)
            .limit(batch)
        )
        if await dialect_of(self.session) == "postgresql":
            expired = expired.with_for_update(skip_locked=True)
        key = tuple_(IdempotencyRecord.user_id, IdempotencyRecord.key_hash)
        result = await self.session.execute(
            delete(IdempotencyRecord)
            .where(key.in_(expired))
            .execution_options(synchronize_session=False)
        )
        return int(cast("CursorResult[Any]", result).rowcount)
