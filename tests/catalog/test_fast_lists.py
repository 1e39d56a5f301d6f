"""Catalog lists rendered before routing: every request answers exactly as the route answers it
(bodies, links, ETags, errors), cached or not, and without solving the route's dependencies
when its parameters are in their plain forms. Anything unusual is the route's to judge."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI, Request

from spotify_api.catalog.deps import get_catalog_service
from spotify_api.catalog.service import CatalogService
from spotify_api.core.cache import invalidate_catalog
from tests.catalog.conftest import Curator


@pytest.fixture
async def catalog(curator: Curator) -> dict[str, Any]:
    main = await curator.artist("Main Act")
    guest = await curator.artist("Guest Star ✨")
    first = await curator.album(main, "Lanterns", release_date="2019-04-12")
    second = await curator.album(guest, "Ümlaut & Co")
    titles = ['Paper "Moons"', "Amber", "amber", "Zebra ✨", "Lights", "Zzz"]
    for number, title in enumerate(titles, start=1):
        album = first if number % 2 else second
        credits = [[guest], [main], [main, guest]][number % 3]
        await curator.song(album, title, track_number=number, artists=credits)
    return {"artist": main, "guest": guest, "album": first}


def _solving(app: FastAPI) -> list[str]:
    """The paths of the requests whose route dependencies FastAPI solved."""
    solved: list[str] = []

    async def recorded(request: Request) -> CatalogService:
        solved.append(request.url.path)
        return await get_catalog_service(request)

    app.dependency_overrides[get_catalog_service] = recorded
    return solved


async def _answer(app: FastAPI, client: httpx.AsyncClient, url: str) -> tuple[Any, ...]:
    await invalidate_catalog(app.state.cache_redis)
    response = await client.get(url)
    return (
        response.status_code,
        response.content,
        response.headers.get("etag"),
        response.headers.get("cache-control"),
        response.headers["content-type"],
    )


async def _by_route(app: FastAPI, client: httpx.AsyncClient, url: str) -> tuple[Any, ...]:
    renders = app.state.fast_renders
    app.state.fast_renders = {}
    try:
        return await _answer(app, client, url)
    finally:
        app.state.fast_renders = renders


def _plain_urls(catalog: dict[str, Any]) -> list[str]:
    artist, album = catalog["artist"]["id"], catalog["album"]["id"]
    return [
        "/songs",
        "/songs?limit=2",
        "/songs?limit=2&offset=3&sort=-title",
        "/songs?sort=created_at&limit=4",
        f"/songs?q=amber&artist_id={artist}",
        f"/songs?album_id={album}&limit=1&q=",
        "/songs?q=%20ZEBRA%20%E2%9C%A8",
        "/songs?limit=2&cursor=",
        "/songs?offset=99",
        f"/albums?artist_id={artist}&limit=1",
        "/albums?q=%C3%BC&sort=-created_at",
        "/artists?limit=1&sort=-name",
        "/artists?q=star",
    ]


async def test_plain_list_requests_are_answered_as_the_route_does_without_solving_it(
    app: FastAPI, client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    urls = _plain_urls(catalog)
    for url in list(urls):  # and the pages their links lead to, by cursor and by offset
        page = (await client.get(url)).json()
        urls += [link for link in (page["next"], page["previous"]) if link is not None]
    solved = _solving(app)
    for url in urls:
        separator = "&" if "?" in url else "?"
        for variant in (url, f"{url}{separator}_bench=1"):  # stored, and never stored
            expected = await _by_route(app, client, variant)
            assert expected[0] == 200, variant
            del solved[:]
            assert await _answer(app, client, variant) == expected, variant
            assert solved == [], variant  # rendered before routing
    stored = await client.get(urls[1])
    again = await client.get(urls[1], headers={"If-None-Match": stored.headers["etag"]})
    assert again.status_code == 304


async def test_unusual_parameters_are_the_routes_to_judge(
    app: FastAPI, client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    artist = catalog["artist"]["id"]
    page = (await client.get("/songs?limit=2")).json()
    cursor = page["next"].partition("cursor=")[2]
    urls = [
        "/songs?limit=0",
        "/songs?limit=101",
        "/songs?limit=05",
        "/songs?limit=%2B5",
        "/songs?limit=5.0",
        "/songs?limit=abc",
        "/songs?limit=",
        "/songs?limit=2&limit=3",
        "/songs?offset=-1",
        "/songs?offset=1000001",
        "/songs?sort=bogus",
        "/songs?sort=-name",
        "/songs?cursor=garbage",
        f"/songs?cursor={cursor[:-2]}",
        f"/songs?cursor={cursor}&sort=-title",
        f"/songs?cursor={cursor}&q=amber",
        f"/songs?cursor={cursor}&offset=-1",
        f"/songs?cursor={'x' * 1025}",
        f"/songs?artist_id={artist.upper()}",
        f"/songs?artist_id={artist.replace('-', '')}",
        "/songs?artist_id=not-a-uuid",
        "/songs?album_id=",
        "/songs?q=a%00b",
        f"/songs?q={'a' * 101}",
        f"/songs?q={'a' * 100}",
        f"/albums?artist_id={quote(artist.upper())}",
        "/albums?sort=name",
        "/artists?sort=title",
        "/artists?limit=1&offset=x",
    ]
    for url in ["/songs", "/albums", "/artists"]:
        await client.get(url)  # the cache knows the routes now
    for url in urls:
        for variant in (url, f"{url}&_bench=1"):
            expected = await _by_route(app, client, variant)
            got = await _answer(app, client, variant)
            assert got[0] == expected[0], variant
            if got[0] == 200:
                assert got == expected, variant
            else:  # a problem: the same one (its instance and request id aside)
                assert got[4] == expected[4] == "application/problem+json", variant
                assert _problem(got[1]) == _problem(expected[1]), variant


def _problem(body: bytes) -> dict[str, Any]:
    problem: dict[str, Any] = httpx.Response(200, content=body).json()
    problem.pop("request_id", None)
    return problem
