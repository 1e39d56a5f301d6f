"""The database: declarative base, engine, the per-request session and its one alias."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Request
from sqlalchemy import ColumnElement, CursorResult, DateTime, MetaData, Table, event, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from spotify_api.settings import Settings

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UuidPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class Timestamps:
    """`created_at`/`updated_at` kept by the repository layer, never by callers."""

    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, server_default=func.current_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.current_timestamp()
    )


def create_engine(settings: Settings) -> AsyncEngine:
    """An engine whose every wait is bounded, so a hung database becomes a quick 503."""
    if settings.is_sqlite:
        engine = create_async_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_seconds,
            pool_recycle=settings.db_pool_recycle_seconds,
            # How long a writer waits for SQLite's lock before giving up.
            connect_args={"timeout": settings.db_statement_timeout_seconds},
        )
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        return engine
    statement_ms = int(settings.db_statement_timeout_seconds * 1000)
    # No pre-ping: it is a round trip on every checkout. Connections are recycled by age
    # instead, and a read that finds its connection dead is retried once on a fresh one
    # (`core.reads`); a write that does answers 503 and the pool replaces every connection
    # opened before the failure.
    return create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=settings.db_pool_recycle_seconds,
        connect_args={
            "timeout": settings.db_connect_timeout_seconds,
            "command_timeout": settings.db_statement_timeout_seconds + 0.5,
            "server_settings": {
                "application_name": "spotify-api",
                "statement_timeout": str(statement_ms),
                "lock_timeout": str(statement_ms),
                "idle_in_transaction_session_timeout": "60000",
            },
        },
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: Ids go to the database as bound parameters, of which a statement may have about 32,000.
IDS_PER_STATEMENT = 5_000


def in_chunks(ids: Sequence[T], size: int = IDS_PER_STATEMENT) -> Iterator[Sequence[T]]:
    """`ids` in slices small enough for one statement's bound parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


async def dialect_of(session: AsyncSession) -> str:
    """ "postgresql" or "sqlite": where a repository's SQL must differ (locks, upserts)."""
    return (await session.connection()).dialect.name


async def take_sqlite_write_lock(
    session: AsyncSession, column: InstrumentedAttribute[Any], where: ColumnElement[bool]
) -> int:
    """SQLite's stand-in for locking rows: it has one writer at a time, and a write as a
    transaction's first statement takes the database's write lock (waiting for it up to the
    busy time-out), so that everything the transaction reads after it is current. The write
    sets `column` to itself on the rows `where` selects; how many rows there were. Give the
    column that has an `onupdate` (`updated_at`), or the write would change it."""
    result = await session.execute(
        update(column.class_)
        .where(where)
        .values({column.key: column})
        .execution_options(synchronize_session=False)
    )
    return int(cast("CursorResult[Any]", result).rowcount)


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The engine's pool in autocommit: a read sends its statements and nothing else (no
    BEGIN, no ROLLBACK when the connection goes back to the pool)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


READ_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request. Services commit before they return; this only closes it.

    Closing rolls back whatever was not committed. In current FastAPI this runs after the
    response is sent, which is why nothing here commits. A GET changes nothing, so its session
    runs in autocommit (`read_only`).
    """
    state = request.app.state
    read = request.method in READ_METHODS
    sessionmaker: async_sessionmaker[AsyncSession] = (
        state.read_sessionmaker if read else state.sessionmaker
    )
    async with sessionmaker() as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(get_session)]


def engine_insert(table: Table, postgres: bool) -> Any:
    """The engine's own INSERT of `table`, for its ON CONFLICT (PostgreSQL's or SQLite's)."""
    return (postgresql if postgres else sqlite).insert(table)
