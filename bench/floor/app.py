"""The floor's HTTP side: a bare ASGI callable (no framework, no middleware), its lifespan (the
asyncpg pool), and the routing of each request to a read (reads.py) or a change (writes.py).

Errors are the service's problem bodies, `{"status": …, "detail": …}`; a change answers with
its new snapshot as ETag."""

from __future__ import annotations

import os
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

import asyncpg
import orjson

from spotify_api.core.paging import CursorCodec

from .common import Problem, parse_uuid
from .reads import Reads
from .writes import Writes

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Answer = tuple[int, bytes, list[tuple[bytes, bytes]]]

POOL_SIZE = int(os.environ.get("BENCH_FLOOR_POOL", "20"))
JSON = orjson.OPT_UTC_Z  # aware UTC datetimes as Pydantic writes them: …T12:00:00.123456Z


async def _init(connection: Any) -> None:
    # JSON and UUIDs as PostgreSQL's text: orjson writes a str as it is (asyncpg's own UUID
    # type is one orjson does not know).
    await connection.set_type_codec(
        "jsonb", encoder=orjson.dumps, decoder=orjson.loads, schema="pg_catalog", format="text"
    )
    await connection.set_type_codec(
        "uuid", encoder=str, decoder=str, schema="pg_catalog", format="text"
    )


class Floor:
    def __init__(self) -> None:
        self.pool: Any = None
        self.codec = CursorCodec(os.environ.get("SECRET_KEY", ""))
        user = os.environ.get("BENCH_FLOOR_USER_ID")
        self.user = uuid.UUID(user) if user else None
        self.reads: Reads | None = None
        self.writes: Writes | None = None

    async def start(self) -> None:
        dsn = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
        self.pool = await asyncpg.create_pool(dsn, min_size=2, max_size=POOL_SIZE, init=_init)
        self.reads = Reads(self.pool, self.codec, self.user)
        self.writes = Writes(self.pool)

    async def stop(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    async def answer(self, method: str, path: str, query: dict[str, str], body: bytes) -> Answer:
        if self.reads is None or self.writes is None:
            raise Problem(503, "not started")
        parts = path.strip("/").split("/")
        if method == "GET":
            result = await self._get(self.reads, parts, query, path)
            return 200, orjson.dumps(result, option=JSON), []
        if method == "POST" and len(parts) == 3 and parts[0] == "playlists":
            change = {
                "add-song": self.writes.add_song,
                "remove-song": self.writes.remove_song,
                "reorder": self.writes.reorder,
            }.get(parts[2])
            if change is None:
                raise Problem(404, "no such route")
            result = await change(parse_uuid(parts[1]), orjson.loads(body))
            status = 201 if parts[2] == "add-song" else 200
            etag = f'"{result["snapshot_id"]}"'.encode()
            return status, orjson.dumps(result), [(b"etag", etag)]
        raise Problem(405 if parts[0] in ("songs", "playlists") else 404, "no such route")

    @staticmethod
    async def _get(reads: Reads, parts: list[str], query: dict[str, str], path: str) -> Any:
        match parts:
            case ["health"]:
                return {"status": "ok"}
            case ["me"]:
                return await reads.me()
            case ["songs"]:
                return await reads.songs(query)
            case ["songs", song_id]:
                return await reads.song(parse_uuid(song_id))
            case ["albums", album_id]:
                return await reads.album(parse_uuid(album_id))
            case ["artists", artist_id]:
                return await reads.artist(parse_uuid(artist_id))
            case ["playlists", playlist_id]:
                return await reads.playlist(parse_uuid(playlist_id))
            case ["playlists", playlist_id, "songs"]:
                return await reads.items(parse_uuid(playlist_id), query, path, built_by_pg=False)
            case ["pg", "playlists", playlist_id, "songs"]:
                return await reads.items(parse_uuid(playlist_id), query, path, built_by_pg=True)
        raise Problem(404, "no such route")


FLOOR = Floor()


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await FLOOR.start()
            except Exception as error:  # reported to the server, which exits
                await send({"type": "lifespan.startup.failed", "message": repr(error)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await FLOOR.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    body = b""
    if scope["method"] == "POST":
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
    query = dict(parse_qsl(scope["query_string"].decode("latin-1")))
    try:
        status, content, headers = await FLOOR.answer(scope["method"], scope["path"], query, body)
    except Problem as problem:
        status, headers = problem.status, []
        content = orjson.dumps({"status": problem.status, "detail": str(problem)})
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError) as error:
        status, headers = 422, []
        content = orjson.dumps({"status": 422, "detail": repr(error)})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})
