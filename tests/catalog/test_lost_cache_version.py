"""The catalog cache's version lost (a flush, an eviction, a Redis restart without persistence)
must never make an older cached answer current again.

An entry counts while the version it was rendered at is the current one. Before versions moved
past every value they held, a lost version read as "0", and a write after the loss started it
at 1 again: answers cached at "0" or "1" long before (still within their lifetime) became
current, and clients read titles that had since changed. Both losses are made here by deleting
the key, as an eviction would.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from spotify_api.core.cache_store import CATALOG_VERSION_KEY
from tests.catalog.conftest import Curator, get_ok


async def _lose_the_version(app: FastAPI) -> None:
    await app.state.cache_redis.delete(CATALOG_VERSION_KEY)


async def _title(client: httpx.AsyncClient, song: dict[str, Any]) -> str:
    title: str = (await get_ok(client, f"/songs/{song['id']}"))["title"]
    return title


async def _album_titles(client: httpx.AsyncClient, album: dict[str, Any]) -> list[str]:
    return [song["title"] for song in (await get_ok(client, f"/albums/{album['id']}"))["songs"]]


async def test_an_answer_cached_before_the_version_was_lost_never_comes_back(
    app: FastAPI,
    client: httpx.AsyncClient,
    curator: Curator,
    admin_headers: dict[str, str],
    lanterns: dict[str, Any],
) -> None:
    song = await curator.song(lanterns, "First")
    url = f"/songs/{song['id']}"
    for title in ("Second", "Third", "Fourth"):
        await _lose_the_version(app)
        before = await _album_titles(client, lanterns)  # rendered while the version is lost
        assert await _album_titles(client, lanterns) == before
        renamed = await client.patch(url, json={"title": title}, headers=admin_headers)
        assert renamed.status_code == 200, renamed.text
        assert await _title(client, song) == title  # only the song is read again
        await _lose_the_version(app)
        assert await _album_titles(client, lanterns) == [title]  # not the album of before
        assert await _title(client, song) == title


async def test_a_write_right_after_the_loss_makes_every_older_answer_obsolete(
    app: FastAPI,
    client: httpx.AsyncClient,
    curator: Curator,
    admin_headers: dict[str, str],
    lanterns: dict[str, Any],
) -> None:
    song = await curator.song(lanterns, "Before")
    url = f"/songs/{song['id']}"
    renamed = await client.patch(url, json={"title": "Cached"}, headers=admin_headers)
    assert renamed.status_code == 200, renamed.text
    assert await _title(client, song) == "Cached"
    for round_ in range(3):
        await _lose_the_version(app)
        title = f"After loss {round_}"
        renamed = await client.patch(url, json={"title": title}, headers=admin_headers)
        assert renamed.status_code == 200, renamed.text
        assert await _title(client, song) == title
        assert await _title(client, song) == title
    listed = await get_ok(client, f"/songs?album_id={lanterns['id']}")
    assert [item["title"] for item in listed["items"]] == ["After loss 2"]
