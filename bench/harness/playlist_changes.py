"""Playlist changes under load, on the service and on the floor: pairs that leave a playlist as
it was, and bringing it back to its layout after each run (wrk stops in the middle of pairs).

- *near the end* (g): remove the song at `size - edge`, then append it. With c connections at
  most c - 1 others are between their remove and their add, so the song is still at that
  position as long as c <= edge; at most c - 1 items follow it. Nothing before it moves.
- *at the start* (h): remove at 0, then insert at 0: every other item moves up, then down.
- *reorder* (r): move the last item to the front (`range_start` n-1, `insert_before` 0), then
  the first to the end (0, n): the block takes the rank just outside the other end, so the
  gaps never run out. Connections interleave, so after a run the playlist may be rotated by a
  few places; `restore_rotation` turns it back.
- *16 writers* (w): the near-the-end pair on one playlist of 10,000 whose song fills its first
  and last 16 positions, 16 connections at once: every change waits for the playlist's lock,
  and the report counts the answers by status (a 503 is a change refused for lack of time or
  connections).

A remove always comes before its add (a failed answer repeats its request), so the playlist
never holds more than it started with (10,000 is the limit).
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any, Literal

from sqlalchemy.engine import URL

from harness.common import BenchError
from harness.database import playlist_songs
from harness.load import Scenario
from harness.playlists import (
    SIZES,
    WRITE_CONNECTIONS,
    WRITERS,
    WRITERS_SIZE,
    Playlists,
    call,
    length,
    owner_client,
)

Where = Literal["end", "start"]
CHANGES: tuple[tuple[str, Where], ...] = (("g", "end"), ("h", "start"))


def positions(where: Where, size: int, edge: int = WRITE_CONNECTIONS) -> tuple[int, int | None]:
    """Where a pair removes the song, and where it adds it back (None: appended)."""
    return (size - edge, None) if where == "end" else (0, 0)


def add_body(song: str, position: int | None) -> dict[str, Any]:
    return {"song_id": song} if position is None else {"song_id": song, "position": position}


def rotations(size: int) -> tuple[dict[str, int], dict[str, int]]:
    """The reorder pair: the last item to the front, then the first to the end."""
    return {"range_start": size - 1, "insert_before": 0}, {"range_start": 0, "insert_before": size}


def restore_length(playlists: Playlists, playlist_id: str, size: int, add_at: int | None) -> None:
    """Add the song back where the pairs add it until the playlist holds `size` items again."""
    with owner_client(playlists.base_url, playlists.token) as client:
        for _ in range(size - length(client, playlist_id)):
            path = f"/playlists/{playlist_id}/add-song"
            call(client, "POST", path, 201, add_body(playlists.song, add_at))
        found = length(client, playlist_id)
        if found != size:
            raise BenchError(f"the playlist of {size:,} holds {found:,} items after a run")


def restore_rotation(playlists: Playlists, database: URL, playlist_id: str) -> None:
    """Turn a playlist that the reorder pairs left rotated back to its layout."""
    layout = list(playlists.layouts[playlist_id])
    size = len(layout)
    current = asyncio.run(playlist_songs(database, playlist_id))
    marker = WRITE_CONNECTIONS  # the first song between the edges: it occurs once
    if len(current) != size or layout[marker] not in current:
        raise BenchError(f"the playlist of {size:,} lost items in a reorder run")
    shift = (current.index(layout[marker]) - marker) % size
    to_front, to_end = rotations(size)
    # Rotated right by `shift` (last items moved to the front): move as many first items to
    # the end, or the other way round when that is shorter.
    moves = [to_end] * shift if shift <= size // 2 else [to_front] * (size - shift)
    with owner_client(playlists.base_url, playlists.token) as client:
        for move in moves:
            call(client, "POST", f"/playlists/{playlist_id}/reorder", 200, move)
    if asyncio.run(playlist_songs(database, playlist_id)) != layout:
        raise BenchError(f"the playlist of {size:,} is not back in its order after a reorder run")


def _pair(
    key: str,
    label: str,
    playlists: Playlists,
    playlist_id: str,
    args: tuple[str, ...],
    reset: functools.partial[None],
    *,
    mode: Literal["pair", "alternate"] = "pair",
    connections: int = WRITE_CONNECTIONS,
) -> list[Scenario]:
    """A change case on the service, and the same on the floor (key + "F")."""
    common: dict[str, Any] = {
        "cached": False,
        "body_bytes": 0,
        "connections": connections,
        "threads": connections,
        "args": args,
        "token": playlists.token,
        "reset": reset,
        "group": "playlists",
    }
    path = f"/playlists/{playlist_id}"
    return [
        Scenario(key, label, "service", path, mode, **common),
        Scenario(key + "F", f"floor: {label}", "floor", path, mode, **common, twin=key),
    ]


def scenarios(playlists: Playlists, database: URL) -> list[Scenario]:
    """The changes near the end and at the start, the reorders, then the 16 writers."""
    cases: list[Scenario] = []
    song = playlists.song
    for key, where in CHANGES:
        for index, size in enumerate(SIZES, 1):
            remove_at, add_at = positions(where, size)
            what = (
                f"`remove-song` at {remove_at:,}, then `add-song` appending"
                if add_at is None
                else f"`remove-song` at {remove_at}, then `add-song` at {add_at}"
            )
            playlist_id = playlists.ids[size]
            args: tuple[str, ...] = (song, str(remove_at), "end" if add_at is None else str(add_at))
            reset = functools.partial(restore_length, playlists, playlist_id, size, add_at)
            cases += _pair(f"{key}{index}", f"{what}, {size:,} items", playlists, playlist_id,
                           args, reset)  # fmt: skip
    for index, size in enumerate(SIZES, 1):
        playlist_id = playlists.ids[size]
        to_front, to_end = rotations(size)
        args = ("/reorder", json.dumps(to_front), "/reorder", json.dumps(to_end))
        label = f"`reorder` the last item to the front, then the first to the end, {size:,} items"
        reset = functools.partial(restore_rotation, playlists, database, playlist_id)
        cases += _pair(f"r{index}", label, playlists, playlist_id, args, reset, mode="alternate")
    remove_at, _ = positions("end", WRITERS_SIZE, WRITERS)
    label = (
        f"{WRITERS} writers on one playlist: `remove-song` at {remove_at:,}, then `add-song` "
        f"appending, {WRITERS_SIZE:,} items"
    )
    reset = functools.partial(restore_length, playlists, playlists.writers_id, WRITERS_SIZE, None)
    cases += _pair("w", label, playlists, playlists.writers_id, (song, str(remove_at), "end"),
                   reset, connections=WRITERS)  # fmt: skip
    return cases
