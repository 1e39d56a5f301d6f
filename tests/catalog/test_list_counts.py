"""The `total` of a catalog list is counted once per catalog version: paging on, or asking for
another page size or order, reuses it; any write makes the next page count again.

Counting is observed in the SQL the app executes (a statement that starts `SELECT count(*)`:
album rows carry their own song counts in a subquery, which is not the list's), totals in the
bodies.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.backends import counting
from tests.catalog.conftest import Curator, get_ok


async def counted(app: FastAPI, client: httpx.AsyncClient, url: str) -> tuple[bool, Any]:
    """Whether GET `url` counted its list in SQL, and its body."""
    with counting(app) as statements:
        body = await get_ok(client, url)
    counts = [s for s in statements if s.lstrip().lower().startswith("select count(*)")]
    return bool(counts), body


async def test_paging_on_counts_the_list_once(
    app: FastAPI, client: httpx.AsyncClient, curator: Curator
) -> None:
    album = await curator.album(await curator.artist())
    for title in ("A", "B", "C", "D", "E"):
        await curator.song(album, title)

    first_counted, first = await counted(app, client, "/songs?limit=2")
    next_counted, following = await counted(app, client, first["next"])
    other_size_counted, other_size = await counted(app, client, "/songs?limit=3")
    other_order_counted, other_order = await counted(app, client, "/songs?limit=2&sort=-title")

    assert first_counted
    assert not next_counted
    assert not other_size_counted
    assert not other_order_counted
    assert first["total"] == following["total"] == other_size["total"] == 5
    assert other_order["total"] == 5
    assert [song["title"] for song in following["items"]] == ["C", "D"]
    assert [song["title"] for song in other_order["items"]] == ["E", "D"]


async def test_paging_on_through_albums_counts_them_once(
    app: FastAPI, client: httpx.AsyncClient, curator: Curator
) -> None:
    artist = await curator.artist()
    for title in ("A", "B", "C"):
        await curator.song(await curator.album(artist, title))

    first_counted, first = await counted(app, client, "/albums?limit=2")
    next_counted, following = await counted(app, client, first["next"])

    assert (first_counted, next_counted) == (True, False)
    assert first["total"] == following["total"] == 3
    assert [album["total_songs"] for album in following["items"]] == [1]


async def test_a_write_makes_the_next_page_count_again(
    app: FastAPI, client: httpx.AsyncClient, curator: Curator
) -> None:
    album = await curator.album(await curator.artist())
    await curator.song(album, "First")
    before = await get_ok(client, "/songs?limit=1")
    await curator.song(album, "Second")

    recounted, after = await counted(app, client, "/songs?limit=2")  # same list, same filters
    assert recounted
    assert (before["total"], after["total"]) == (1, 2)


async def test_each_filter_has_its_own_count(
    app: FastAPI, client: httpx.AsyncClient, curator: Curator
) -> None:
    artist = await curator.artist("Solo")
    one = await curator.album(artist, "One")
    two = await curator.album(artist, "Two")
    for title in ("Rain", "Rainbow", "Sun"):
        await curator.song(one, title)
    await curator.song(two, "Rainfall")

    totals = {}
    for url in (
        "/songs?limit=1",
        f"/songs?limit=1&album_id={one['id']}",
        f"/songs?limit=1&album_id={two['id']}",
        "/songs?limit=1&q=rain",
        f"/songs?limit=1&q=rain&album_id={one['id']}",
        f"/albums?limit=1&artist_id={artist['id']}",
        "/artists?limit=1",
    ):
        was_counted, body = await counted(app, client, url)
        assert was_counted, url
        totals[url] = body["total"]
    assert list(totals.values()) == [4, 3, 1, 3, 2, 2, 1]
