"""Playlists under load: a benchmark user with a playlist of 10 items, one of 10,000 and one of
10,000 for many writers at once, the pages of the long one's songs and the reads that need only
the owner's token (`GET /me`, `GET /playlists/{id}`). The changes are in playlist_changes.py.
Around them, filler users' ordinary playlists (2,000 of 25 songs, kept with the database) give
PostgreSQL a deployment's statistics of `playlist_items` (see `seed_filler_playlists`).

Each playlist holds the benchmark's own song at its first and its last `edge` positions (4, the
writers' playlist 16) and other songs, all different, in between: its *layout*. The changes
leave it as it was (a pair removes the song and adds it back, a reorder pair moves the last
item to the front and back again), each run is followed by bringing the playlist back to its
layout through the API, since wrk stops in the middle of pairs, and at the end `check` reads
the items from the database: exactly the layout, in order.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.engine import URL

from harness.common import BenchError, http_client
from harness.database import delete_users, fill_playlist, playlist_songs, seed_filler_playlists
from harness.load import Scenario

WRITE_CONNECTIONS = 4  # changes of one playlist serialise: more would only queue
WRITERS = 16  # the connections that change one playlist at once (the 503 check)
SIZES = (10, 10_000)  # the short playlist and the long one (the most a playlist may hold)
WRITERS_SIZE = 10_000
ITEMS_LIMIT = 100  # items per page of GET /playlists/{id}/songs
USER_PREFIX = "bench_pl_"  # the benchmark users' names; leftovers are deleted at the start
# Ordinary playlists around the benchmark's (kept with the database; see seed_filler_playlists).
FILLER_PREFIX = "bench_filler_"
FILLER_USERS, FILLER_PER_USER, FILLER_SIZE = 1_000, 2, 25


@dataclass(frozen=True, slots=True)
class Playlists:
    base_url: str
    token: str
    user_id: str
    song: str  # the song the changes remove and add
    ids: Mapping[int, str]  # the playlist of each of SIZES
    writers_id: str  # the playlist that WRITERS connections change at once
    layouts: Mapping[str, Sequence[str]]  # each playlist's songs, in order, between runs
    page_bytes: int  # GET /playlists/{long}/songs?limit=100, offset 0
    deep_offset: int
    deep_page_bytes: int  # … at `deep_offset`, the last full page
    playlist_bytes: int  # GET /playlists/{short}
    me_bytes: int  # GET /me

    @property
    def long_id(self) -> str:
        return self.ids[SIZES[-1]]


def call(
    client: httpx.Client, method: str, path: str, expect: int, body: Any = None
) -> httpx.Response:
    response = client.request(method, path, json=body)
    if response.status_code != expect:
        raise BenchError(f"{method} {path}: {response.status_code} {response.text[:300]}")
    return response


def owner_client(base_url: str, token: str) -> httpx.Client:
    client = http_client(base_url)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _layout(size: int, edge: int, song: str, others: Sequence[str]) -> list[str]:
    middle = list(others[: size - 2 * edge])
    if len(middle) != size - 2 * edge:
        raise BenchError(f"{len(others):,} songs cannot fill a playlist of {size:,}")
    return [song] * edge + middle + [song] * edge


def length(client: httpx.Client, playlist_id: str) -> int:
    total: int = call(client, "GET", f"/playlists/{playlist_id}", 200).json()["total_songs"]
    return total


def prepare(base_url: str, database: URL, songs: Sequence[str]) -> Playlists:
    """Register and log in a benchmark user, make and fill its playlists, read the pages."""
    left = asyncio.run(delete_users(database, USER_PREFIX))
    if left:
        print(f"deleted {left} benchmark user(s) left by an earlier run")
    filler = (FILLER_USERS, FILLER_PER_USER, FILLER_SIZE)
    if asyncio.run(seed_filler_playlists(database, FILLER_PREFIX, songs, *filler)):
        print(f"filler: {FILLER_USERS * FILLER_PER_USER:,} playlists of {FILLER_SIZE} songs")
    username = USER_PREFIX + secrets.token_hex(6)
    password = secrets.token_urlsafe(18)
    song, others = songs[-1], songs[:-1]
    with http_client(base_url) as anonymous:
        account = {"username": username, "email": f"{username}@example.com"}
        user = call(anonymous, "POST", "/register", 201, {**account, "password": password})
        login = {"username": username, "password": password}
        token: str = call(anonymous, "POST", "/login", 200, login).json()["access_token"]
    ids: dict[int, str] = {}
    layouts: dict[str, list[str]] = {}
    with owner_client(base_url, token) as client:
        made = [(size, WRITE_CONNECTIONS) for size in SIZES] + [(WRITERS_SIZE, WRITERS)]
        for index, (size, edge) in enumerate(made):
            name = {"name": f"bench, {size:,} items" + (", writers" if edge == WRITERS else "")}
            playlist_id: str = call(client, "POST", "/playlists/create", 201, name).json()["id"]
            layouts[playlist_id] = _layout(size, edge, song, others)
            asyncio.run(fill_playlist(database, playlist_id, layouts[playlist_id]))
            if length(client, playlist_id) != size:
                raise BenchError(f"the playlist of {size:,} does not hold {size:,} items")
            if index < len(SIZES):
                ids[size] = playlist_id
            else:
                writers_id = playlist_id
        long_id, deep_offset = ids[SIZES[-1]], SIZES[-1] - ITEMS_LIMIT
        pages = [
            call(client, "GET", f"/playlists/{long_id}/songs?limit={ITEMS_LIMIT}{extra}", 200)
            for extra in ("", f"&offset={deep_offset}")
        ]
        playlist_bytes = len(call(client, "GET", f"/playlists/{ids[SIZES[0]]}", 200).content)
        me_bytes = len(call(client, "GET", "/me", 200).content)
    for page, offset in zip(pages, (0, deep_offset), strict=True):
        positions = [item["position"] for item in page.json()["items"]]
        if positions != list(range(offset, offset + ITEMS_LIMIT)):
            raise BenchError(f"the page at offset {offset} holds positions {positions[:3]}…")
    print(f"playlists of {', '.join(f'{size:,}' for size, _ in made)} items for {username}")
    return Playlists(
        base_url=base_url,
        token=token,
        user_id=user.json()["id"],
        song=song,
        ids=ids,
        writers_id=writers_id,
        layouts=layouts,
        page_bytes=len(pages[0].content),
        deep_offset=deep_offset,
        deep_page_bytes=len(pages[1].content),
        playlist_bytes=playlist_bytes,
        me_bytes=me_bytes,
    )


def check(playlists: Playlists, database: URL) -> None:
    """After the runs: each playlist holds exactly its layout, in order."""
    for playlist_id, layout in playlists.layouts.items():
        found = asyncio.run(playlist_songs(database, playlist_id))
        if found != list(layout):
            differ = next(
                (n for n, (a, b) in enumerate(zip(found, layout, strict=False)) if a != b),
                min(len(found), len(layout)),
            )
            raise BenchError(
                f"the playlist of {len(layout):,} is left with {len(found):,} items, not in its "
                f"layout from position {differ:,} on"
            )


def cleanup(database: URL) -> None:
    asyncio.run(delete_users(database, USER_PREFIX))


def reads(playlists: Playlists) -> list[Scenario]:
    """The long playlist's pages, on the service and (the first) on the floor, its items' JSON
    built by Python and by PostgreSQL."""
    cases: list[Scenario] = []
    songs = f"/playlists/{playlists.long_id}/songs?limit={ITEMS_LIMIT}"
    label = f"`GET /playlists/{{id}}/songs?limit={ITEMS_LIMIT}`"
    for key, offset, size in (
        ("i1", 0, playlists.page_bytes),
        ("i2", playlists.deep_offset, playlists.deep_page_bytes),
    ):
        path = songs + (f"&offset={offset}" if offset else "")
        cases.append(
            Scenario(key, f"{label}, offset {offset:,}, {SIZES[-1]:,} items", "service", path,
                     "fixed", cached=False, body_bytes=size, token=playlists.token,
                     group="playlists")
        )  # fmt: skip
    size = playlists.page_bytes
    return [
        *cases,
        Scenario("i1F", f"floor: {label}, offset 0", "floor", songs, "fixed", cached=False,
                 body_bytes=size, group="playlists", twin="i1"),
        Scenario("i1G", f"floor, the JSON built by PostgreSQL: {label}, offset 0", "floor",
                 "/pg" + songs, "fixed", cached=False, body_bytes=size, group="playlists",
                 twin="i1"),
    ]  # fmt: skip


def token_reads(playlists: Playlists) -> list[Scenario]:
    """Reads that need only the owner's token, on the service and on the floor (which reads
    the same rows and no token); the bare endpoint with a song's body is their baseline."""
    short, long = (playlists.ids[size] for size in SIZES)
    token = playlists.token
    cases = [
        ("t1", "`GET /me`", "/me", playlists.me_bytes),
        ("t2", f"`GET /playlists/{{id}}`, {SIZES[0]:,} items", f"/playlists/{short}",
         playlists.playlist_bytes),
        ("t3", f"`GET /playlists/{{id}}`, {SIZES[-1]:,} items", f"/playlists/{long}",
         playlists.playlist_bytes),
    ]  # fmt: skip
    plan: list[Scenario] = []
    for key, label, path, size in cases:
        plan += [
            Scenario(key, f"{label}, the owner's token", "service", path, "fixed", cached=False,
                     body_bytes=size, baseline="f1", token=token, group="token"),
            Scenario(f"{key}F", f"floor: {label}", "floor", path, "fixed", cached=False,
                     body_bytes=size, group="token", twin=key),
        ]  # fmt: skip
    return plan
