"""Read-only statements on the shortest path the driver allows, returning plain rows.

The hot read paths (the catalog's renders, the playlist page, token-only reads) run
statements that were built once with SQLAlchemy Core and need neither the ORM nor a
transaction. On PostgreSQL they go straight to asyncpg: each statement is compiled once to
its SQL, which asyncpg prepares once per connection, on a pool of its own (a checkout from it
costs a few microseconds; SQLAlchemy's asyncio pool costs a hundred, through greenlets). The
connections run in autocommit (no BEGIN, no ROLLBACK), with the same time-outs as the
engine's, and the pool resets nothing when a connection comes back: these statements leave no
state behind. On SQLite the same statements run through the engine, in autocommit.

No connection is pinged before it is lent. One that died while it sat in the pool (the database
restarted, a proxy dropped it) fails its first statement; a read changed nothing, so it simply
runs again on a fresh connection. Past that, a database that cannot answer is a 503.

The playlists' changes borrow this pool's connections for their transactions
(`core.transactions`): a connection that comes back inside a transaction (its request was cut
off) is rolled back before it is lent again; every other one is lent as it is.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
from sqlalchemy import ClauseElement, Executable
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler

from spotify_api.core.db import read_only
from spotify_api.core.errors import UNAVAILABLE_SQLSTATES, ServiceUnavailable
from spotify_api.settings import Settings

Rows = Sequence[Sequence[Any]]
_COMPILED_KEPT = 512
#: Tries of a read (or a transaction's start) that meets dead connections: the first finding
#: one replaces the pool's others, but one may be met as that happens.
DEAD_CONNECTION_ATTEMPTS = 3

# A connection that the server closed fails in one of these ways, depending on whether the
# driver has seen the close yet (InternalClientError: the server's last words arrived while
# the connection was idle, and the next statement finds it in a state it cannot leave).
DEAD_CONNECTION = (
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    ConnectionError,
)


# The server ending this connection (pg_terminate_backend, a shutdown): its last words, which
# arrive instead of an answer when the driver has not seen the close yet.
_TERMINATING = frozenset({"57P01", "57P02"})


def is_dead_connection(error: BaseException) -> bool:
    """Whether `error` says the connection is gone. asyncpg's client-side refusal of an argument
    (its DataError: an InterfaceError and a ValueError) leaves the connection as it was."""
    if isinstance(error, DEAD_CONNECTION) and not isinstance(error, ValueError):
        return True
    return isinstance(error, asyncpg.PostgresError) and error.sqlstate in _TERMINATING


class ReadDatabase(Protocol):
    dialect: str

    async def fetch(self, statement: Executable, params: Mapping[str, Any]) -> Rows: ...

    async def close(self) -> None: ...


class EngineReads:
    """SQLite (and any engine): the statement through SQLAlchemy, in autocommit."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = read_only(engine)
        self.dialect = engine.dialect.name

    async def fetch(self, statement: Executable, params: Mapping[str, Any]) -> Rows:
        async with self.engine.connect() as connection:
            return (await connection.execute(statement, dict(params))).all()

    async def close(self) -> None:
        """The engine is the app's: it is disposed with it."""


async def _end_transaction(connection: asyncpg.Connection) -> None:
    """What a connection needs when it comes back: nothing after a read (SELECTs in autocommit
    leave no state), a ROLLBACK after a transaction that did not end."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


async def _decode_json(connection: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement's SQL for asyncpg ($1, $2, …), and where each argument comes from: the
    caller's parameters by name, or a value bound in the statement (a literal such as the 0 of
    `coalesce(sum(…), 0)`)."""

    statement: Executable
    sql: str
    names: tuple[str, ...]
    bound: Mapping[str, Any]

    @classmethod
    def of(cls, statement: Executable, dialect: Dialect) -> _Compiled:
        if not isinstance(statement, ClauseElement):
            raise TypeError(f"not a statement: {statement!r}")
        compiled = statement.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler) or compiled.literal_execute_params:
            raise TypeError(f"not a plain SQL statement: {statement!r}")
        bound = {
            name: bind.value
            for name, bind in compiled.binds.items()
            if not bind.required and bind.callable is None
        }
        return cls(statement, str(compiled), tuple(compiled.positiontup or ()), bound)

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        bound = self.bound
        return [params[name] if name in params else bound[name] for name in self.names]


