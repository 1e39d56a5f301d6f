"""The floor of bench/catalog.py: the service's bodies at the physical limit of one query each.

A bare ASGI callable (no framework, no middleware) on an asyncpg pool and orjson, reading the
same rows of the same database as the service and answering the same JSON (the harness checks
it, parsed, against the service's before it measures):

    GET  /songs/{id}                        a song with its album and artists in credit order
    GET  /albums/{id}                       an album with its artist, song count and songs
    GET  /artists/{id}                      an artist with its albums, newest release first
    GET  /songs?limit=N&offset=M            a page of songs by title, `next` signed as the
                                            service signs it (`spotify_api.core.paging`,
                                            the same SECRET_KEY)
    GET  /playlists/{id}                    a playlist with its owner and total duration
    GET  /playlists/{id}/songs?limit&offset a page of a playlist's items with their songs
    GET  /pg/playlists/{id}/songs?…         the same page, its items' JSON built by PostgreSQL
                                            (json_build_object / json_agg)
    GET  /me                                the benchmark user (BENCH_FLOOR_USER_ID)
    POST /playlists/{id}/add-song           append, insert at 0 or between two neighbours
    POST /playlists/{id}/remove-song        the item at `position`, or every occurrence
    POST /playlists/{id}/reorder            a block moved into the gap at its destination
    GET  /health                            200 once the pool is ready

Each read is one statement, prepared once per connection (asyncpg's statement cache). Each
change is one transaction: the playlist's row locked FOR UPDATE, then one combined statement
(the items and the playlist's count and snapshot together), with the service's rank scheme
(see src/spotify_api/playlists/repository.py): an append takes the last rank + 2^32, an insert
at the front the first rank - 2^32, an insert elsewhere the midpoint of its neighbours, a
removal deletes the row at that position (counted from the nearer end, as the service does),
a moved block takes ranks spread evenly in the gap at its destination.

What it leaves out, on purpose, since it is the floor and not a second service: no
authentication (no token is read: the playlists are anyone's and `/me` is the user named in
BENCH_FLOOR_USER_ID), no visibility or ownership checks, no If-Match, no idempotency keys, no
cache, no renumbering (a change that finds no free rank answers 409), no rank-limit checks,
only the first page or offset pages of `/songs` (no cursor, no filters, no sort), and the
list's `total` counted once per process (the service keeps it per catalog version; the catalog
does not change during a run).

    DATABASE_URL=postgresql://… SECRET_KEY=… python -m uvicorn bench.floor_app:app --port 8002
"""

# ruff: noqa: S608 - the SQL is composed of this module's constants, never of input

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import asyncpg
import orjson

from spotify_api.core.paging import CursorCodec, Position

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Answer = tuple[int, bytes, list[tuple[bytes, bytes]]]

GAP = 2**32  # RANK_GAP of the service
MAX_ITEMS = 10_000
POOL_SIZE = int(os.environ.get("BENCH_FLOOR_POOL", "20"))
SONG_SORT = ("/songs title", {"q": None, "artist_id": None, "album_id": None})
JSON = orjson.OPT_UTC_Z  # aware UTC datetimes as Pydantic writes them: …T12:00:00.123456Z

