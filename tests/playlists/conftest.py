"""Fixtures of the playlists' HTTP tests: two users, a small catalog curated by an admin through
the API, and a factory that makes playlists (with songs) as their owner would.

Helpers that read a playlist back (`order`, `get_playlist`, …) live here too, so that every test
module asserts on what a client sees in the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from spotify_api.catalog.models import Song
from spotify_api.core.db import utc_now
from spotify_api.playlists.models import RANK_GAP, Playlist, PlaylistItem
from tests.helpers import (
    Account,
    account,
    assert_problem,
    bearer,
    created,
    login,
    make_admin,
)

SONG_DURATIONS = (180_000, 181_000, 182_000, 183_000, 184_000, 185_000, 186_000, 187_000)


@pytest.fixture
async def user(client: httpx.AsyncClient) -> Account:
    """`ada`, a regular user with every scope a user may have."""
    return await account(client, "ada")


@pytest.fixture
def user_headers(user: Account) -> dict[str, str]:
    return user.headers


@pytest.fixture
async def other_user(client: httpx.AsyncClient) -> Account:
    """`bob`, a second regular user."""
    return await account(client, "bob")


@pytest.fixture
def other_headers(other_user: Account) -> dict[str, str]:
    return other_user.headers


@pytest.fixture
async def admin_headers(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """The bearer of `root`, an admin made as an operator makes one: with the CLI."""
    await make_admin(app.state.settings, monkeypatch)
    return bearer(await login(client, "root"))


@dataclass(frozen=True)
class Catalog:
    """One artist with two albums: `first` holds songs[0:5], `second` songs[5:8]."""

    artist: dict[str, Any]
    first: dict[str, Any]
    second: dict[str, Any]
    songs: list[dict[str, Any]]


@pytest.fixture
async def catalog(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> Catalog:
    """Eight songs of distinct durations, curated through the API by an admin."""

    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        return created(await client.post(path, json=body, headers=admin_headers))

    artist = await post("/artists", {"name": "The Velvet Harbors"})
    first = await post("/albums", {"title": "Lanterns", "artist_id": artist["id"]})
    second = await post("/albums", {"title": "Tidewater", "artist_id": artist["id"]})
    songs = [
        await post(
            "/songs",
            {
                "title": f"Song {index}",
                "album_id": (first if index < 5 else second)["id"],
                "duration_ms": duration,
            },
        )
        for index, duration in enumerate(SONG_DURATIONS)
    ]
    return Catalog(artist, first, second, songs)


@pytest.fixture
def songs(catalog: Catalog) -> list[dict[str, Any]]:
    return catalog.songs


class PlaylistFactory(Protocol):
    async def __call__(
        self,
        name: str = ...,
        *,
        songs: Sequence[dict[str, Any]] = ...,
        headers: dict[str, str] | None = ...,
        **fields: Any,
    ) -> dict[str, Any]: ...


@pytest.fixture
def make_playlist(client: httpx.AsyncClient, user_headers: dict[str, str]) -> PlaylistFactory:
    """Creates a playlist (the user's, unless `headers` say whose), appends `songs` in order and
    returns the playlist as GET shows it afterwards."""

    async def make(
        name: str = "Road trip",
        *,
        songs: Sequence[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        headers = headers or user_headers
        response = await client.post(
            "/playlists/create", json={"name": name, **fields}, headers=headers
        )
        playlist = created(response)
        for song in songs:
            await add_song(client, headers, playlist["id"], song["id"])
        return await get_playlist(client, headers, playlist["id"]) if songs else playlist

    return make


async def add_song(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    playlist_id: str,
    song_id: str,
    position: int | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"song_id": song_id}
    if position is not None:
        body["position"] = position
    response = await client.post(f"/playlists/{playlist_id}/add-song", json=body, headers=headers)
    return created(response)


async def get_playlist(
    client: httpx.AsyncClient, headers: dict[str, str], playlist_id: str
) -> dict[str, Any]:
    response = await client.get(f"/playlists/{playlist_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def items(
    client: httpx.AsyncClient, headers: dict[str, str], playlist_id: str
) -> list[dict[str, Any]]:
    """Every item of the playlist, following `next`; positions must be 0..n-1 in order."""
    found: list[dict[str, Any]] = []
    url: str | None = f"/playlists/{playlist_id}/songs?limit=100"
    while url is not None:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend(page["items"])
        url = page["next"]
    assert [item["position"] for item in found] == list(range(len(found)))
    return found


async def order(client: httpx.AsyncClient, headers: dict[str, str], playlist_id: str) -> list[str]:
    """The playlist's song ids in playlist order, checking that positions are dense."""
    return [item["song"]["id"] for item in await items(client, headers, playlist_id)]


def ids(songs: Sequence[dict[str, Any]]) -> list[str]:
    return [song["id"] for song in songs]


def assert_invalid(response: httpx.Response, field: str) -> dict[str, Any]:
    """A 422 validation_error whose `errors` name `field` in a `loc`."""
    body = assert_problem(response, 422, "validation_error")
    assert any(field in error["loc"] for error in body["errors"]), body
    return body


async def bulk_fill(app: FastAPI, playlist_id: str, song_ids: list[str], count: int) -> None:
    """Give the playlist `count` items (cycling through `song_ids`) straight in the database,
    ranked as a renumbered playlist is, its count and duration to match."""
    now = utc_now()
    rows = [
        {
            "playlist_id": uuid.UUID(playlist_id),
            "rank": (position + 1) * RANK_GAP,
            "song_id": uuid.UUID(song_ids[position % len(song_ids)]),
            "added_at": now,
        }
        for position in range(count)
    ]
    async with app.state.engine.begin() as connection:
        await connection.execute(insert(PlaylistItem), rows)
        await count_items(connection, playlist_id)


async def count_items(connection: AsyncConnection, playlist_id: str) -> None:
    """Give the playlist the count and duration of the items it holds, as its writers do."""
    of_playlist = PlaylistItem.playlist_id == Playlist.id
    count = select(func.count()).where(of_playlist).scalar_subquery()
    duration = (
        select(func.coalesce(func.sum(Song.duration_ms), 0))
        .join(PlaylistItem, PlaylistItem.song_id == Song.id)
        .where(of_playlist)
        .scalar_subquery()
    )
    await connection.execute(
        update(Playlist)
        .where(Playlist.id == uuid.UUID(playlist_id))
        .values(total_songs=count, duration_ms=duration)
    )
