"""The floor's changes: one transaction each, the playlist's row locked FOR UPDATE, then one
combined statement (the items and the playlist's count and snapshot together), with the
service's rank scheme (see src/spotify_api/playlists/repository.py): an append takes the last
rank + 2^32, an insert at the front the first rank - 2^32, an insert elsewhere the midpoint of
its neighbours, a removal deletes the row at that position (counted from the nearer end, as
the service does), a moved block takes ranks spread evenly in the gap at its destination.

    POST /playlists/{id}/add-song      append, insert at 0 or between two neighbours
    POST /playlists/{id}/remove-song   the item at `position`, or every occurrence
    POST /playlists/{id}/reorder       a block moved into the gap at its destination

No renumbering: a change that finds no free rank answers 409.
"""

# ruff: noqa: S608 - the SQL is composed of this module's constants, never of input

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from .common import Problem

GAP = 2**32  # RANK_GAP of the service
MAX_ITEMS = 10_000

LOCK = "SELECT total_songs, snapshot_id FROM playlists WHERE id = $1 FOR UPDATE"
# $1 playlist, $2 song, $3 now, $4 the new snapshot; the added row's rank from its neighbours.
_ADD = """WITH added AS (INSERT INTO playlist_items (playlist_id, rank, song_id, added_at)
    {rank} RETURNING 1)
UPDATE playlists SET total_songs = total_songs + 1, snapshot_id = $4, updated_at = $3,
    duration_ms = duration_ms + (SELECT duration_ms FROM songs WHERE id = $2)
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
UPDATE playlists SET total_songs = total_songs - 1, snapshot_id = $4, updated_at = $5,
    duration_ms = duration_ms - (SELECT duration_ms FROM songs WHERE id = $3)
WHERE id = $1 AND EXISTS (SELECT FROM removed)"""
REMOVE_AT = {desc: _REMOVE_AT.format(order="DESC" if desc else "") for desc in (False, True)}
REMOVE_ALL = """WITH removed AS (DELETE FROM playlist_items WHERE playlist_id = $1
    AND song_id = $2 RETURNING 1), n AS (SELECT count(*) AS n FROM removed)
UPDATE playlists SET total_songs = total_songs - n.n, snapshot_id = $3, updated_at = $4,
    duration_ms = duration_ms - n.n * (SELECT duration_ms FROM songs WHERE id = $2)
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


class Writes:
    """The changes on a pool."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

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
