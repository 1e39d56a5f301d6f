"""Booleans, integers and dates in request bodies are taken as JSON writes them, never coerced.

A client that sends `{"public": 0}` or `{"duration_ms": "5"}` has a bug; answering 422 naming
the field shows it at once, where coercion would store what it guessed.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.catalog.conftest import Curator

LOOSE_BOOLEANS = [0, 1, "true", "false", "yes", 0.0]
LOOSE_INTEGERS = ["5", 5.0, 5.5, True, "1e3"]
LOOSE_DATES = [0, 1_700_000_000, "1700000000", "2019-04-12T00:00:00", "12/04/2019", True]


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    assert [error["loc"] for error in body["errors"]] == [["body", field]]


@pytest.fixture
async def album(curator: Curator) -> dict[str, Any]:
    return await curator.album(await curator.artist())


@pytest.fixture
async def song(curator: Curator, album: dict[str, Any]) -> dict[str, Any]:
    return await curator.song(album)


@pytest.fixture
async def playlist(client: httpx.AsyncClient, user_headers: dict[str, str]) -> dict[str, Any]:
    created = await client.post("/playlists/create", json={"name": "Mix"}, headers=user_headers)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


@pytest.mark.parametrize("value", LOOSE_BOOLEANS, ids=repr)
async def test_a_boolean_that_is_not_true_or_false_is_422(
    client: httpx.AsyncClient,
    user_headers: dict[str, str],
    admin_headers: dict[str, str],
    song: dict[str, Any],
    playlist: dict[str, Any],
    value: Any,
) -> None:
    create = {"name": "Loose", "public": value}
    assert_refused(
        await client.post("/playlists/create", json=create, headers=user_headers), "public"
    )
    path = f"/playlists/{playlist['id']}"
    assert_refused(await client.patch(path, json={"public": value}, headers=user_headers), "public")
    path = f"/songs/{song['id']}"
    assert_refused(
        await client.patch(path, json={"explicit": value}, headers=admin_headers), "explicit"
    )
    me = (await client.get("/me", headers=user_headers)).json()
    path = f"/admin/users/{me['id']}"
    assert_refused(
        await client.patch(path, json={"disabled": value}, headers=admin_headers), "disabled"
    )
    # Nothing changed: the playlist is still private, the song clean, the user enabled.
    assert (await client.get(f"/playlists/{playlist['id']}", headers=user_headers)).json()[
        "public"
    ] is False
    assert (await client.get(f"/songs/{song['id']}")).json()["explicit"] is False
    assert (await client.get("/me", headers=user_headers)).status_code == 200


@pytest.mark.parametrize("value", LOOSE_INTEGERS, ids=repr)
async def test_an_integer_that_is_not_a_whole_json_number_is_422(
    client: httpx.AsyncClient,
    user_headers: dict[str, str],
    admin_headers: dict[str, str],
    album: dict[str, Any],
    song: dict[str, Any],
    playlist: dict[str, Any],
    value: Any,
) -> None:
    body = {"title": "Loose", "album_id": album["id"], "duration_ms": value}
    assert_refused(await client.post("/songs", json=body, headers=admin_headers), "duration_ms")
    path = f"/songs/{song['id']}"
    patch = {"track_number": value}
    assert_refused(await client.patch(path, json=patch, headers=admin_headers), "track_number")
    add = {"song_id": song["id"], "position": value}
    path = f"/playlists/{playlist['id']}/add-song"
    assert_refused(await client.post(path, json=add, headers=user_headers), "position")
    reorder = {"range_start": value, "insert_before": 0}
    path = f"/playlists/{playlist['id']}/reorder"
    assert_refused(await client.post(path, json=reorder, headers=user_headers), "range_start")


@pytest.mark.parametrize("value", LOOSE_DATES, ids=repr)
async def test_a_date_that_is_not_yyyy_mm_dd_is_422(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    album: dict[str, Any],
    value: Any,
) -> None:
    artist_id = album["artist"]["id"]
    body = {"title": "Loose", "artist_id": artist_id, "release_date": value}
    assert_refused(await client.post("/albums", json=body, headers=admin_headers), "release_date")
    path = f"/albums/{album['id']}"
    patch = {"release_date": value}
    assert_refused(await client.patch(path, json=patch, headers=admin_headers), "release_date")


async def test_values_as_json_writes_them_are_taken(
    client: httpx.AsyncClient,
    user_headers: dict[str, str],
    admin_headers: dict[str, str],
    album: dict[str, Any],
    song: dict[str, Any],
    playlist: dict[str, Any],
) -> None:
    path = f"/albums/{album['id']}"
    patched = await client.patch(path, json={"release_date": "2019-04-12"}, headers=admin_headers)
    assert patched.json()["release_date"] == "2019-04-12"
    path = f"/songs/{song['id']}"
    patch = {"explicit": True, "track_number": 7}
    patched = await client.patch(path, json=patch, headers=admin_headers)
    assert (patched.json()["explicit"], patched.json()["track_number"]) == (True, 7)
    path = f"/playlists/{playlist['id']}"
    patched = await client.patch(path, json={"public": True}, headers=user_headers)
    assert patched.json()["public"] is True
    add = {"song_id": song["id"], "position": 0}
    path = f"/playlists/{playlist['id']}/add-song"
    assert (await client.post(path, json=add, headers=user_headers)).status_code == 201
