"""What a catalog read costs in SQL statements: a fixed few, however many rows it shows (no N+1).

A few rows are curated through the API; the many are inserted with SQLAlchemy Core. Before each
measured request the cache version is bumped, so that the request renders (and queries) for real.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert

from spotify_api.catalog.models import Album, Artist, Song, SongArtist
from spotify_api.core.cache import invalidate_catalog
from tests.backends import counting
from tests.catalog.conftest import Curator, get_ok

MANY = 120
MAX_STATEMENTS = 4


async def cost(app: FastAPI, client: httpx.AsyncClient, url: str) -> tuple[int, Any]:
    """How many statements a fresh (uncached) GET of `url` executes, and its body."""
    await invalidate_catalog(app.state.cache_redis)
    with counting(app) as statements:
        body = await get_ok(client, url)
    return len(statements), body


@pytest.fixture
async def bulk(app: FastAPI, curator: Curator) -> dict[str, Any]:
    """`main` has a small album (2 songs), a big one (MANY songs, each crediting `guest` too)
    and MANY more albums; `guest` has one album. MANY more artists have nothing."""
    main = await curator.artist("Main Act")
    guest = await curator.artist("Guest Star")
    small = await curator.album(main, "Small")
    big = await curator.album(main, "Big")
    guest_album = await curator.album(guest, "Guest Album")
    for title in ("Small One", "Small Two"):
        await curator.song(small, title)
    await curator.song(guest_album, "Guest Song")
    for title in ("Big One", "Big Two"):
        await curator.song(big, title, artists=[main, guest])

    song_ids = [uuid.uuid4() for _ in range(MANY)]
    songs = [
        {
            "id": song_id,
            "title": f"Bulk Song {index:03}",
            "album_id": uuid.UUID(big["id"]),
            "duration_ms": 180_000 + index,
            "track_number": index + 3,
        }
        for index, song_id in enumerate(song_ids)
    ]
    credits = [
        {"song_id": song_id, "position": position, "artist_id": uuid.UUID(artist["id"])}
        for song_id in song_ids
        for position, artist in enumerate((main, guest))
    ]
    albums = [
        {"id": uuid.uuid4(), "title": f"Bulk Album {index:03}", "artist_id": uuid.UUID(main["id"])}
        for index in range(MANY)
    ]
    artists = [{"id": uuid.uuid4(), "name": f"Bulk Artist {index:03}"} for index in range(MANY)]
    async with app.state.engine.begin() as connection:
        await connection.execute(insert(Artist), artists)
        await connection.execute(insert(Song), songs)
        await connection.execute(insert(SongArtist), credits)
        await connection.execute(insert(Album), albums)
    return {"main": main, "guest": guest, "small": small, "big": big, "guest_album": guest_album}


async def test_a_page_of_songs_costs_the_same_at_5_and_at_100(
    app: FastAPI, client: httpx.AsyncClient, bulk: dict[str, Any]
) -> None:
    few, small_page = await cost(app, client, "/songs?limit=5")
    many, big_page = await cost(app, client, "/songs?limit=100")
    assert len(small_page["items"]) == 5
    assert len(big_page["items"]) == 100
    assert big_page["total"] == MANY + 5
    credited = [item for item in big_page["items"] if item["title"].startswith("Bulk")]
    assert len(credited) > 90
    assert all(len(item["artists"]) == 2 for item in credited)
    assert all(item["album"]["title"] == "Big" for item in credited)
    assert many == few
    assert many <= MAX_STATEMENTS

    deep, next_page = await cost(app, client, big_page["next"])
    assert len(next_page["items"]) == MANY + 5 - 100
    assert deep == few


async def test_filtered_song_pages_cost_the_same(
    app: FastAPI, client: httpx.AsyncClient, bulk: dict[str, Any]
) -> None:
    guest = bulk["guest"]["id"]
    few, _ = await cost(app, client, f"/songs?limit=5&artist_id={guest}")
    many, page = await cost(app, client, f"/songs?limit=100&artist_id={guest}&q=song")
    assert len(page["items"]) == 100
    assert many == few
    assert many <= MAX_STATEMENTS


async def test_an_album_with_many_songs_costs_what_a_small_one_costs(
    app: FastAPI, client: httpx.AsyncClient, bulk: dict[str, Any]
) -> None:
    few, small = await cost(app, client, f"/albums/{bulk['small']['id']}")
    many, big = await cost(app, client, f"/albums/{bulk['big']['id']}")
    assert len(small["songs"]) == 2
    assert len(big["songs"]) == MANY + 2
    assert big["total_songs"] == MANY + 2
    assert [song["track_number"] for song in big["songs"]] == list(range(1, MANY + 3))
    assert all(len(song["artists"]) == 2 for song in big["songs"])
    assert many == few
    assert many <= MAX_STATEMENTS


async def test_an_artist_with_many_albums_costs_what_one_with_one_costs(
    app: FastAPI, client: httpx.AsyncClient, bulk: dict[str, Any]
) -> None:
    few, guest = await cost(app, client, f"/artists/{bulk['guest']['id']}")
    many, main = await cost(app, client, f"/artists/{bulk['main']['id']}")
    assert len(guest["albums"]) == 1
    assert len(main["albums"]) == MANY + 2
    totals = {album["title"]: album["total_songs"] for album in main["albums"]}
    assert totals["Big"] == MANY + 2
    assert totals["Small"] == 2
    assert totals["Bulk Album 000"] == 0
    assert all(album["artist"]["name"] == "Main Act" for album in main["albums"])
    assert many == few
    assert many <= MAX_STATEMENTS


async def test_a_page_of_albums_or_artists_costs_the_same_at_5_and_at_100(
    app: FastAPI, client: httpx.AsyncClient, bulk: dict[str, Any]
) -> None:
    few, _ = await cost(app, client, "/albums?limit=5")
    many, page = await cost(app, client, "/albums?limit=100&sort=-created_at")
    assert len(page["items"]) == 100
    assert all(album["artist"]["name"] for album in page["items"])
    assert many == few
    assert many <= MAX_STATEMENTS
    few, _ = await cost(app, client, "/artists?limit=1")
    many, page = await cost(app, client, "/artists?limit=100")
    assert len(page["items"]) == 100
    assert page["total"] == MANY + 2
    assert many == few
    assert many <= MAX_STATEMENTS


async def test_a_cached_read_costs_no_statement(
    app: FastAPI, client: httpx.AsyncClient, bulk: dict[str, Any]
) -> None:
    url = f"/albums/{bulk['big']['id']}"
    rendered, first = await cost(app, client, url)
    assert rendered > 0
    with counting(app) as statements:
        assert await get_ok(client, url) == first
    assert statements == []
