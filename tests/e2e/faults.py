"""Real faults for live-server tests: a Redis that dies or freezes mid-request, held row locks.

`RedisProxy` stands between the app and the real Redis, so that one test can take "its" Redis
away without touching the server other tests (and other engineers) use: `kill()` resets every
connection and refuses new ones, as a crashed Redis does; `freeze()` keeps connections open and
answers nothing, as a stopped (SIGSTOP) or partitioned Redis does; `revive()` brings it back.
What a frozen link swallowed is lost, and the link is reset when Redis comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

WAIT_GUARD_SECONDS = 20


class _Link:
    def __init__(self, client: asyncio.StreamWriter, upstream: asyncio.StreamWriter) -> None:
        self.writers = (client, upstream)
        self.frozen = False
        self.tasks: list[asyncio.Task[None]] = []

    async def pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                if not self.frozen:  # a frozen link swallows what it is sent
                    writer.write(data)
                    await writer.drain()
        self.close()

    def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for task in self.tasks:
            if task is not asyncio.current_task():
                task.cancel()


class RedisProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.state = "up"
        self.links: set[_Link] = set()
        self.port = 0

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.state == "down":
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        link = _Link(writer, up_writer)
        link.frozen = self.state == "frozen"
        self.links.add(link)
        link.tasks = [
            asyncio.create_task(link.pump(reader, up_writer)),
            asyncio.create_task(link.pump(up_reader, writer)),
        ]

    def kill(self) -> None:
        self.state = "down"
        self._reset_links()

    def freeze(self) -> None:
        self.state = "frozen"
        for link in self.links:
            link.frozen = True

    def revive(self) -> None:
        """Answer again; the links that were frozen are reset, as a restarted Redis's are."""
        self._reset_links()
        self.state = "up"

    def _reset_links(self) -> None:
        for link in self.links:
            link.close()
        self.links.clear()


@asynccontextmanager
async def redis_proxy(upstream_host: str, upstream_port: int) -> AsyncIterator[RedisProxy]:
    proxy = RedisProxy(upstream_host, upstream_port)
    server = await asyncio.start_server(proxy._accept, "127.0.0.1", 0)
    proxy.port = server.sockets[0].getsockname()[1]
    try:
        yield proxy
    finally:
        server.close()
        proxy._reset_links()
        await server.wait_closed()


async def until_waiting_for_locks(engine: AsyncEngine, count: int) -> None:
    """Return once `count` of the app's connections (its engine's and its pool's, see
    core.reads) wait for a lock (PostgreSQL)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name LIKE 'spotify-api%' AND wait_event_type = 'Lock'"
    )

    async def poll() -> None:
        async with engine.connect() as connection:
            while (await connection.scalar(query)) < count:
                await connection.rollback()
                await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), WAIT_GUARD_SECONDS)


@asynccontextmanager
async def playlist_row_locked(engine: AsyncEngine, playlist_id: str) -> AsyncIterator[None]:
    """Hold the playlist's row lock from another connection until the block ends (PostgreSQL):
    whatever changes the playlist waits inside its own transaction meanwhile."""
    async with engine.connect() as connection:
        await connection.execute(
            text("SELECT id FROM playlists WHERE id = :id FOR UPDATE"),
            {"id": uuid.UUID(playlist_id)},
        )
        try:
            yield
        finally:
            await connection.rollback()
