"""Playlists under load: a benchmark user with a playlist of 10 items and one of 10,000, the
changes measured on each (a remove and an add that leave the length as it was), and pages of
the long one's songs.

Each playlist holds the benchmark's own song at its first and its last `WRITE_CONNECTIONS`
positions and other songs in between. A wrk connection removes that song at one position and
adds it back (bench/wrk.lua, mode "pair"), over and over; a remove always comes before its add,
so the playlist never holds more than it started with (10,000 is the most a playlist may hold):

- *near the end*: remove at `size - WRITE_CONNECTIONS`, then append. With c connections at most
  c - 1 others are between their remove and their add, so the song is still at that position;
  at most c - 1 items follow it. Nothing before it moves.
- *at the start*: remove at 0, then insert at 0: every other item moves up, then down.

After every wrk run the playlist is brought back to its length, since wrk stops in the middle
of pairs, and at the end `check` reads the items from the database: positions 0..n-1, with the
song still at both edges.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from sqlalchemy.engine import URL

from harness.common import BenchError, http_client
from harness.database import delete_users, fill_playlist, playlist_layout
from harness.load import Scenario

WRITE_CONNECTIONS = 4  # changes of one playlist serialise: more would only queue
SIZES = (10, 10_000)  # the short playlist and the long one (the most a playlist may hold)
ITEMS_LIMIT = 100  # items per page of GET /playlists/{id}/songs
USER_PREFIX = "bench_pl_"  # the benchmark users' names; leftovers are deleted at the start

Where = Literal["end", "start"]
CHANGES: tuple[tuple[str, Where], ...] = (("g", "end"), ("h", "start"))


@dataclass(frozen=True, slots=True)
class Playlists:
    base_url: str
    token: str
    song: str  # the song the changes remove and add
    ids: Mapping[int, str]  # the playlist of each size
    page_bytes: int  # GET /playlists/{long}/songs?limit=100, offset 0
    deep_offset: int
    deep_page_bytes: int  # … at `deep_offset`, the last full page

    @property
    def long_id(self) -> str:
        return self.ids[SIZES[-1]]


def _call(
    client: httpx.Client, method: str, path: str, expect: int, body: Any = None
) -> httpx.Response:
    response = client.request(method, path, json=body)
    if response.status_code != expect:
        raise BenchError(f"{method} {path}: {response.status_code} {response.text[:300]}")
    return response


def _client(base_url: str, token: str) -> httpx.Client:
    client = http_client(base_url)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _items(size: int, song: str, others: Sequence[str]) -> list[str]:
    edge = WRITE_CONNECTIONS
    middle = list(others[: size - 2 * edge])
    if len(middle) != size - 2 * edge:
        raise BenchError(f"{len(others):,} songs cannot fill a playlist of {size:,}")
    return [song] * edge + middle + [song] * edge


def _positions(where: Where, size: int) -> tuple[int, int | None]:
    """Where a pair removes the song, and where it adds it back (None: appended)."""
    return (size - WRITE_CONNECTIONS, None) if where == "end" else (0, 0)


def _add_body(song: str, position: int | None) -> dict[str, Any]:
    return {"song_id": song} if position is None else {"song_id": song, "position": position}


def _length(client: httpx.Client, playlist_id: str) -> int:
    total: int = _call(client, "GET", f"/playlists/{playlist_id}", 200).json()["total_songs"]
    return total


def prepare(base_url: str, database: URL, songs: Sequence[str]) -> Playlists:
    """Register and log in a benchmark user, make and fill its two playlists, read the pages."""
    left = asyncio.run(delete_users(database, USER_PREFIX))
    if left:
        print(f"deleted {left} benchmark user(s) left by an earlier run")
    username = USER_PREFIX + secrets.token_hex(6)
    password = secrets.token_urlsafe(18)
    song, others = songs[-1], songs[:-1]
    with http_client(base_url) as anonymous:
        account = {"username": username, "email": f"{username}@example.com"}
        _call(anonymous, "POST", "/register", 201, {**account, "password": password})
        login = {"username": username, "password": password}
        token: str = _call(anonymous, "POST", "/login", 200, login).json()["access_token"]
    ids: dict[int, str] = {}
    with _client(base_url, token) as client:
        for size in SIZES:
            name = {"name": f"bench, {size:,} items"}
            playlist_id: str = _call(client, "POST", "/playlists/create", 201, name).json()["id"]
            asyncio.run(fill_playlist(database, playlist_id, _items(size, song, others)))
            for _, where in CHANGES:  # one pair of each kind, as wrk will send them
                remove_at, add_at = _positions(where, size)
                removal = {"song_id": song, "position": remove_at}
                _call(client, "POST", f"/playlists/{playlist_id}/remove-song", 200, removal)
                _call(
                    client,
                    "POST",
                    f"/playlists/{playlist_id}/add-song",
                    201,
                    _add_body(song, add_at),
                )
            if _length(client, playlist_id) != size:
                raise BenchError(f"the playlist of {size:,} does not hold {size:,} items")
            ids[size] = playlist_id
        long_id, deep_offset = ids[SIZES[-1]], SIZES[-1] - ITEMS_LIMIT
        pages = [
            _call(client, "GET", f"/playlists/{long_id}/songs?limit={ITEMS_LIMIT}{extra}", 200)
            for extra in ("", f"&offset={deep_offset}")
        ]
    for page, offset in zip(pages, (0, deep_offset), strict=True):
        positions = [item["position"] for item in page.json()["items"]]
        if positions != list(range(offset, offset + ITEMS_LIMIT)):
            raise BenchError(f"the page at offset {offset} holds positions {positions[:3]}…")
    print(f"playlists of {', '.join(f'{size:,}' for size in SIZES)} items for {username}")
    return Playlists(
        base_url=base_url,
        token=token,
        song=song,
        ids=ids,
        page_bytes=len(pages[0].content),
        deep_offset=deep_offset,
        deep_page_bytes=len(pages[1].content),
    )


def restore(playlists: Playlists, size: int, where: Where) -> None:
    """Add the song back where the pairs add it until the playlist holds `size` items again:
    wrk stops between a pair's remove and its add."""
    playlist_id = playlists.ids[size]
    _, add_at = _positions(where, size)
    with _client(playlists.base_url, playlists.token) as client:
        length = _length(client, playlist_id)
        for _ in range(size - length):
            path = f"/playlists/{playlist_id}/add-song"
            _call(client, "POST", path, 201, _add_body(playlists.song, add_at))
        length = _length(client, playlist_id)
        if length != size:
            raise BenchError(f"the playlist of {size:,} holds {length:,} items after a run")