# A song's artists in credit order, as two arrays: joined on `s`, a row of songs.
CREDITS = """LEFT JOIN LATERAL (
    SELECT array_agg(ar.id ORDER BY sa.position) AS ids,
           array_agg(ar.name ORDER BY sa.position) AS names
    FROM song_artists sa JOIN artists ar ON ar.id = sa.artist_id WHERE sa.song_id = s.id
) c ON true"""
SONG = "s.id, s.title, s.duration_ms, s.track_number, s.disc_number, s.explicit, s.isrc, "
SONG += "s.album_id, al.title, c.ids, c.names, s.created_at, s.updated_at"
SONG_BY_ID = f"""SELECT {SONG} FROM songs s JOIN albums al ON al.id = s.album_id {CREDITS}
WHERE s.id = $1"""
SONG_PAGE = f"""SELECT {SONG} FROM songs s JOIN albums al ON al.id = s.album_id {CREDITS}
ORDER BY s.title, s.id OFFSET $1 LIMIT $2"""
SONG_COUNT = "SELECT count(*) FROM songs"
ALBUM = (
    """SELECT al.id, al.title, al.album_type, al.release_date, al.cover_url, al.artist_id,
ar.name, al.created_at, al.updated_at, s.id, s.title, s.duration_ms, s.track_number,
s.disc_number, s.explicit, s.isrc, c.ids, c.names, s.created_at, s.updated_at
FROM albums al JOIN artists ar ON ar.id = al.artist_id LEFT JOIN songs s ON s.album_id = al.id
"""
    + CREDITS
    + """ WHERE al.id = $1 ORDER BY s.disc_number, s.track_number, s.id"""
)
ARTIST = """SELECT ar.id, ar.name, ar.genres, ar.image_url, ar.created_at, ar.updated_at,
al.id, al.title, al.album_type, al.release_date, al.cover_url, al.created_at, al.updated_at,
(SELECT count(*) FROM songs s WHERE s.album_id = al.id)
FROM artists ar LEFT JOIN albums al ON al.artist_id = ar.id WHERE ar.id = $1
ORDER BY al.release_date DESC NULLS LAST, al.title, al.id"""
ME = """SELECT id, username, email, role, created_at FROM users WHERE id = $1 AND NOT disabled"""
PLAYLIST = """SELECT p.id, p.name, p.description, p.public, p.owner_id, u.username,
p.snapshot_id, p.total_songs, (SELECT coalesce(sum(s.duration_ms), 0) FROM playlist_items i
JOIN songs s ON s.id = i.song_id WHERE i.playlist_id = $1), p.created_at, p.updated_at
FROM playlists p JOIN users u ON u.id = p.owner_id WHERE p.id = $1"""
ITEMS = f"""SELECT p.total_songs, i.added_at, {SONG} FROM playlists p
LEFT JOIN LATERAL (SELECT rank, song_id, added_at FROM playlist_items
    WHERE playlist_id = $1 ORDER BY rank OFFSET $2 LIMIT $3) i ON true
LEFT JOIN songs s ON s.id = i.song_id LEFT JOIN albums al ON al.id = s.album_id {CREDITS}
WHERE p.id = $1 ORDER BY i.rank"""


def _stamp(column: str) -> str:
    """A timestamptz as JSON text the way Pydantic writes it (no fraction when it is 0)."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', "
        f"{column}) = {column} THEN '' ELSE to_char({utc}, '.US') END || 'Z'"
    )


ITEMS_PG = f"""SELECT p.total_songs, coalesce(json_agg(json_build_object(
    'position', $2::int + i.n - 1, 'added_at', {_stamp("i.added_at")}, 'song', json_build_object(
        'id', s.id, 'title', s.title, 'duration_ms', s.duration_ms,
        'track_number', s.track_number, 'disc_number', s.disc_number, 'explicit', s.explicit,
        'isrc', s.isrc, 'album', json_build_object('id', al.id, 'title', al.title),
        'artists', c.artists, 'created_at', {_stamp("s.created_at")},
        'updated_at', {_stamp("s.updated_at")}))
    ORDER BY i.rank) FILTER (WHERE i.rank IS NOT NULL), '[]')::text
FROM playlists p
LEFT JOIN LATERAL (SELECT rank, song_id, added_at, row_number() OVER (ORDER BY rank) AS n
    FROM (SELECT rank, song_id, added_at FROM playlist_items WHERE playlist_id = $1
          ORDER BY rank OFFSET $2 LIMIT $3) page) i ON true
LEFT JOIN songs s ON s.id = i.song_id LEFT JOIN albums al ON al.id = s.album_id
LEFT JOIN LATERAL (SELECT coalesce(json_agg(json_build_object('id', ar.id, 'name', ar.name)
    ORDER BY sa.position), '[]') AS artists FROM song_artists sa
    JOIN artists ar ON ar.id = sa.artist_id WHERE sa.song_id = s.id) c ON true
WHERE p.id = $1 GROUP BY p.id"""

LOCK = "SELECT total_songs, snapshot_id FROM playlists WHERE id = $1 FOR UPDATE"
# $1 playlist, $2 song, $3 now, $4 the new snapshot; the added row's rank from its neighbours.
_ADD = """WITH added AS (INSERT INTO playlist_items (playlist_id, rank, song_id, added_at)
    {rank} RETURNING 1)