class PostgresReads:
    dialect = "postgresql"

    def __init__(self, settings: Settings, engine: AsyncEngine) -> None:
        self.settings = settings
        self.sql_dialect = engine.dialect
        self._compiled: OrderedDict[int, _Compiled] = OrderedDict()
        self._pool: asyncpg.Pool | None = None
        #: Called with each statement's SQL once its rows are in (as SQLAlchemy's
        #: `after_cursor_execute` is for the engine's statements).
        self.observers: list[Callable[[str], None]] = []

    async def start(self) -> None:
        settings = self.settings
        url = settings.database.set(drivername="postgresql")
        statement_ms = int(settings.db_statement_timeout_seconds * 1000)
        self._pool = await asyncpg.create_pool(
            url.render_as_string(hide_password=False),
            min_size=0,
            max_size=settings.db_pool_size,
            max_inactive_connection_lifetime=settings.db_pool_recycle_seconds,
            reset=_end_transaction,
            init=_decode_json,
            timeout=settings.db_connect_timeout_seconds,
            command_timeout=settings.db_statement_timeout_seconds + 0.5,
            server_settings={
                "application_name": "spotify-api reads",
                "statement_timeout": str(statement_ms),
                # As the engine's (core.db): for the transactions that borrow these connections.
                "lock_timeout": str(statement_ms),
                "idle_in_transaction_session_timeout": "60000",
            },
        )

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("PostgresReads.start() was not awaited")
        return self._pool

    def compiled(self, statement: Executable) -> _Compiled:
        """The statement compiled for asyncpg on first use. Hot statements are built once
        (module constants, or one per shape of a list query); a rare one built for one call
        (a playlist's renumbering) is compiled and soon forgotten: the most recently used
        `_COMPILED_KEPT` are kept, each with its statement, so that its id cannot be reused by
        another while it is."""
        key = id(statement)
        found = self._compiled.get(key)
        if found is None or found.statement is not statement:
            found = _Compiled.of(statement, self.sql_dialect)
            self._compiled[key] = found
            if len(self._compiled) > _COMPILED_KEPT:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(key)
        return found

    async def _expire(self, connection: asyncpg.Connection) -> None:
        """A connection found dead is never lent again, nor, most likely, are its idle peers
        alive (the database restarted, a proxy dropped them): each is replaced before it is
        lent next."""
        connection.terminate()
        await self.pool.expire_connections()

    async def dead(self, connection: asyncpg.Connection) -> None:
        """`_expire` for a connection checked out by hand (`core.transactions`), given back."""
        await self._expire(connection)
        await self.pool.release(connection)

    def observe(self, sql: str) -> None:
        for observe in self.observers:
            observe(sql)

    async def fetch(self, statement: Executable, params: Mapping[str, Any]) -> Rows:
        compiled = self.compiled(statement)
        sql, args = compiled.sql, compiled.arguments(params)
        timeout = self.settings.db_pool_timeout_seconds
        for attempt in range(1, DEAD_CONNECTION_ATTEMPTS + 1):
            try:
                async with self.pool.acquire(timeout=timeout) as connection:
                    try:
                        rows: Rows = await connection.fetch(sql, *args)
                    except Exception as error:
                        if is_dead_connection(error):
                            await self._expire(connection)
                        raise
                self.observe(sql)
                return rows
            except Exception as error:
                if is_dead_connection(error):
                    if attempt == DEAD_CONNECTION_ATTEMPTS:
                        raise self.unavailable() from error
                    continue
                if isinstance(error, TimeoutError):  # no free connection, or a statement too long
                    raise self.unavailable() from error
                if isinstance(error, asyncpg.PostgresError) and (
                    error.sqlstate in UNAVAILABLE_SQLSTATES
                ):
                    raise self.unavailable() from error
                raise
        raise AssertionError("unreachable")

    def unavailable(self) -> ServiceUnavailable:
        return ServiceUnavailable(retry_after=self.settings.retry_after_seconds)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()


async def open_reads(settings: Settings, engine: AsyncEngine) -> ReadDatabase:
    if engine.dialect.name == "postgresql":
        reads = PostgresReads(settings, engine)
        await reads.start()
        return reads
    return EngineReads(engine)
