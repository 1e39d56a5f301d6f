"""The catalog cache on a Redis of its own (CACHE_REDIS_URL), which may evict any key at any
moment, and `/ready` telling an operator when the session Redis could evict.

The cache Redis here is a real `redis-server` the test starts with a `maxmemory` just above what
it uses empty and `allkeys-lru`, so that catalog entries, list counts and the version key itself
are evicted while reads and writes go on. Every answer must match what the catalog holds.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import httpx
import redis.asyncio as aioredis
from fastapi import FastAPI

from tests.conftest import asgi_client
from tests.helpers import bearer, login, make_admin
from tests.redis_servers import redis_server

SONGS = 60
HEADROOM_BYTES = 600_000  # above what the empty server uses: a few dozen pages of 60 songs
ROUNDS = 25


async def _evicting(url: str) -> None:
    """Give the server at `url` a memory limit just above what it uses now."""
    client = aioredis.Redis.from_url(url)
    try:
        used = int((await client.info("memory"))["used_memory"])
        await client.config_set("maxmemory", used + HEADROOM_BYTES)
    finally:
        await client.aclose()


async def _evicted(url: str) -> int:
    client = aioredis.Redis.from_url(url)
    try:
        return int((await client.info("stats"))["evicted_keys"])
    finally:
        await client.aclose()


async def _catalog(client: httpx.AsyncClient, admin: dict[str, str]) -> tuple[str, list[str]]:
    artist = await client.post("/artists", json={"name": "Crowds"}, headers=admin)
    album = await client.post(
        "/albums", json={"title": "All", "artist_id": artist.json()["id"]}, headers=admin
    )
    album_id: str = album.json()["id"]
    songs = []
    for n in range(SONGS):
        body = {"title": f"Song {n:02d}", "album_id": album_id, "duration_ms": 1000 + n}
        made = await client.post("/songs", json=body, headers=admin)
        assert made.status_code == 201, made.text
        songs.append(made.json()["id"])
    return album_id, songs


async def test_an_evicting_cache_redis_never_serves_an_answer_the_catalog_no_longer_holds(
    app: FastAPI, app_with: Callable[..., Any], monkeypatch: Any
) -> None:
    rng = random.Random(7)  # a repeatable test
    with redis_server("--maxmemory-policy", "allkeys-lru") as cache_url:
        await _evicting(cache_url)
        async with app_with(cache_redis_url=cache_url) as cached, asgi_client(cached) as client:
            await make_admin(cached.state.settings, monkeypatch)
            admin = bearer(await login(client, "root"))
            album_id, songs = await _catalog(client, admin)
            titles = {song: f"Song {n:02d}" for n, song in enumerate(songs)}
            for round_ in range(ROUNDS):
                renamed = rng.choice(songs)
                titles[renamed] = f"Renamed {round_}"
                answer = await client.patch(
                    f"/songs/{renamed}", json={"title": titles[renamed]}, headers=admin
                )
                assert answer.status_code == 200, answer.text
                for offset in rng.sample(range(SONGS), 12):  # pages that fill the memory
                    page = await client.get(
                        f"/songs?album_id={album_id}&sort=created_at&limit=100&offset={offset}"
                    )
                    assert page.status_code == 200, page.text
                    listed = page.json()
                    assert listed["total"] == SONGS
                    expected = [titles[song] for song in songs[offset:]]
                    assert [item["title"] for item in listed["items"]] == expected, round_
                for song in rng.sample(songs, 10):
                    one = await client.get(f"/songs/{song}")
                    assert one.json()["title"] == titles[song], round_
            assert await _evicted(cache_url) > 0  # the cache did lose entries meanwhile
            # Sessions stayed on the session Redis: the admin's token still works.
            me = await client.get("/me", headers=admin)
            assert me.status_code == 200, me.text


async def test_ready_warns_when_the_session_redis_may_evict(
    app: FastAPI, app_with: Callable[..., Any]
) -> None:
    with redis_server("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru") as evicting:
        async with app_with(redis_url=evicting) as served, asgi_client(served) as client:
            ready = await client.get("/ready")
        assert ready.status_code == 200, ready.text
        (warning,) = ready.json()["warnings"]
        assert "allkeys-lru" in warning
        assert "CACHE_REDIS_URL" in warning
        # An evicting Redis for the cache alone is what it is for: no warning.
        async with app_with(cache_redis_url=evicting) as served, asgi_client(served) as client:
            ready = await client.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["warnings"] == []
        assert ready.json()["cache"] == "ok"


async def test_ready_reports_a_cache_redis_that_is_down_without_failing(
    app: FastAPI, app_with: Callable[..., Any]
) -> None:
    unreachable = "redis://127.0.0.1:1/0"
    async with app_with(cache_redis_url=unreachable) as served, asgi_client(served) as client:
        ready = await client.get("/ready")
        song = await client.get("/songs")  # served from the database meanwhile
    assert ready.status_code == 200, ready.text
    assert (ready.json()["redis"], ready.json()["cache"]) == ("ok", "down")
    assert song.status_code == 200, song.text
