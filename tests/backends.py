"""Backends that fail, for the tests of what the service does then; and what the app asks of
its database. Real sockets and real servers: nothing here mocks PostgreSQL or Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event, text

from spotify_api.core.reads import PostgresReads

#: Nobody listens on port 1: a connection is refused at once.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
UNREACHABLE_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:1/x"


@asynccontextmanager
async def black_hole() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never answers; yields its port."""
    writers: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        while await reader.read(65536):
            pass  # read and ignore, until the client goes away

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for writer in writers:
            writer.close()
        await server.wait_closed()


@asynccontextmanager
async def slow_link(port: int, delay: float) -> AsyncIterator[int]:
    """A TCP relay to 127.0.0.1:`port` that holds every chunk for `delay` seconds: a server
    that is up but late, as Redis is on a loaded host. Yields the relay's port."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                await asyncio.sleep(delay)
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    tasks: set[asyncio.Task[None]] = set()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)
        for task in (pipe(reader, upstream_writer), pipe(upstream_reader, writer)):
            tasks.add(asyncio.create_task(task))

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@contextmanager
def after_statements(app: FastAPI, observe: Callable[[str], None]) -> Iterator[None]:
    """Call `observe(sql)` after each statement the app executes meanwhile: through its engine,
    and on PostgreSQL through the read pool too (`core.reads.PostgresReads`, which goes to
    asyncpg directly)."""

    def after(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        observe(statement)

    engine = app.state.engine.sync_engine
    reads = app.state.reads
    observers = reads.observers if isinstance(reads, PostgresReads) else []
    observers.append(observe)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", after)
        observers.remove(observe)


@contextmanager
def counting(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the app executes meanwhile (`after_statements`)."""
    statements: list[str] = []
    with after_statements(app, statements.append):
        yield statements


async def drop_read_pool_connections(app: FastAPI) -> int:
    """Terminate every server process of the app's read pool (PostgreSQL), as a database restart
    or a proxy would, each gone when this returns (up to 5 s): the pool does not know yet. How
    many there were."""
    async with app.state.engine.begin() as connection:
        # Waiting for them may outlast the app's short statement time-out on a busy machine.
        await connection.execute(text("SET LOCAL statement_timeout = '30s'"))
        dropped = await connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                "WHERE application_name = 'spotify-api reads' AND datname = current_database()"
            )
        )
    return int(dropped or 0)
