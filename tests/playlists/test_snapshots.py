"""`If-Match: "<snapshot_id>"` makes a change conditional on the playlist being as last seen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem
from tests.playlists.conftest import PlaylistFactory, get_playlist, order

Change = Callable[
    [httpx.AsyncClient, str, dict[str, str], list[dict[str, Any]]], Awaitable[httpx.Response]
]


async def add(client: httpx.AsyncClient, url: str, headers: dict[str, str], songs: Any) -> Any:
    return await client.post(f"{url}/add-song", json={"song_id": songs[5]["id"]}, headers=headers)


async def remove(client: httpx.AsyncClient, url: str, headers: dict[str, str], songs: Any) -> Any:
    return await client.post(
        f"{url}/remove-song", json={"song_id": songs[0]["id"]}, headers=headers
    )


async def reorder(client: httpx.AsyncClient, url: str, headers: dict[str, str], songs: Any) -> Any:
    body = {"range_start": 0, "insert_before": 3}
    return await client.post(f"{url}/reorder", json=body, headers=headers)


async def rename(client: httpx.AsyncClient, url: str, headers: dict[str, str], songs: Any) -> Any:
    return await client.patch(url, json={"name": "Renamed"}, headers=headers)


async def delete(client: httpx.AsyncClient, url: str, headers: dict[str, str], songs: Any) -> Any:
    return await client.delete(url, headers=headers)


CHANGES = {
    "add-song": add,
    "remove-song": remove,
    "reorder": reorder,
    "patch": rename,
    "delete": delete,
}


@pytest.fixture(params=list(CHANGES))
def change(request: pytest.FixtureRequest) -> Change:
    return CHANGES[request.param]


async def test_the_current_snapshot_lets_the_change_through(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
    change: Change,
) -> None:
    playlist = await make_playlist(songs=songs[:3])
    url = f"/playlists/{playlist['id']}"
    etag = (await client.get(url, headers=user_headers)).headers["etag"]
    assert etag == f'"{playlist["snapshot_id"]}"'
    response = await change(client, url, {**user_headers, "If-Match": etag}, songs)
    assert response.is_success, response.text
    if response.status_code != 204:
        assert response.json()["snapshot_id"] != playlist["snapshot_id"]


async def test_a_stale_snapshot_is_412_and_changes_nothing(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
    change: Change,
) -> None:
    playlist = await make_playlist(songs=songs[:3])
    url = f"/playlists/{playlist['id']}"
    stale = f'"{playlist["snapshot_id"]}"'
    await client.post(f"{url}/add-song", json={"song_id": songs[4]["id"]}, headers=user_headers)
    current = await get_playlist(client, user_headers, playlist["id"])
    before = await order(client, user_headers, playlist["id"])
    response = await change(client, url, {**user_headers, "If-Match": stale}, songs)
    body = assert_problem(response, 412, "snapshot_mismatch")
    assert body["status"] == 412
    assert await get_playlist(client, user_headers, playlist["id"]) == current
    assert await order(client, user_headers, playlist["id"]) == before


@pytest.mark.parametrize(
    ("if_match", "matches"),
    [
        ('"{current}"', True),
        ('W/"{current}"', True),
        ('"0123", "{current}"', True),
        ("*", True),
        ('"{current}x"', False),
        ('"0123"', False),
    ],
)
async def test_if_match_forms(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
    if_match: str,
    matches: bool,
) -> None:
    playlist = await make_playlist()
    headers = {**user_headers, "If-Match": if_match.format(current=playlist["snapshot_id"])}
    response = await client.post(
        f"/playlists/{playlist['id']}/add-song", json={"song_id": songs[0]["id"]}, headers=headers
    )
    if matches:
        assert response.status_code == 201, response.text
    else:
        assert_problem(response, 412, "snapshot_mismatch")


async def test_each_answer_s_snapshot_is_the_next_if_match(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    """A client that chains changes on the snapshot each one returns is never refused."""
    playlist = await make_playlist()
    url = f"/playlists/{playlist['id']}"
    etag = f'"{playlist["snapshot_id"]}"'
    for song in songs[:3]:
        added = await client.post(
            f"{url}/add-song",
            json={"song_id": song["id"]},
            headers={**user_headers, "If-Match": etag},
        )
        assert added.status_code == 201, added.text
        etag = added.headers["etag"]
    moved = await client.post(
        f"{url}/reorder",
        json={"range_start": 2, "insert_before": 0},
        headers={**user_headers, "If-Match": etag},
    )
    assert moved.status_code == 200, moved.text
    renamed = await client.patch(
        url, json={"public": True}, headers={**user_headers, "If-Match": moved.headers["etag"]}
    )
    assert renamed.status_code == 200, renamed.text
    assert (await client.get(url, headers=user_headers)).headers["etag"] == renamed.headers["etag"]