UPDATE playlists SET total_songs = total_songs + 1, snapshot_id = $4, updated_at = $3
WHERE id = $1 AND EXISTS (SELECT FROM added)"""
APPEND = _ADD.format(
    rank=f"SELECT $1, coalesce(max(rank), 0) + {GAP}, $2, $3 FROM playlist_items "
    "WHERE playlist_id = $1"
)
PREPEND = _ADD.format(
    rank=f"SELECT $1, coalesce(min(rank), {2 * GAP}) - {GAP}, $2, $3 FROM playlist_items "
    "WHERE playlist_id = $1"
)
# $5: the offset of the two neighbours from the nearer end; the midpoint of their ranks.
INSERT_BETWEEN = {
    desc: _ADD.format(
        rank="SELECT $1, min(rank) + (max(rank) - min(rank)) / 2, $2, $3 FROM (SELECT rank "
        f"FROM playlist_items WHERE playlist_id = $1 ORDER BY rank {'DESC' if desc else ''} "
        "OFFSET $5 LIMIT 2) n HAVING count(*) = 2 AND max(rank) - min(rank) >= 2"
    )
    for desc in (False, True)
}
_REMOVE_AT = """WITH target AS (SELECT rank FROM playlist_items WHERE playlist_id = $1
    ORDER BY rank {order} OFFSET $2 LIMIT 1),
removed AS (DELETE FROM playlist_items i USING target
    WHERE i.playlist_id = $1 AND i.rank = target.rank AND i.song_id = $3 RETURNING 1)
UPDATE playlists SET total_songs = total_songs - 1, snapshot_id = $4, updated_at = $5
WHERE id = $1 AND EXISTS (SELECT FROM removed)"""
REMOVE_AT = {desc: _REMOVE_AT.format(order="DESC" if desc else "") for desc in (False, True)}
REMOVE_ALL = """WITH removed AS (DELETE FROM playlist_items WHERE playlist_id = $1
    AND song_id = $2 RETURNING 1), n AS (SELECT count(*) AS n FROM removed)
UPDATE playlists SET total_songs = total_songs - n.n, snapshot_id = $3, updated_at = $4
FROM n WHERE id = $1 AND n.n > 0 RETURNING n.n"""
# $1 playlist, $2 snapshot, $3 now, $4/$5 the neighbours' offset and count, $6 before,
# $7 length, $8/$9 the block's offset and count; the offsets from the nearer end.
_REORDER = f"""WITH nb AS (SELECT rank FROM playlist_items WHERE playlist_id = $1
    ORDER BY rank {{nb}} OFFSET $4 LIMIT $5),
edges AS (SELECT CASE WHEN $6::int > 0 THEN min(rank) END AS low,
    CASE WHEN $6::int < $7::int THEN max(rank) END AS high FROM nb),
slots AS (SELECT CASE WHEN high IS NULL THEN low WHEN low IS NULL
        THEN high - {GAP}::bigint * ($9::int + 1) ELSE low END AS base,
    CASE WHEN low IS NOT NULL AND high IS NOT NULL THEN (high - low) / ($9::int + 1)
        ELSE {GAP}::bigint END AS step FROM edges),
block AS (SELECT rank AS old, row_number() OVER (ORDER BY rank) AS nth
    FROM (SELECT rank FROM playlist_items WHERE playlist_id = $1
          ORDER BY rank {{block}} OFFSET $8 LIMIT $9) b),
moved AS (UPDATE playlist_items i SET rank = slots.base + block.nth * slots.step
    FROM block, slots WHERE i.playlist_id = $1 AND i.rank = block.old AND slots.step >= 1
    RETURNING 1)
