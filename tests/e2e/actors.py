"""Who acts on a live server, and what they read back: an admin made with the CLI, a playlist
owner, a small catalog, and a playlist's items checked for consistency."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import httpx
import pytest

from spotify_api.settings import Settings
from tests import helpers
from tests.helpers import PASSWORD, bearer

GUARD_SECONDS = 60
T = TypeVar("T")


async def guarded(awaitable: Awaitable[T]) -> T:
    return await asyncio.wait_for(awaitable, GUARD_SECONDS)


def live_client(base_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        trust_env=False,
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=50),
        timeout=httpx.Timeout(GUARD_SECONDS),
    )


async def ok(response: Awaitable[httpx.Response], status: int = 200) -> dict[str, Any]:
    answer = await guarded(response)
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def log_in(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    body = {"username": username, "password": PASSWORD}
    return bearer((await ok(http.post("/login", json=body)))["access_token"])


async def make_admin(
    http: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """`root`, made with the CLI as an operator makes an admin, logged in."""
    await guarded(helpers.make_admin(settings, monkeypatch))
    return await log_in(http, "root")


async def make_user(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    await ok(http.post("/register", json=body), 201)
    return await log_in(http, username)


async def make_album(http: httpx.AsyncClient, admin: dict[str, str], songs: int) -> dict[str, Any]:
    """A new artist with one album of `songs` songs: {"artist", "album", "songs": [ids]}."""
    artist = await ok(http.post("/artists", json={"name": "Crowds"}, headers=admin), 201)
    body = {"title": "All", "artist_id": artist["id"]}
    album = await ok(http.post("/albums", json=body, headers=admin), 201)
    ids = []
    for n in range(songs):
        song = {"title": f"Song {n}", "album_id": album["id"], "duration_ms": 1_000 + n}
        ids.append((await ok(http.post("/songs", json=song, headers=admin), 201))["id"])
    return {"artist": artist["id"], "album": album["id"], "songs": ids}


async def make_playlist(http: httpx.AsyncClient, owner: dict[str, str], name: str = "Busy") -> str:
    created = await ok(http.post("/playlists/create", json={"name": name}, headers=owner), 201)
    playlist_id: str = created["id"]
    return playlist_id


async def add(
    http: httpx.AsyncClient, owner: dict[str, str], playlist_id: str, song_id: str
) -> dict[str, Any]:
    url = f"/playlists/{playlist_id}/add-song"
    return await ok(http.post(url, json={"song_id": song_id}, headers=owner), 201)


async def consistent_items(
    http: httpx.AsyncClient, owner: dict[str, str], playlist_id: str
) -> list[str]:
    """The playlist's song ids in order, after checking that its count and duration match its
    items and that positions are 0..n-1."""
    items: list[dict[str, Any]] = []
    offset, total = 0, None
    while total is None or offset < total:
        params = {"limit": 100, "offset": offset}
        url = f"/playlists/{playlist_id}/songs"
        page = await ok(http.get(url, params=params, headers=owner))
        total = page["total"]
        items.extend(page["items"])
        offset += 100
    assert [item["position"] for item in items] == list(range(len(items)))
    playlist = await ok(http.get(f"/playlists/{playlist_id}", headers=owner))
    assert playlist["total_songs"] == total == len(items)
    assert playlist["duration_ms"] == sum(item["song"]["duration_ms"] for item in items)
    return [item["song"]["id"] for item in items]


async def keep_adding(
    http: httpx.AsyncClient,
    adder: dict[str, str],
    playlist_id: str,
    song_id: str,
    until: asyncio.Task[httpx.Response],
) -> list[httpx.Response]:
    """Add the song again and again until `until` has answered, then once more: the last
    answer is to a request sent after it answered."""
    url, body = f"/playlists/{playlist_id}/add-song", {"song_id": song_id}
    answers = []
    while True:
        finished = until.done()
        answers.append(await guarded(http.post(url, json=body, headers=adder)))
        if finished:
            return answers
