"""PostgreSQL and Redis as the benchmark finds and leaves them: the seeded catalog, the song ids
to ask for, the catalog version that every cached answer hangs on, the benchmark user's
playlists, filled by COPY, and the ordinary playlists of filler users around them."""

from __future__ import annotations

import asyncio
import random
import re
import subprocess
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import redis
from sqlalchemy.engine import URL

from harness.common import CLI, BenchError, Options
from spotify_api.core.cache import CATALOG_VERSION_KEY
from spotify_api.playlists.models import RANK_GAP

SEED_TIMEOUT = 3600.0
MIGRATE_TIMEOUT = 300.0
DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def dsn(url: URL) -> str:
    return url.render_as_string(hide_password=False)


async def _seeded_songs(database: URL) -> int | None:
    """How many songs the database holds; None if it or the table does not exist."""
    try:
        connection = await asyncpg.connect(dsn(database), timeout=5)
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        if await connection.fetchval("SELECT to_regclass('public.songs')") is None:
            return None
        count: int = await connection.fetchval("SELECT count(*) FROM songs")
        return count
    finally:
        await connection.close()


async def _recreate(database: URL) -> None:
    name = database.database
    if name is None or not DATABASE_NAME.fullmatch(name):  # parse_options checks it too
        raise BenchError(f"not a database name to drop: {name!r}")
    connection = await asyncpg.connect(dsn(database.set(database="postgres")), timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


CATALOG_TABLES = ("songs", "albums", "artists")


async def catalog_ids(database: URL, table: str, limit: int) -> list[str]:
    """Ids spread over a catalog table (ids are random UUIDs: their order is no order)."""
    if table not in CATALOG_TABLES:
        raise BenchError(f"not a catalog table: {table!r}")
    connection = await asyncpg.connect(dsn(database), timeout=5)
    try:
        query = f"SELECT id::text FROM {table} ORDER BY id LIMIT $1"  # noqa: S608 - checked
        rows = await connection.fetch(query, limit)
    finally:
        await connection.close()
    return [row[0] for row in rows]


async def song_ids(database: URL, limit: int) -> list[str]:
    return await catalog_ids(database, "songs", limit)


async def playlist_songs(database: URL, playlist_id: str) -> list[str]:
    """The song ids of a playlist's items, in order."""
    connection = await asyncpg.connect(dsn(database), timeout=5)
    try:
        rows = await connection.fetch(
            "SELECT song_id::text FROM playlist_items WHERE playlist_id = $1 ORDER BY rank",
            uuid.UUID(playlist_id),
        )
    finally:
        await connection.close()
    return [row[0] for row in rows]


async def postgres_version(database: URL) -> str:
    connection = await asyncpg.connect(dsn(database), timeout=5)
    try:
        version: str = await connection.fetchval("SHOW server_version")
        return version.split()[0]
    finally:
        await connection.close()


def run_cli(command: Sequence[str], env: Mapping[str, str], cwd: Path, timeout: float) -> None:
    print(f"$ spotify-api {' '.join(command)}", flush=True)
    try:
        subprocess.run(  # noqa: S603 - our own argv, no shell
            [str(CLI), *command], env=dict(env), cwd=cwd, check=True, timeout=timeout
        )
    except subprocess.CalledProcessError as error:
        raise BenchError(f"spotify-api {command[0]} failed with {error.returncode}") from error


def prepare_database(options: Options, env: Mapping[str, str], cwd: Path) -> float | None:
    """A database seeded with `options.songs` songs; the seconds seeding took (None if reused)."""
    name = options.database.database
    if options.reuse:
        found = asyncio.run(_seeded_songs(options.database))
        if found == options.songs:
            print(f"reusing {name}: {found:,} songs")
            run_cli(["migrate"], env, cwd, MIGRATE_TIMEOUT)
            return None
        print(f"not reusing {name}: {'no catalog' if found is None else f'{found:,} songs'}")
    print(f"re-creating database {name}")
    asyncio.run(_recreate(options.database))
    run_cli(["migrate"], env, cwd, MIGRATE_TIMEOUT)
    started = time.perf_counter()
    run_cli(["seed-demo", "--songs", str(options.songs)], env, cwd, SEED_TIMEOUT)
    seconds = time.perf_counter() - started
    print(f"seeding {options.songs:,} songs took {seconds:.1f} s")
    found = asyncio.run(_seeded_songs(options.database))
    if found != options.songs:
        raise BenchError(f"seed-demo left {found} songs, not {options.songs:,}")
    return seconds


def bump_cache_version(client: redis.Redis) -> None:
    """What every catalog write does: all cached responses become unreachable at once."""
    client.incr(CATALOG_VERSION_KEY)


async def delete_users(database: URL, username_prefix: str) -> int:
    """Delete the users whose name starts with the prefix (their playlists go with them)."""
    pattern = username_prefix.replace("_", r"\_") + "%"
    connection = await asyncpg.connect(dsn(database), timeout=5)
    try:
        status: str = await connection.execute("DELETE FROM users WHERE username LIKE $1", pattern)
    finally:
        await connection.close()
    return int(status.split()[-1])


# A playlist's count, snapshot and duration as its writers keep them (the duration is the sum
# of its items' songs' durations).
_RECOUNT = (
    "UPDATE playlists SET total_songs = $2, snapshot_id = $3, updated_at = $4, duration_ms = ("
    "SELECT coalesce(sum(s.duration_ms), 0) FROM playlist_items i "
    "JOIN songs s ON s.id = i.song_id WHERE i.playlist_id = playlists.id) WHERE id = $1"
)
_SUM_FILLERS = (
    "UPDATE playlists SET duration_ms = (SELECT coalesce(sum(s.duration_ms), 0) "
    "FROM playlist_items i JOIN songs s ON s.id = i.song_id WHERE i.playlist_id = playlists.id) "
    "WHERE owner_id IN (SELECT id FROM users WHERE username LIKE $1)"
)


async def fill_playlist(database: URL, playlist_id: str, songs: Sequence[str]) -> None:
    """Make the playlist hold `songs` in order (COPY), its count and snapshot to match."""
    playlist = uuid.UUID(playlist_id)
    now = datetime.now(UTC)
    records = [
        (playlist, (position + 1) * RANK_GAP, uuid.UUID(song), now)
        for position, song in enumerate(songs)
    ]
    connection = await asyncpg.connect(dsn(database), timeout=5)
    try:
        async with connection.transaction():
            await connection.execute("DELETE FROM playlist_items WHERE playlist_id = $1", playlist)
            await connection.copy_records_to_table(
                "playlist_items",
                records=records,
                columns=["playlist_id", "rank", "song_id", "added_at"],
            )
            await connection.execute(
                _RECOUNT,
                playlist,
                len(songs),
                uuid.uuid4().hex,
                now,
            )
        await connection.execute("VACUUM ANALYZE playlist_items")
    finally:
        await connection.close()


async def seed_filler_playlists(
    database: URL, username_prefix: str, songs: Sequence[str], users: int, per_user: int, size: int
) -> int:
    """Give `users` filler users (`username_prefix` and a number; no password can log them in)
    `per_user` playlists of `size` random songs each, unless they are there already; then
    ANALYZE. How many users were made (0 when reused).

    A database holding only the benchmark's few playlists, two of them 10,000 items long, has
    statistics no deployment has: the planner expects a third of `playlist_items` for any
    playlist, and the generic plan of a prepared statement (asyncpg prepares every statement,
    and PostgreSQL switches to a generic plan after five runs) sums a playlist's durations by
    hashing every song. Ordinary playlists around them make the statistics a deployment's."""
    connection = await asyncpg.connect(dsn(database), timeout=5)
    pattern = username_prefix.replace("_", r"\_") + "%"
    try:
        count = "SELECT count(*) FROM users WHERE username LIKE $1"
        if await connection.fetchval(count, pattern) == users:
            return 0
        chosen = random.Random(0)  # noqa: S311 - filler, not a secret
        now = datetime.now(UTC)
        people = [(uuid.uuid4(), f"{username_prefix}{n}") for n in range(users)]
        lists = [(uuid.uuid4(), owner) for owner, _ in people for _ in range(per_user)]
        async with connection.transaction():
            await connection.execute("DELETE FROM users WHERE username LIKE $1", pattern)
            await connection.copy_records_to_table(
                "users",
                records=[(i, name, f"{name}@example.com", "!", now, now) for i, name in people],
                columns=["id", "username", "email", "password_hash", "created_at", "updated_at"],
            )
            await connection.copy_records_to_table(
                "playlists",
                records=[
                    (i, owner, "filler", uuid.uuid4().hex, size, now, now) for i, owner in lists
                ],
                columns=[
                    "id", "owner_id", "name", "snapshot_id", "total_songs", "created_at",
                    "updated_at",
                ],
            )  # fmt: skip
            await connection.copy_records_to_table(
                "playlist_items",
                records=[
                    (playlist, (n + 1) * RANK_GAP, uuid.UUID(song), now)
                    for playlist, _ in lists
                    for n, song in enumerate(chosen.sample(songs, size))
                ],
                columns=["playlist_id", "rank", "song_id", "added_at"],
            )
            await connection.execute(_SUM_FILLERS, pattern)
        await connection.execute("VACUUM ANALYZE users, playlists, playlist_items")
    finally:
        await connection.close()
    return users


async def playlist_layout(
    database: URL, playlist_id: str, song: str, size: int, edge: int
) -> tuple[int, int, int, int, int]:
    """The playlist's item count, lowest and highest position (its index in rank order), and
    how many of its first `edge` and of its last `edge` positions (of `size`) hold `song`."""
    connection = await asyncpg.connect(dsn(database), timeout=5)
    try:
        row = await connection.fetchrow(
            "WITH items AS (SELECT song_id, row_number() OVER (ORDER BY rank) - 1 AS position "
            "FROM playlist_items WHERE playlist_id = $1) "
            "SELECT count(*), coalesce(min(position), -1), coalesce(max(position), -1), "
            "count(*) FILTER (WHERE song_id = $2 AND position < $3), "
            "count(*) FILTER (WHERE song_id = $2 AND position >= $4 - $3) "
            "FROM items",
            uuid.UUID(playlist_id),
            uuid.UUID(song),
            edge,
            size,
        )
    finally:
        await connection.close()
    return (int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]))