UPDATE playlists SET snapshot_id = $2, updated_at = $3
WHERE id = $1 AND EXISTS (SELECT FROM moved)"""


@functools.cache
def reorder_sql(neighbours_from_end: bool, block_from_end: bool) -> str:
    return _REORDER.format(
        nb="DESC" if neighbours_from_end else "", block="DESC" if block_from_end else ""
    )


def window(length: int, position: int, count: int) -> tuple[bool, int]:
    """Whether the items at position..position+count-1 are nearer the end, and their offset
    from that end (the service's `_window`)."""
    from_end = length - position - count
    return (True, from_end) if from_end < position else (False, position)


class Problem(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def _artists(ids: list[uuid.UUID] | None, names: list[str] | None) -> list[dict[str, Any]]:
    return [{"id": i, "name": n} for i, n in zip(ids or (), names or (), strict=True)]


def song_body(row: Any, at: int, album_id: Any = None, album_title: Any = None) -> dict[str, Any]:
    """A song from the columns of SONG that start at `at` (without its album's two when the
    album is given)."""
    if album_id is None:
        fields = row[at : at + 13]
        album_id, album_title, ids, names = fields[7], fields[8], fields[9], fields[10]
        created, updated = fields[11], fields[12]
    else:
        fields = row[at : at + 11]
        ids, names, created, updated = fields[7], fields[8], fields[9], fields[10]
    return {
        "id": fields[0],
        "title": fields[1],
        "duration_ms": fields[2],
        "track_number": fields[3],
        "disc_number": fields[4],
        "explicit": fields[5],
        "isrc": fields[6],
        "album": {"id": album_id, "title": album_title},
        "artists": _artists(ids, names),
        "created_at": created,
        "updated_at": updated,
    }


def album_body(row: Any, artist: dict[str, Any], total: int) -> dict[str, Any]:
    return {
        "id": row[0],
        "title": row[1],
        "album_type": row[2],
        "release_date": row[3],
        "cover_url": row[4],
        "artist": artist,
        "total_songs": total,
        "created_at": row[5],
        "updated_at": row[6],
    }


class Floor:
    def __init__(self) -> None:
        self.pool: Any = None
        self.song_total: int | None = None
        self.codec = CursorCodec(os.environ.get("SECRET_KEY", ""))
        user = os.environ.get("BENCH_FLOOR_USER_ID")
        self.user = uuid.UUID(user) if user else None

    async def start(self) -> None:
        async def init(connection: Any) -> None:
            # JSON and UUIDs as PostgreSQL's text: orjson writes a str as it is (asyncpg's own
            # UUID type is one orjson does not know).
            await connection.set_type_codec(
                "jsonb", encoder=orjson.dumps, decoder=orjson.loads, schema="pg_catalog",
                format="text",
            )  # fmt: skip
            await connection.set_type_codec(
                "uuid", encoder=str, decoder=str, schema="pg_catalog", format="text"
            )

        dsn = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
        self.pool = await asyncpg.create_pool(dsn, min_size=2, max_size=POOL_SIZE, init=init)

    async def stop(self) -> None:
        if self.pool is not None:
            await self.pool.close()

    # -- reads

    async def song(self, song_id: uuid.UUID) -> Any:
        row = await self.pool.fetchrow(SONG_BY_ID, song_id)
        if row is None:
            raise Problem(404, "no such song")
        return song_body(row, 0)

    async def album(self, album_id: uuid.UUID) -> Any:
        rows = await self.pool.fetch(ALBUM, album_id)
        if not rows:
            raise Problem(404, "no such album")
        first = rows[0]
        songs = [song_body(r, 9, first[0], first[1]) for r in rows if r[9] is not None]
        artist = {"id": first[5], "name": first[6]}
        head = (first[0], first[1], first[2], first[3], first[4], first[7], first[8])
        return {**album_body(head, artist, len(songs)), "songs": songs}

    async def artist(self, artist_id: uuid.UUID) -> Any:
        rows = await self.pool.fetch(ARTIST, artist_id)
        if not rows:
            raise Problem(404, "no such artist")
        a = rows[0]
        ref = {"id": a[0], "name": a[1]}
        albums = [album_body(r[6:13], ref, r[13]) for r in rows if r[6] is not None]
        return {
            "id": a[0],
            "name": a[1],
            "genres": a[2],
            "image_url": a[3],
            "created_at": a[4],
            "updated_at": a[5],
            "albums": albums,
        }

    async def songs(self, query: dict[str, str]) -> Any:
        limit, offset = _paging(query)
        rows = await self.pool.fetch(SONG_PAGE, offset, limit + 1)
        if self.song_total is None:
            self.song_total = int(await self.pool.fetchval(SONG_COUNT))
        page = rows[:limit]
        links: dict[str, str | None] = {"next": None, "previous": None}
        for name, row, at, backward, wanted in (
            ("next", page[-1] if page else None, offset + len(page), False, len(rows) > limit),
            ("previous", page[0] if page else None, offset, True, offset > 0),
        ):
            if wanted and row is not None:
                position = Position(row[1], str(row[0]), at, backward)
                cursor = self.codec.encode(*SONG_SORT, position)
                links[name] = "/songs?" + urlencode(
                    {"sort": "title", "limit": limit, "cursor": cursor}
                )
        items = [song_body(row, 0) for row in page]
        return {"items": items, "total": self.song_total, "limit": limit, "offset": offset, **links}

    async def me(self) -> Any:
        row = await self.pool.fetchrow(ME, self.user) if self.user else None
        if row is None:
            raise Problem(401, "no BENCH_FLOOR_USER_ID, or no such user")
        keys = ("id", "username", "email", "role", "created_at")
        return dict(zip(keys, row, strict=True))

    async def playlist(self, playlist_id: uuid.UUID) -> Any:
        r = await self.pool.fetchrow(PLAYLIST, playlist_id)
        if r is None:
            raise Problem(404, "no such playlist")
        return {
            "id": r[0],
            "name": r[1],
            "description": r[2],
            "public": r[3],
            "owner": {"id": r[4], "username": r[5]},
            "snapshot_id": r[6],
            "total_songs": r[7],
            "duration_ms": int(r[8]),
            "created_at": r[9],
            "updated_at": r[10],
        }

    async def items(
        self, playlist_id: uuid.UUID, query: dict[str, str], path: str, built_by_pg: bool
    ) -> Any:
        limit, offset = _paging(query)
        items: Any
        if built_by_pg:
            row = await self.pool.fetchrow(ITEMS_PG, playlist_id, offset, limit)
            if row is None:
                raise Problem(404, "no such playlist")
            total, items = row[0], orjson.Fragment(row[1])
        else:
            rows = await self.pool.fetch(ITEMS, playlist_id, offset, limit)
            if not rows:
                raise Problem(404, "no such playlist")
            total = rows[0][0]
            items = [
                {"position": offset + n, "added_at": r[1], "song": song_body(r, 2)}
                for n, r in enumerate(row for row in rows if row[1] is not None)
            ]
        path = path.removeprefix("/pg")
        back = max(min(offset, total) - limit, 0)
        return {
            "items": items,
            "total": total,
            "limit": limit,
            "offset": offset,
            "next": f"{path}?limit={limit}&offset={offset + limit}"
            if offset + limit < total
            else None,
            "previous": f"{path}?limit={limit}&offset={back}" if offset > 0 else None,
        }

    # -- changes: the playlist's row locked, then one statement

    async def add_song(self, playlist_id: uuid.UUID, body: dict[str, Any]) -> Any:
        song_id, position = uuid.UUID(body["song_id"]), body.get("position")
        snapshot, now = uuid.uuid4().hex, datetime.now(UTC)
        async with self.pool.acquire() as connection, connection.transaction():
            length = await self._lock(connection, playlist_id)
            if length >= MAX_ITEMS:
                raise Problem(409, "the playlist is full")
            position = length if position is None else int(position)
            if not 0 <= position <= length:
                raise Problem(422, "position out of range")
            args: tuple[Any, ...] = (playlist_id, song_id, now, snapshot)
            if position == length:
                sql = APPEND
            elif position == 0:
                sql = PREPEND
            else:
                from_end, offset = window(length, position - 1, 2)
                sql, args = INSERT_BETWEEN[from_end], (*args, offset)
            try:
                status = await connection.execute(sql, *args)
            except asyncpg.ForeignKeyViolationError as error:
                raise Problem(404, "no such song") from error
            if status != "UPDATE 1":
                raise Problem(409, "no free rank there: the floor does not renumber")
        return {"snapshot_id": snapshot, "position": position}

    async def remove_song(self, playlist_id: uuid.UUID, body: dict[str, Any]) -> Any:
        song_id, position = uuid.UUID(body["song_id"]), body.get("position")
        snapshot, now = uuid.uuid4().hex, datetime.now(UTC)
        async with self.pool.acquire() as connection, connection.transaction():
            length = await self._lock(connection, playlist_id)
            if position is None:
                removed = await connection.fetchval(REMOVE_ALL, playlist_id, song_id, snapshot, now)
            elif 0 <= int(position) < length:
                from_end, offset = window(length, int(position), 1)
                status = await connection.execute(
                    REMOVE_AT[from_end], playlist_id, offset, song_id, snapshot, now
                )
                removed = 1 if status == "UPDATE 1" else None
            else:
                removed = None
            if not removed:
                raise Problem(404, "the song is not in the playlist there")
        return {"snapshot_id": snapshot, "removed": removed}

    async def reorder(self, playlist_id: uuid.UUID, body: dict[str, Any]) -> Any:
        start, before = int(body["range_start"]), int(body["insert_before"])
        count = int(body.get("range_length", 1))
        snapshot, now = uuid.uuid4().hex, datetime.now(UTC)
        async with self.pool.acquire() as connection, connection.transaction():
            row = await connection.fetchrow(LOCK, playlist_id)
            if row is None:
                raise Problem(404, "no such playlist")
            length = row[0]
            if not (0 <= start < length and 1 <= count <= length - start and 0 <= before <= length):
                raise Problem(422, "out of range")
            if start <= before <= start + count:
                return {"snapshot_id": row[1]}
            first = max(before - 1, 0)
            neighbours = min(before - first + 1, length - first)
            nb_from_end, nb_offset = window(length, first, neighbours)
            block_from_end, block_offset = window(length, start, count)
            status = await connection.execute(
                reorder_sql(nb_from_end, block_from_end),
                playlist_id, snapshot, now, nb_offset, neighbours, before, length,
                block_offset, count,
            )  # fmt: skip
            if status != "UPDATE 1":
                raise Problem(409, "no free ranks there: the floor does not renumber")
        return {"snapshot_id": snapshot}

    async def _lock(self, connection: Any, playlist_id: uuid.UUID) -> int:
        length = await connection.fetchval(LOCK, playlist_id)
        if length is None:
            raise Problem(404, "no such playlist")
        return int(length)

    # -- HTTP

    async def answer(self, method: str, path: str, query: dict[str, str], body: bytes) -> Answer:
        parts = path.strip("/").split("/")
        if method == "GET":
            result, status = await self._get(parts, query, path), 200
        elif method == "POST" and len(parts) == 3 and parts[0] == "playlists":
            change = {
                "add-song": self.add_song,
                "remove-song": self.remove_song,
                "reorder": self.reorder,
            }.get(parts[2])
            if change is None:
                raise Problem(404, "no such route")
            result = await change(_uuid(parts[1]), orjson.loads(body))
            status = 201 if parts[2] == "add-song" else 200
            etag = f'"{result["snapshot_id"]}"'.encode()
            return status, orjson.dumps(result), [(b"etag", etag)]
        else:
            raise Problem(405 if parts[0] in ("songs", "playlists") else 404, "no such route")
        return status, orjson.dumps(result, option=JSON), []

    async def _get(self, parts: list[str], query: dict[str, str], path: str) -> Any:
        match parts:
            case ["health"]:
                return {"status": "ok"}
            case ["me"]:
                return await self.me()
            case ["songs"]:
                return await self.songs(query)
            case ["songs", song_id]:
                return await self.song(_uuid(song_id))
            case ["albums", album_id]:
                return await self.album(_uuid(album_id))
            case ["artists", artist_id]:
                return await self.artist(_uuid(artist_id))
            case ["playlists", playlist_id]:
                return await self.playlist(_uuid(playlist_id))
            case ["playlists", playlist_id, "songs"]:
                return await self.items(_uuid(playlist_id), query, path, built_by_pg=False)
            case ["pg", "playlists", playlist_id, "songs"]:
                return await self.items(_uuid(playlist_id), query, path, built_by_pg=True)
        raise Problem(404, "no such route")


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as error:
        raise Problem(404, "not an id") from error


def _paging(query: dict[str, str]) -> tuple[int, int]:
    try:
        limit, offset = int(query.get("limit", "20")), int(query.get("offset", "0"))
    except ValueError as error:
        raise Problem(422, "limit and offset are integers") from error
    if not (1 <= limit <= 100 and 0 <= offset <= 1_000_000):
        raise Problem(422, "limit 1..100, offset 0..1,000,000")
    return limit, offset


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