def check(playlists: Playlists, database: URL) -> None:
    """After the runs: each playlist's positions are 0..n-1, with the song at both edges."""
    edge = WRITE_CONNECTIONS
    for size, playlist_id in playlists.ids.items():
        found = asyncio.run(playlist_layout(database, playlist_id, playlists.song, size, edge))
        if found != (size, 0, size - 1, edge, edge):
            raise BenchError(
                f"the playlist of {size:,} is left with (items, first, last, song at the start, "
                f"song at the end) = {found}, not {(size, 0, size - 1, edge, edge)}"
            )


def cleanup(database: URL) -> None:
    asyncio.run(delete_users(database, USER_PREFIX))


def scenarios(playlists: Playlists) -> list[Scenario]:
    """The reads first: the changes at the start leave many dead rows behind them."""
    return _reads(playlists) + _changes(playlists)


def _changes(playlists: Playlists) -> list[Scenario]:
    cases: list[Scenario] = []
    for key, where in CHANGES:
        for index, size in enumerate(SIZES, 1):
            remove_at, add_at = _positions(where, size)
            what = (
                f"`remove-song` at {remove_at:,}, then `add-song` appending"
                if add_at is None
                else f"`remove-song` at {remove_at}, then `add-song` at {add_at}"
            )
            cases.append(
                Scenario(
                    f"{key}{index}",
                    f"{what}, {size:,} items",
                    "service",
                    f"/playlists/{playlists.ids[size]}",
                    "pair",
                    cached=False,
                    body_bytes=0,
                    connections=WRITE_CONNECTIONS,
                    threads=WRITE_CONNECTIONS,
                    args=(playlists.song, str(remove_at), "end" if add_at is None else str(add_at)),
                    token=playlists.token,
                    reset=functools.partial(restore, playlists, size, where),
                )
            )
    return cases


def _reads(playlists: Playlists) -> list[Scenario]:
    cases: list[Scenario] = []
    songs = f"/playlists/{playlists.long_id}/songs?limit={ITEMS_LIMIT}"
    for key, offset, size in (
        ("i1", 0, playlists.page_bytes),
        ("i2", playlists.deep_offset, playlists.deep_page_bytes),
    ):
        path = songs + (f"&offset={offset}" if offset else "")
        label = f"`GET /playlists/{{id}}/songs?limit={ITEMS_LIMIT}`, offset {offset:,}"
        cases.append(
            Scenario(
                key,
                label + f", {SIZES[-1]:,} items",
                "service",
                path,
                "fixed",
                cached=False,
                body_bytes=size,
                token=playlists.token,
            )
        )
    return cases
