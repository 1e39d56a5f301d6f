"""Saving, removing, listing and checking songs, albums and artists, as a client sees it."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.helpers import assert_problem
from tests.library.conftest import (
    ITEM,
    Account,
    Catalog,
    contains,
    library,
    library_ids,
    page,
    remove,
    save,
    saved,
)

KINDS = ("songs", "albums", "artists")
CODES = {"songs": "song_not_found", "albums": "album_not_found", "artists": "artist_not_found"}


@pytest.mark.parametrize("kind", KINDS)
async def test_save_list_contains_remove(
    client: httpx.AsyncClient, user: Account, catalog: Catalog, kind: str
) -> None:
    items = catalog.of(kind)
    first, second = items[0], items[1]
    assert await library(client, user.headers, kind) == []
    await saved(client, user.headers, kind, [first])
    await saved(client, user.headers, kind, [second])
    listed = await library(client, user.headers, kind)
    assert [entry[ITEM[kind]]["id"] for entry in listed] == [second["id"], first["id"]]
    assert set(listed[0]) == {"added_at", ITEM[kind]}
    detail = (await client.get(f"/{kind}/{first['id']}")).json()
    detail.pop("albums" if kind == "artists" else "songs", None)
    assert listed[1][ITEM[kind]] == detail
    absent = str(uuid.uuid4())
    assert await contains(client, user.headers, kind, [second, absent, first, second]) == [
        True,
        False,
        True,
        True,
    ]
    response = await remove(client, user.headers, kind, [first, absent])
    assert response.status_code == 204, response.text
    assert await library_ids(client, user.headers, kind) == [second["id"]]
    assert await contains(client, user.headers, kind, [first, second]) == [False, True]


@pytest.mark.parametrize("kind", KINDS)
async def test_saving_again_keeps_added_at_and_duplicates_collapse(
    client: httpx.AsyncClient, user: Account, catalog: Catalog, kind: str
) -> None:
    first, second = catalog.of(kind)[:2]
    await saved(client, user.headers, kind, [first, first])
    before = await library(client, user.headers, kind)
    await saved(client, user.headers, kind, [second, first])
    after = await library(client, user.headers, kind)
    assert len(after) == 2
    assert after[1] == before[0]  # the first one: same added_at
    assert after[0][ITEM[kind]]["id"] == second["id"]


@pytest.mark.parametrize("kind", KINDS)
async def test_an_unknown_id_is_404_naming_it_and_saves_nothing(
    client: httpx.AsyncClient, user: Account, catalog: Catalog, kind: str
) -> None:
    missing, later = str(uuid.uuid4()), str(uuid.uuid4())
    response = await save(client, user.headers, kind, [catalog.of(kind)[0], missing, later])
    body = assert_problem(response, 404, CODES[kind])
    assert missing in body["detail"]
    assert later not in body["detail"]
    assert await library(client, user.headers, kind) == []


BAD_IDS = [
    "",
    "not-a-uuid",
    "9e4b1f7d-2c6a-4e3b-8d5f-1a7c3e9b0d42,",
    ",9e4b1f7d-2c6a-4e3b-8d5f-1a7c3e9b0d42",
    "9e4b1f7d-2c6a-4e3b-8d5f-1a7c3e9b0d42, 5f2d7c1a-9b3e-4c8d-a1e6-7b0f4d2c9e31",
    ",".join(str(uuid.uuid4()) for _ in range(51)),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ids", BAD_IDS, ids=range(len(BAD_IDS)))
async def test_malformed_ids_are_422(
    client: httpx.AsyncClient, user: Account, kind: str, ids: str
) -> None:
    for method, path in (("PUT", ""), ("DELETE", ""), ("GET", "/contains")):
        response = await client.request(
            method, f"/me/{kind}{path}", params={"ids": ids}, headers=user.headers
        )
        body = assert_problem(response, 422, "validation_error")
        assert any(error["loc"] == ["query", "ids"] for error in body["errors"]), body
    missing = await client.get(f"/me/{kind}/contains", headers=user.headers)
    assert_problem(missing, 422, "validation_error")


async def test_fifty_ids_are_accepted(
    client: httpx.AsyncClient, user: Account, catalog: Catalog
) -> None:
    ids = [catalog.songs[0]["id"], *(str(uuid.uuid4()) for _ in range(49))]
    assert await contains(client, user.headers, "songs", ids) == [False] * 50
    response = await remove(client, user.headers, "songs", ids)
    assert response.status_code == 204


@pytest.mark.parametrize("kind", KINDS)
async def test_users_see_their_own_library_only(
    client: httpx.AsyncClient, user: Account, other: Account, catalog: Catalog, kind: str
) -> None:
    first, second = catalog.of(kind)[:2]
    await saved(client, user.headers, kind, [first])
    await saved(client, other.headers, kind, [second])
    assert await library_ids(client, user.headers, kind) == [first["id"]]
    assert await library_ids(client, other.headers, kind) == [second["id"]]
    assert await contains(client, other.headers, kind, [first, second]) == [False, True]
    await remove(client, other.headers, kind, [first])
    assert await library_ids(client, user.headers, kind) == [first["id"]]


async def test_pages_follow_cursors_both_ways_newest_first(
    client: httpx.AsyncClient, user: Account, catalog: Catalog
) -> None:
    songs = catalog.songs
    await saved(client, user.headers, "songs", songs[:3])  # one call: one added_at, by id
    await saved(client, user.headers, "songs", songs[3:])
    expected = sorted((s["id"] for s in songs[3:]), reverse=True) + sorted(
        (s["id"] for s in songs[:3]), reverse=True
    )
    first = await page(client, user.headers, "/me/songs?limit=2")
    assert first["total"] == 6
    assert first["offset"] == 0
    assert first["previous"] is None
    seen = [item["song"]["id"] for item in first["items"]]
    pages = [first]
    while pages[-1]["next"] is not None:
        pages.append(await page(client, user.headers, pages[-1]["next"]))
        seen += [item["song"]["id"] for item in pages[-1]["items"]]
    assert seen == expected
    assert [p["offset"] for p in pages] == [0, 2, 4]
    assert all(p["total"] == 6 for p in pages)
    back = await page(client, user.headers, pages[-1]["previous"])
    assert back["items"] == pages[1]["items"]
    assert back["offset"] == 2
    tampered = pages[1]["next"].replace("cursor=", "cursor=x")
    assert_problem(await client.get(tampered, headers=user.headers), 400, "invalid_cursor")
    other_list = pages[1]["next"].replace("/me/songs", "/me/albums")
    assert_problem(await client.get(other_list, headers=user.headers), 400, "invalid_cursor")


async def test_song_items_are_full_songs(
    client: httpx.AsyncClient, user: Account, catalog: Catalog
) -> None:
    await saved(client, user.headers, "songs", [catalog.songs[0]])
    body = await page(client, user.headers, "/me/songs")
    detail = await client.get(f"/songs/{catalog.songs[0]['id']}")
    assert body["items"][0]["song"] == detail.json()
    await saved(client, user.headers, "albums", [catalog.albums[0]])
    body = await page(client, user.headers, "/me/albums")
    assert body["items"][0]["album"] == {
        **catalog.albums[0],
        "total_songs": 4,
        "updated_at": body["items"][0]["album"]["updated_at"],
    }


async def test_followers_count_in_artist_answers(
    client: httpx.AsyncClient,
    user: Account,
    other: Account,
    catalog: Catalog,
    admin: dict[str, str],
) -> None:
    artist = catalog.artists[0]
    cached = await client.get(f"/artists/{artist['id']}")
    assert cached.json()["followers"] == 0
    await saved(client, user.headers, "artists", [artist])
    await saved(client, other.headers, "artists", [artist, catalog.artists[1]])
    await saved(client, other.headers, "artists", [artist])  # again: no change
    followed = await library(client, user.headers, "artists")
    assert followed[0]["artist"]["followers"] == 2
    # The catalog's cached answer is as of its render (a follow does not renew the cache)…
    assert (await client.get(f"/artists/{artist['id']}")).json()["followers"] == 0
    # …and a catalog write renews it.
    response = await client.patch(
        f"/artists/{catalog.artists[1]['id']}", json={"genres": ["ambient"]}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["followers"] == 1
    assert (await client.get(f"/artists/{artist['id']}")).json()["followers"] == 2
    listed = (await client.get("/artists?sort=name")).json()["items"]
    assert {a["name"]: a["followers"] for a in listed} == {"Velvet Harbors": 2, "Low Tide": 1}
    found = (await client.get("/search", params={"q": "velvet"})).json()
    assert [a["followers"] for a in found["artists"]["items"]] == [2]
    await remove(client, other.headers, "artists", [artist])
    followed = await library(client, user.headers, "artists")
    assert followed[0]["artist"]["followers"] == 1
