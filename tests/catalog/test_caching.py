"""The catalog's cached reads through the real routes: validators, 304s, a write seen at once,
and reads that go on when Redis cannot be reached."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY

from tests.backends import UNREACHABLE_REDIS
from tests.catalog.conftest import Curator, get_ok
from tests.conftest import asgi_client

STRONG_ETAG = re.compile(r'"[0-9a-f]{32}"')
CACHE_CONTROL = re.compile(r"public, max-age=\d+")


@pytest.fixture
async def catalog(curator: Curator) -> dict[str, Any]:
    velvet = await curator.artist("Velvet Harbors")
    album = await curator.album(velvet, "Lanterns")
    song = await curator.song(album, "Paper Moons")
    await curator.song(album, "Harbor Lights")
    return {"artist": velvet, "album": album, "song": song}


def urls(catalog: dict[str, Any]) -> list[str]:
    return [
        f"/songs/{catalog['song']['id']}",
        "/songs",
        f"/songs?q=paper&album_id={catalog['album']['id']}",
        f"/albums/{catalog['album']['id']}",
        "/albums?sort=-created_at",
        f"/artists/{catalog['artist']['id']}",
        "/artists?limit=5",
    ]


def validated(response: httpx.Response) -> str:
    """The response is a cacheable 200: strong ETag, public Cache-Control; its ETag."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert CACHE_CONTROL.fullmatch(response.headers["cache-control"])
    etag = response.headers["etag"]
    assert STRONG_ETAG.fullmatch(etag), etag
    return etag


async def test_every_read_has_a_strong_etag_and_a_public_max_age(
    client: httpx.AsyncClient, app: FastAPI, catalog: dict[str, Any]
) -> None:
    max_age = app.state.settings.cache_max_age_seconds
    for url in urls(catalog):
        response = await client.get(url)
        validated(response)
        assert response.headers["cache-control"] == f"public, max-age={max_age}"


