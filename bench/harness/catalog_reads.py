"""The catalog's reads as the service shows them: the paths to ask for (found through the
service itself), the size of their answers, and the cases measured on them."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from harness.common import BenchError, http_client
from harness.load import Scenario

PAGE_LIMIT = 20
DEEP_PAGES = 500  # `next` followed this often: a page 10,000 items in
VERY_DEEP = 500_000  # items before the very deep page (at most half the catalog)
OFFSET_TRIES = 3  # the offset request that jumps there is slow: PostgreSQL may time it out
UNCACHED_IDS = 100_000
SEARCH = "love"


@dataclass(frozen=True, slots=True)
class Catalog:
    song_path: str
    song_bytes: int
    page_path: str
    page_bytes: int
    deep_path: str
    deep_bytes: int
    very_deep: int  # items before the very deep page
    very_deep_path: str
    very_deep_bytes: int
    search_path: str
    search_bytes: int
    search_total: int
    album_bytes: int  # the first song's album, with its songs
    artist_bytes: int  # the first song's first artist, with its albums


def very_deep_items(songs: int) -> int:
    """How deep the very deep page is: VERY_DEEP items, or half a smaller catalog."""
    return min(VERY_DEEP, songs // 2 // PAGE_LIMIT * PAGE_LIMIT)


def explore(base_url: str, songs: int) -> Catalog:
    """The paths to measure, and their bodies' sizes, read through the service itself."""
    with http_client(base_url) as client:
        page_path = f"/songs?limit={PAGE_LIMIT}"
        first = get(client, page_path)
        probe = get(client, f"{page_path}&_bench=probe")
        if probe.content != first.content:
            raise BenchError(
                "the app answers an unknown query parameter differently: `_bench` cannot "
                "make uncached reads of the same page"
            )
        song_path = f"/songs/{first.json()['items'][0]['id']}"
        song = get(client, song_path)
        album = get(client, f"/albums/{song.json()['album']['id']}")
        artist = get(client, f"/artists/{song.json()['artists'][0]['id']}")
        print(f"following `next` {DEEP_PAGES} times from {page_path} …", flush=True)
        started = time.perf_counter()
        deep, deep_path = first, page_path
        for _ in range(DEEP_PAGES):
            deep_path = _next_path(deep.json())
            deep = get(client, deep_path)
        print(f"  {time.perf_counter() - started:.1f} s")
        if deep.json()["offset"] != PAGE_LIMIT * DEEP_PAGES:
            raise BenchError(f"the deep page starts at {deep.json()['offset']}")
        very_deep = very_deep_items(songs)
        very_deep_path, very_deep_page = _page_after(client, page_path, very_deep)
        search_path = f"/songs?q={SEARCH}&limit={PAGE_LIMIT}"
        search = get(client, search_path)
    return Catalog(
        song_path=song_path,
        song_bytes=len(song.content),
        page_path=page_path,
        page_bytes=len(first.content),
        deep_path=deep_path,
        deep_bytes=len(deep.content),
        very_deep=very_deep,
        very_deep_path=very_deep_path,
        very_deep_bytes=len(very_deep_page.content),
        search_path=search_path,
        search_bytes=len(search.content),
        search_total=search.json()["total"],
        album_bytes=len(album.content),
        artist_bytes=len(artist.content),
    )


def song_bytes(base_url: str) -> int:
    """The size of a song's body, for the bare endpoint, when the catalog is not explored."""
    with http_client(base_url) as client:
        first = get(client, f"/songs?limit={PAGE_LIMIT}").json()["items"][0]["id"]
        return len(get(client, f"/songs/{first}").content)


def _page_after(client: httpx.Client, page_path: str, items: int) -> tuple[str, httpx.Response]:
    """The cursor page `items` items in, and its path: `next` of the page before it, reached
    by `offset` (one slow request), checked against the page that `offset` gives there."""
    print(f"jumping {items:,} items in with offset …", flush=True)
    before = get(client, f"{page_path}&offset={items - PAGE_LIMIT}", tries=OFFSET_TRIES)
    path = _next_path(before.json())
    page = get(client, path)
    by_offset = get(client, f"{page_path}&offset={items}", tries=OFFSET_TRIES)
    if page.json()["offset"] != items or page.json()["items"] != by_offset.json()["items"]:
        raise BenchError(f"the cursor page {items:,} items in is not the page at that offset")
    return path, page


def get(client: httpx.Client, path: str, tries: int = 1) -> httpx.Response:
    for _ in range(tries):
        response = client.get(path)
        if response.status_code == 200:
            return response
    raise BenchError(f"GET {path}: {response.status_code} {response.text[:300]}")


def _next_path(page: Mapping[str, object]) -> str:
    link = page["next"]
    if not isinstance(link, str):
        raise BenchError(f"the list ends before {DEEP_PAGES} pages")
    return link


