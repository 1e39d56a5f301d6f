"""Paging the catalog's lists: following `next` and `previous`, offsets, and signed cursors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.catalog.conftest import SORTS, Curator, expected_order, get_ok, walk
from tests.conftest import asgi_client
from tests.helpers import assert_problem

# Seven items, one title twice (so that the id breaks a tie across a page boundary).
NAMES = ["Golf", "Alpha", "Echo", "Charlie", "Echo", "Bravo", "Foxtrot"]
LIMIT = 3


@pytest.fixture
async def seven(curator: Curator) -> dict[str, list[dict[str, Any]]]:
    """Seven songs, seven albums (of the first artist) and seven artists, as listed."""
    artists = [await curator.artist(name) for name in NAMES]
    albums = [await curator.album(artists[0], name) for name in NAMES]
    songs = [await curator.song(albums[0], name) for name in NAMES]
    listed_albums = (await get_ok(curator.client, "/albums", params={"limit": 100}))["items"]
    return {"/songs": songs, "/albums": listed_albums, "/artists": artists}


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


def cursor_of(link: str) -> str:
    cursor: str = httpx.URL(link).params["cursor"]
    return cursor


ALL_SORTS = [(path, sort) for path, (_, sorts) in SORTS.items() for sort in sorts]


@pytest.mark.parametrize(("path", "sort"), ALL_SORTS, ids=str)
async def test_following_next_visits_every_item_once_in_order_and_previous_goes_back(
    client: httpx.AsyncClient,
    seven: dict[str, list[dict[str, Any]]],
    path: str,
    sort: str,
) -> None:
    expected = expected_order(seven[path], sort, SORTS[path][0])
    pages = await walk(client, f"{path}?limit={LIMIT}&sort={sort}")

    assert [ids(page) for page in pages] == [expected[0:3], expected[3:6], expected[6:7]]
    assert [page["offset"] for page in pages] == [0, 3, 6]
    assert all(page["total"] == 7 and page["limit"] == LIMIT for page in pages)
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None
    for page in pages[:-1]:
        assert page["next"].startswith(f"{path}?")
        params = httpx.URL(page["next"]).params
        assert params["sort"] == sort
        assert params["limit"] == str(LIMIT)
        assert "cursor" in params

    # Back from the last page: the middle page, then the first, with the same offsets.
    middle = await get_ok(client, pages[2]["previous"])
    assert ids(middle) == expected[3:6]
    assert middle["offset"] == 3
    assert middle["items"] == pages[1]["items"]
    first = await get_ok(client, middle["previous"])
    assert ids(first) == expected[0:3]
    assert first["offset"] == 0
    assert first["previous"] is None
    # And forward again from a page reached backwards.
    again = await get_ok(client, first["next"])
    assert ids(again) == expected[3:6]
    assert again["offset"] == 3


@pytest.mark.parametrize("path", list(SORTS), ids=str)
async def test_offset_paging_gives_the_same_pages_and_links_on(
    client: httpx.AsyncClient, seven: dict[str, list[dict[str, Any]]], path: str
) -> None:
    name = SORTS[path][0]
    expected = expected_order(seven[path], f"-{name}", name)
    page = await get_ok(client, path, params={"limit": LIMIT, "offset": 3, "sort": f"-{name}"})
    assert ids(page) == expected[3:6]
    assert page["offset"] == 3
    assert page["total"] == 7

    following = await get_ok(client, page["next"])
    assert ids(following) == expected[6:]
    assert following["offset"] == 6
    assert following["next"] is None
    preceding = await get_ok(client, page["previous"])
    assert ids(preceding) == expected[:3]
    assert preceding["offset"] == 0
    assert preceding["previous"] is None

    last = await get_ok(client, path, params={"limit": LIMIT, "offset": 6, "sort": f"-{name}"})
    assert ids(last) == expected[6:]
    assert last["next"] is None
    past_the_end = await get_ok(client, path, params={"limit": LIMIT, "offset": 50})
    assert past_the_end["items"] == []
    assert past_the_end["total"] == 7
    assert past_the_end["next"] is None


async def test_next_keeps_the_filters_and_only_pages_what_they_match(
    client: httpx.AsyncClient, curator: Curator
) -> None:
    main, featured = await curator.artist("Main"), await curator.artist("Guest")
    album = await curator.album(main, "Sessions")
    for index in range(7):
        guests = [main, featured] if index % 2 == 0 else None
        await curator.song(album, f"Take {index}", artists=guests)
        await curator.song(album, f"Outtake {index}")
    url = f"/songs?limit=2&q=TAKE+&artist_id={featured['id']}"
    pages = await walk(client, url)
    titles = [item["title"] for page in pages for item in page["items"]]
    assert titles == ["Take 0", "Take 2", "Take 4", "Take 6"]
    assert all(page["total"] == 4 for page in pages)
    params = httpx.URL(pages[0]["next"]).params
    assert params["q"] == "TAKE"  # the normalised q
    assert params["artist_id"] == featured["id"]


class TestForgedCursors:
    @pytest.fixture
    async def first_page(
        self, client: httpx.AsyncClient, seven: dict[str, list[dict[str, Any]]]
    ) -> dict[str, Any]:
        page: dict[str, Any] = await get_ok(client, "/songs", params={"limit": LIMIT})
        return page

    @staticmethod
    def flip(text: str, index: int) -> str:
        replacement = "B" if text[index] == "A" else "A"
        return text[:index] + replacement + text[index + 1 :]

    @pytest.mark.parametrize(
        "tamper",
        [
            lambda head, payload, signature: (head, payload, TestForgedCursors.flip(signature, 0)),
            lambda head, payload, signature: (head, payload, TestForgedCursors.flip(signature, 20)),
            lambda head, payload, signature: (head, TestForgedCursors.flip(payload, 10), signature),
            lambda head, payload, signature: (head, payload[:-4], signature),
            lambda head, payload, signature: (TestForgedCursors.flip(head, 5), payload, signature),
            lambda head, payload, signature: (head, payload, ""),
        ],
        ids=[
            "signature first character",
            "signature middle character",
            "payload character",
            "payload truncated",
            "header character",
            "no signature",
        ],
    )
    async def test_a_tampered_cursor_is_400(
        self,
        client: httpx.AsyncClient,
        first_page: dict[str, Any],
        tamper: Callable[[str, str, str], tuple[str, str, str]],
    ) -> None:
        cursor = cursor_of(first_page["next"])
        assert (await client.get("/songs", params={"limit": LIMIT, "cursor": cursor})).is_success
        forged = ".".join(tamper(*cursor.split(".")))
        assert forged != cursor
        response = await client.get("/songs", params={"limit": LIMIT, "cursor": forged})
        assert_problem(response, 400, "invalid_cursor")

    @pytest.mark.parametrize("cursor", ["not-a-cursor", "a.b.c", "x" * 1024])
    async def test_garbage_is_400(self, client: httpx.AsyncClient, cursor: str) -> None:
        response = await client.get("/songs", params={"cursor": cursor})
        assert_problem(response, 400, "invalid_cursor")

    @pytest.mark.parametrize(
        "changed",
        [
            {"q": "echo"},
            {"sort": "-title"},
            {"sort": "created_at"},
            {"artist_id": "0b9f3c43-5c7e-4a4e-9d55-3f1b8e7d2a10"},
            {"album_id": "0b9f3c43-5c7e-4a4e-9d55-3f1b8e7d2a10"},
        ],
        ids=str,
    )
    async def test_a_cursor_reused_on_another_list_is_400(
        self, client: httpx.AsyncClient, first_page: dict[str, Any], changed: dict[str, str]
    ) -> None:
        params = {**httpx.URL(first_page["next"]).params, **changed}
        response = await client.get("/songs", params=params)
        assert_problem(response, 400, "invalid_cursor")

    async def test_a_cursor_with_a_filter_dropped_is_400(
        self, client: httpx.AsyncClient, seven: dict[str, list[dict[str, Any]]]
    ) -> None:
        filtered = await get_ok(client, "/songs", params={"limit": 1, "q": "o"})
        response = await client.get(
            "/songs", params={"limit": 1, "cursor": cursor_of(filtered["next"])}
        )
        assert_problem(response, 400, "invalid_cursor")

    async def test_a_cursor_of_another_resource_is_400(
        self, client: httpx.AsyncClient, first_page: dict[str, Any]
    ) -> None:
        response = await client.get(
            "/albums", params={"limit": LIMIT, "cursor": cursor_of(first_page["next"])}
        )
        assert_problem(response, 400, "invalid_cursor")

    async def test_a_cursor_signed_with_another_secret_key_is_400(
        self,
        client: httpx.AsyncClient,
        app_with: Callable[..., Any],
        first_page: dict[str, Any],
    ) -> None:
        # The apps share the response cache (on a real Redis), where `first_page` is stored
        # with a cursor signed by the first app's key. Entries are kept per key, so the other
        # app renders its own page, whose cursor it takes, instead of serving the stored one.
        async with (
            app_with(secret_key="another-secret-key-that-is-long-enough") as other,
            asgi_client(other) as other_client,
        ):
            theirs = await get_ok(other_client, "/songs", params={"limit": LIMIT})
            # Same data, same list: only the key differs, and each app takes its own cursor.
            assert theirs["items"] == first_page["items"]
            assert cursor_of(theirs["next"]) != cursor_of(first_page["next"])
            assert (await other_client.get(theirs["next"])).status_code == 200
        assert (await client.get(first_page["next"])).status_code == 200
        assert_problem(await client.get(theirs["next"]), 400, "invalid_cursor")
