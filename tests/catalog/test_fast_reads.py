"""The catalog's details as rows: the bytes are the schema's own, however they are rendered
(on the cache's fast path, by the route, or uncached), and a dead connection costs no answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from spotify_api.catalog import schemas
from spotify_api.core.cache import invalidate_catalog
from spotify_api.core.metrics import CATALOG_CACHE
from tests.backends import drop_read_pool_connections
from tests.catalog.conftest import Curator
from tests.helpers import assert_problem


@pytest.fixture
async def catalog(curator: Curator) -> dict[str, Any]:
    """An artist with two albums (one empty), a song with two credited artists."""
    main = await curator.artist("Main Act", genres=["dream pop", "shoegaze"])
    guest = await curator.artist("Guest Star ✨")
    album = await curator.album(main, "Lanterns", release_date="2019-04-12")
    await curator.album(main, "Empty", album_type="single")
    song = await curator.song(album, 'Paper "Moons"', artists=[main, guest], isrc="USVHB1900003")
    await curator.song(album, "Second", track_number=2)
    return {"artist": main, "album": album, "song": song}


def _urls(catalog: dict[str, Any]) -> list[tuple[str, type[BaseModel]]]:
    return [
        (f"/songs/{catalog['song']['id']}", schemas.Song),
        (f"/albums/{catalog['album']['id']}", schemas.AlbumDetail),
        (f"/artists/{catalog['artist']['id']}", schemas.ArtistDetail),
    ]


def _misses() -> float:
    return CATALOG_CACHE.labels(result="miss")._value.get()


async def test_every_detail_is_the_bytes_its_schema_makes(
    app: FastAPI, client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    for url, schema in _urls(catalog):
        for _ in range(3):  # through the route, then rendered on the fast path, then a hit
            await invalidate_catalog(app.state.cache_redis)
            response = await client.get(url)
            assert response.status_code == 200, response.text
            assert schema.model_validate_json(response.content).model_dump_json().encode() == (
                response.content
            )
    song = (await client.get(f"/songs/{catalog['song']['id']}")).json()
    assert [artist["name"] for artist in song["artists"]] == ["Main Act", "Guest Star ✨"]
    album = (await client.get(f"/albums/{catalog['album']['id']}")).json()
    assert [s["title"] for s in album["songs"]] == ['Paper "Moons"', "Second"]
    assert album["total_songs"] == 2
    artist = (await client.get(f"/artists/{catalog['artist']['id']}")).json()
    assert {a["title"]: a["total_songs"] for a in artist["albums"]} == {"Lanterns": 2, "Empty": 0}


async def test_a_miss_rendered_before_routing_answers_as_the_route_does(
    app: FastAPI, client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    url = f"/songs/{catalog['song']['id']}"
    await invalidate_catalog(app.state.cache_redis)
    by_route = await client.get(url)  # the route answers, and the cache learns it
    await invalidate_catalog(app.state.cache_redis)
    misses = _misses()
    early = await client.get(url)
    assert _misses() == misses + 1
    assert early.status_code == 200
    assert early.content == by_route.content
    assert early.headers["etag"] == by_route.headers["etag"]
    assert early.headers["cache-control"] == by_route.headers["cache-control"]
    again = await client.get(url, headers={"If-None-Match": early.headers["etag"]})
    assert again.status_code == 304


async def test_ids_in_other_forms_and_missing_ones_are_answered_by_the_route(
    app: FastAPI, client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    song_id = catalog["song"]["id"]
    await client.get(f"/songs/{song_id}")  # learnt
    await invalidate_catalog(app.state.cache_redis)
    upper = await client.get(f"/songs/{song_id.upper()}")
    assert upper.status_code == 200
    assert upper.json()["id"] == song_id
    missing = await client.get("/songs/00000000-0000-4000-8000-000000000000")
    assert_problem(missing, 404, "not_found")
    invalid = await client.get("/songs/not-a-uuid")
    assert invalid.status_code == 422


async def test_a_read_after_the_database_dropped_every_connection_is_answered(
    app: FastAPI, client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    if app.state.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no connections to drop")
    urls = [url for url, _ in _urls(catalog)]
    for url in urls:  # the read pool holds connections now
        assert (await client.get(url)).status_code == 200
    assert await drop_read_pool_connections(app)
    for url in urls:
        await invalidate_catalog(app.state.cache_redis)
        response = await client.get(url)
        assert response.status_code == 200, response.text