def bare_song(size: int) -> Scenario:
    """The bare endpoint with a song's body: the catalog's single reads, and the token-only
    reads, are compared with it."""
    return Scenario("f1", "bare endpoint, a song's body size", "bare-song", "/bare", "fixed",
                    cached=True, body_bytes=size)  # fmt: skip


def bare_page(size: int) -> Scenario:
    """The bare endpoint with a page's body: the lists (and searches) are compared with it."""
    return Scenario("f2", "bare endpoint, a page's body size", "bare-page", "/bare", "fixed",
                    cached=True, body_bytes=size)  # fmt: skip


def scenarios(catalog: Catalog) -> list[Scenario]:
    song, page = catalog.song_bytes, catalog.page_bytes
    deep = PAGE_LIMIT * DEEP_PAGES
    return [
        bare_song(song),
        Scenario("a", "cached `GET /songs/{id}`", "service", catalog.song_path, "fixed",
                 cached=True, body_bytes=song, baseline="f1"),
        Scenario("c", f"uncached `GET /songs/{{id}}`, {UNCACHED_IDS // 1000}k ids in turn",
                 "service", "/songs/", "ids", cached=False, body_bytes=song, baseline="f1"),
        bare_page(page),
        Scenario("b", f"cached `GET /songs?limit={PAGE_LIMIT}`", "service", catalog.page_path,
                 "fixed", cached=True, body_bytes=page, baseline="f2"),
        Scenario("d1", f"uncached `GET /songs?limit={PAGE_LIMIT}` (first page)", "service",
                 catalog.page_path, "fresh", cached=False, body_bytes=page, baseline="f2"),
        Scenario("d2", f"uncached `GET /songs?limit={PAGE_LIMIT}&cursor=…` ({deep:,} items in)",
                 "service", catalog.deep_path, "fresh", cached=False,
                 body_bytes=catalog.deep_bytes, baseline="f2"),
        Scenario("d3", f"uncached `GET /songs?limit={PAGE_LIMIT}` (first page), 1 connection",
                 "service", catalog.page_path, "fresh", cached=False, body_bytes=page,
                 connections=1),
        Scenario("d4", f"uncached `GET /songs?limit={PAGE_LIMIT}&cursor=…` ({deep:,} items "
                 "in), 1 connection", "service", catalog.deep_path, "fresh", cached=False,
                 body_bytes=catalog.deep_bytes, connections=1),
        Scenario("d5", f"uncached `GET /songs?limit={PAGE_LIMIT}&cursor=…` "
                 f"({catalog.very_deep:,} items in)", "service", catalog.very_deep_path, "fresh",
                 cached=False, body_bytes=catalog.very_deep_bytes, baseline="f2"),
        Scenario("d6", f"uncached `GET /songs?limit={PAGE_LIMIT}&cursor=…` "
                 f"({catalog.very_deep:,} items in), 1 connection", "service",
                 catalog.very_deep_path, "fresh", cached=False,
                 body_bytes=catalog.very_deep_bytes, connections=1),
        Scenario("e", f"uncached `GET /songs?q={SEARCH}&limit={PAGE_LIMIT}`", "service",
                 catalog.search_path, "fresh", cached=False, body_bytes=catalog.search_bytes,
                 baseline="f2"),
        *references(catalog),
    ]  # fmt: skip


def references(catalog: Catalog) -> list[Scenario]:
    """The uncached details of albums and artists, and the uncached reads on the floor and
    (the song) on the sync Flask peer: the same requests, the same bodies."""
    song, page = catalog.song_bytes, catalog.page_bytes
    album, artist = catalog.album_bytes, catalog.artist_bytes
    uncached = "ids in turn"
    return [
        Scenario("cF", f"floor: `GET /songs/{{id}}`, {uncached}", "floor", "/songs/", "ids",
                 cached=False, body_bytes=song, twin="c"),
        Scenario("cP", f"Flask peer: `GET /songs/{{id}}`, {uncached}", "flask", "/songs/", "ids",
                 cached=False, body_bytes=song, twin="c"),
        Scenario("j1", f"uncached `GET /albums/{{id}}`, {uncached}", "service", "/albums/",
                 "ids", cached=False, body_bytes=album, ids="albums"),
        Scenario("j1F", f"floor: `GET /albums/{{id}}`, {uncached}", "floor", "/albums/", "ids",
                 cached=False, body_bytes=album, ids="albums", twin="j1"),
        Scenario("j2", f"uncached `GET /artists/{{id}}`, {uncached}", "service", "/artists/",
                 "ids", cached=False, body_bytes=artist, ids="artists"),
        Scenario("j2F", f"floor: `GET /artists/{{id}}`, {uncached}", "floor", "/artists/",
                 "ids", cached=False, body_bytes=artist, ids="artists", twin="j2"),
        Scenario("d1F", f"floor: `GET /songs?limit={PAGE_LIMIT}` (first page)", "floor",
                 catalog.page_path, "fresh", cached=False, body_bytes=page, twin="d1"),
    ]  # fmt: skip
