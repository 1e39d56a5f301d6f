"""A write's transaction on the shortest path the driver allows: statements built once with
SQLAlchemy Core, sent one by one between BEGIN and COMMIT, returning plain rows.

On PostgreSQL the statements go straight to asyncpg, on a connection borrowed from the read
pool (`core.reads.PostgresReads`, which compiles each statement once): no ORM, no flush, no
greenlet hop per statement, so that a playlist change costs its round trips and little more.
The connection is taken, and BEGIN sent, with the first statement; COMMIT or ROLLBACK gives it
back. A connection found dead at BEGIN or at that first statement (it died in the pool) is
dropped and both run again on another (a few times at most), which is safe: nothing was
committed and no row was seen.
A connection lost later is an error of the write (a 503, see `core.errors`), never retried:
the service has acted on what it read. On SQLite the same statements run through a session of
the engine.

The driver's errors are not translated here: `core.errors` reads their SQLSTATE whichever
driver raised them, and answers those of a database that cannot answer now with 503.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, cast

import asyncpg
from sqlalchemy import CursorResult, Executable
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from spotify_api.core.reads import (
    DEAD_CONNECTION_ATTEMPTS,
    PostgresReads,
    ReadDatabase,
    Rows,
    is_dead_connection,
)


class Statements(Protocol):
    """Where a repository's statements run: inside one transaction."""

    dialect: str

    async def fetch(self, statement: Executable, params: Mapping[str, Any]) -> Rows:
        """The statement's rows (none for a statement that returns none)."""
        ...


class Transaction(Statements, Protocol):
    async def commit(self) -> None: ...

    async def rollback(self) -> None:
        """End the transaction if it began, changing nothing; safe to call again."""
        ...


TransactionFactory = Callable[[], Transaction]


class PostgresTransaction:
    dialect = "postgresql"

    def __init__(self, reads: PostgresReads) -> None:
        self.reads = reads
        self._connection: asyncpg.Connection | None = None

    async def _connect(self) -> asyncpg.Connection:
        timeout = self.reads.settings.db_pool_timeout_seconds
        try:
            return await self.reads.pool.acquire(timeout=timeout)
        except TimeoutError as error:  # no free connection in time
            raise self.reads.unavailable() from error

    async def fetch(self, statement: Executable, params: Mapping[str, Any]) -> Rows:
        compiled = self.reads.compiled(statement)
        args = compiled.arguments(params)
        if self._connection is not None:
            rows: Rows = await self._connection.fetch(compiled.sql, *args)
        else:
            rows = await self._begin_with(compiled.sql, args)
        self.reads.observe(compiled.sql)
        return rows

    async def _begin_with(self, sql: str, args: list[Any]) -> Rows:
        """BEGIN and the transaction's first statement, on a connection of the pool. If the
        connection turns out dead, nothing was committed and nobody saw a row: both run again
        on a fresh connection (the pool's other idle ones are replaced too, see
        `PostgresReads.dead`)."""
        for attempt in range(1, DEAD_CONNECTION_ATTEMPTS + 1):
            connection = await self._connect()
            try:
                await connection.execute("BEGIN")
                rows: Rows = await connection.fetch(sql, *args)
            except Exception as error:
                if not is_dead_connection(error):
                    await self._release(connection)
                    raise
                await self.reads.dead(connection)
                if attempt == DEAD_CONNECTION_ATTEMPTS:
                    raise self.reads.unavailable() from error
                continue
            except BaseException:
                await self._release(connection)
                raise
            self._connection = connection
            return rows
        raise AssertionError("unreachable")

    async def _release(self, connection: asyncpg.Connection) -> None:
        """Back to the pool: one still in its transaction is rolled back there (core.reads)."""
        await self.reads.pool.release(connection)

    async def commit(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.execute("COMMIT")
        finally:
            await self._release(connection)

    async def rollback(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.execute("ROLLBACK")
        except Exception:
            connection.terminate()
        finally:
            await self._release(connection)


class SessionTransaction:
    """SQLite (and any engine): the statements through a session, which begins with the first."""

    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    async def fetch(self, statement: Executable, params: Mapping[str, Any]) -> Rows:
        result = cast("CursorResult[Any]", await self.session.execute(statement, dict(params)))
        return result.all() if result.returns_rows else []

    async def commit(self) -> None:
        try:
            await self.session.commit()
        finally:
            await self.session.close()

    async def rollback(self) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()


def transaction_factory(
    reads: ReadDatabase, sessionmaker: async_sessionmaker[AsyncSession], dialect: str
) -> TransactionFactory:
    if isinstance(reads, PostgresReads):
        return lambda: PostgresTransaction(reads)
    return lambda: SessionTransaction(sessionmaker(), dialect)