async def test_if_none_match_with_the_etag_is_304_with_no_body(
    client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    for url in urls(catalog):
        first = await client.get(url)
        etag = validated(first)
        again = await client.get(url)
        assert validated(again) == etag  # the same bytes, from the cache
        assert again.content == first.content

        not_modified = await client.get(url, headers={"If-None-Match": etag})
        assert not_modified.status_code == 304, url
        assert not_modified.content == b""
        assert not_modified.headers["etag"] == etag
        assert CACHE_CONTROL.fullmatch(not_modified.headers["cache-control"])

        other = await client.get(url, headers={"If-None-Match": '"something-else"'})
        assert validated(other) == etag
        assert other.json() == first.json()


async def test_a_write_is_seen_by_the_very_next_read(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: dict[str, Any],
) -> None:
    song_url = f"/songs/{catalog['song']['id']}"
    album_url = f"/albums/{catalog['album']['id']}"
    watched = [song_url, "/songs", album_url, f"/songs?q=paper&album_id={catalog['album']['id']}"]
    etags = {url: validated(await client.get(url)) for url in watched}
    for url, etag in etags.items():  # cached now, and still current
        assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 304

    response = await client.patch(
        song_url, json={"title": "Paper Moons (Remastered)"}, headers=admin_headers
    )
    assert response.status_code == 200, response.text

    song = await client.get(song_url, headers={"If-None-Match": etags[song_url]})
    assert validated(song) != etags[song_url]
    assert song.json()["title"] == "Paper Moons (Remastered)"
    assert song.json() == response.json()
    listed = await client.get("/songs", headers={"If-None-Match": etags["/songs"]})
    assert validated(listed) != etags["/songs"]
    assert "Paper Moons (Remastered)" in [item["title"] for item in listed.json()["items"]]
    album = await client.get(album_url, headers={"If-None-Match": etags[album_url]})
    assert validated(album) != etags[album_url]
    assert "Paper Moons (Remastered)" in [item["title"] for item in album.json()["songs"]]
    # The new ETag is the one that is current now.
    new_etag = song.headers["etag"]
    assert (await client.get(song_url, headers={"If-None-Match": new_etag})).status_code == 304


@pytest.mark.parametrize("write", ["create", "rename artist", "delete song", "delete album"])
async def test_every_kind_of_write_invalidates(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    curator: Curator,
    catalog: dict[str, Any],
    write: str,
) -> None:
    album_url = f"/albums/{catalog['album']['id']}"
    before = await get_ok(client, album_url)
    songs_before = await get_ok(client, "/songs")
    if write == "create":
        await curator.song(catalog["album"], "Encore")
    elif write == "rename artist":
        url = f"/artists/{catalog['artist']['id']}"
        response = await client.patch(url, json={"name": "Velvet"}, headers=admin_headers)
        assert response.status_code == 200, response.text
    elif write == "delete song":
        response = await client.delete(f"/songs/{catalog['song']['id']}", headers=admin_headers)
        assert response.status_code == 204, response.text
    else:
        response = await client.delete(f"{album_url}?cascade=true", headers=admin_headers)
        assert response.status_code == 204, response.text
        assert (await client.get(album_url)).status_code == 404
        assert (await get_ok(client, "/songs"))["total"] == 0
        return
    after = await get_ok(client, album_url)
    assert after != before
    assert (await get_ok(client, "/songs")) != songs_before
    expected_total = {"create": 3, "rename artist": 2, "delete song": 1}[write]
    assert after["total_songs"] == expected_total
    if write == "rename artist":
        assert after["artist"]["name"] == "Velvet"
        assert all(song["artists"][0]["name"] == "Velvet" for song in after["songs"])


async def test_a_404_is_not_cached(
    client: httpx.AsyncClient, admin_headers: dict[str, str], catalog: dict[str, Any]
) -> None:
    song_url = f"/songs/{catalog['song']['id']}"
    response = await client.delete(song_url, headers=admin_headers)
    assert response.status_code == 204
    missing = await client.get(song_url)
    assert missing.status_code == 404
    assert "etag" not in missing.headers


async def test_with_redis_unreachable_reads_are_served_from_the_database(
    client: httpx.AsyncClient, app_with: Callable[..., Any], catalog: dict[str, Any]
) -> None:
    expected = {url: await get_ok(client, url) for url in urls(catalog)}
    async with (
        app_with(redis_url=UNREACHABLE_REDIS) as offline,
        asgi_client(offline) as offline_client,
    ):
        for _ in range(2):  # the first read finds Redis gone; the next ones skip it
            for url, body in expected.items():
                response = await offline_client.get(url)
                etag = validated(response)
                assert response.json() == body
                # The validator still works, computed from the body.
                again = await offline_client.get(url, headers={"If-None-Match": etag})
                assert again.status_code == 304
        missing = await offline_client.get("/songs/00000000-0000-4000-8000-000000000000")
        assert missing.status_code == 404
        # Paging goes on too: the next link of an uncached list works.
        page = await get_ok(offline_client, "/songs?limit=1")
        following = await get_ok(offline_client, page["next"])
        assert [item["title"] for item in following["items"]] == ["Paper Moons"]


async def test_a_repeated_parameter_cannot_fill_another_querys_entry(
    client: httpx.AsyncClient, curator: Curator
) -> None:
    """The route reads the last value of a repeated parameter, an empty one too: the entry of
    `q=love&q=` (no filter) must never answer `q=love`, nor a cursor-less page a cursor's."""
    album = await curator.album(await curator.artist())
    await curator.song(album, "Love Song")
    await curator.song(album, "Other")

    unfiltered = await get_ok(client, "/songs?q=love&q=")
    searched = await get_ok(client, "/songs?q=love")
    first = await get_ok(client, "/songs?limit=1")
    restarted = await get_ok(client, first["next"] + "&cursor=")
    second = await get_ok(client, first["next"])

    assert unfiltered["total"] == 2
    assert [song["title"] for song in searched["items"]] == ["Love Song"]
    assert restarted["items"] == first["items"]
    assert [song["title"] for song in second["items"]] == ["Other"]


async def test_a_parameter_no_route_reads_is_answered_but_never_stored(
    client: httpx.AsyncClient, raw_redis: Any, catalog: dict[str, Any]
) -> None:
    """A cache-buster or junk parameter gets the right answer, rendered, and leaves nothing in
    Redis: a client cannot fill it with copies of one answer."""

    async def entries() -> list[bytes]:
        return sorted([key async for key in raw_redis.scan_iter(match="catalog:entry:*")])

    def uncacheable() -> float:
        labels = {"result": "uncacheable"}
        return REGISTRY.get_sample_value("catalog_cache_total", labels) or 0.0

    plain = await get_ok(client, "/songs?limit=5")
    stored, counted = await entries(), uncacheable()
    busted = [await client.get(f"/songs?limit=5&_={n}") for n in range(3)]
    song = await client.get(f"/songs/{catalog['song']['id']}?junk=1")

    assert [response.json() for response in busted] == [plain] * 3
    assert song.json() == catalog["song"]
    assert "etag" in song.headers
    assert await entries() == stored
    assert uncacheable() == counted + 4
