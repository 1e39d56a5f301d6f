"""Adding songs to a playlist: appending, inserting at a position, limits; positions always
0..n-1."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from spotify_api.playlists.models import MAX_ITEMS
from tests.helpers import assert_problem
from tests.playlists.conftest import (
    PlaylistFactory,
    add_song,
    assert_invalid,
    bulk_fill,
    get_playlist,
    ids,
    order,
)


class TestAddSong:
    async def test_appending_returns_the_old_length_and_a_new_snapshot(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist()
        snapshots = {playlist["snapshot_id"]}
        for length, song in enumerate(songs[:3]):
            response = await client.post(
                f"/playlists/{playlist['id']}/add-song",
                json={"song_id": song["id"]},
                headers=user_headers,
            )
            assert response.status_code == 201, response.text
            body = response.json()
            assert set(body) == {"snapshot_id", "position"}
            assert body["position"] == length
            assert body["snapshot_id"] not in snapshots
            assert response.headers["etag"] == f'"{body["snapshot_id"]}"'
            snapshots.add(body["snapshot_id"])
            shown = await get_playlist(client, user_headers, playlist["id"])
            assert shown["snapshot_id"] == body["snapshot_id"]
            assert shown["total_songs"] == length + 1
            assert shown["duration_ms"] == sum(s["duration_ms"] for s in songs[: length + 1])
        assert await order(client, user_headers, playlist["id"]) == ids(songs[:3])

    @pytest.mark.parametrize(
        ("position", "expected"),
        [
            (0, ["new", 0, 1, 2, 3]),
            (1, [0, "new", 1, 2, 3]),
            (2, [0, 1, "new", 2, 3]),
            (3, [0, 1, 2, "new", 3]),
            (4, [0, 1, 2, 3, "new"]),  # position = length appends
        ],
    )
    async def test_inserting_at_a_position_shifts_the_rest(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
        position: int,
        expected: list[Any],
    ) -> None:
        playlist = await make_playlist(songs=songs[:4])
        added = await add_song(client, user_headers, playlist["id"], songs[7]["id"], position)
        assert added["position"] == position
        assert added["snapshot_id"] != playlist["snapshot_id"]
        want = [songs[7]["id"] if e == "new" else songs[e]["id"] for e in expected]
        assert await order(client, user_headers, playlist["id"]) == want
        shown = await get_playlist(client, user_headers, playlist["id"])
        assert shown["total_songs"] == 5
        assert shown["duration_ms"] == sum(s["duration_ms"] for s in songs[:4]) + 187_000

    async def test_a_position_past_the_end_is_422_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:2])
        url = f"/playlists/{playlist['id']}/add-song"
        for position in (3, 50, MAX_ITEMS, MAX_ITEMS + 1, -1):
            body = {"song_id": songs[3]["id"], "position": position}
            assert_invalid(await client.post(url, json=body, headers=user_headers), "position")
        empty = await make_playlist("Empty")
        body = {"song_id": songs[3]["id"], "position": 1}
        response = await client.post(
            f"/playlists/{empty['id']}/add-song", json=body, headers=user_headers
        )
        assert_invalid(response, "position")
        assert await get_playlist(client, user_headers, playlist["id"]) == playlist
        assert await get_playlist(client, user_headers, empty["id"]) == empty

    async def test_the_same_song_may_be_added_more_than_once(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        song = songs[2]
        playlist = await make_playlist(songs=[song, song])
        await add_song(client, user_headers, playlist["id"], song["id"], 1)
        assert await order(client, user_headers, playlist["id"]) == [song["id"]] * 3
        shown = await get_playlist(client, user_headers, playlist["id"])
        assert (shown["total_songs"], shown["duration_ms"]) == (3, 3 * song["duration_ms"])

    async def test_an_unknown_song_is_404_song_not_found(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:1])
        url = f"/playlists/{playlist['id']}/add-song"
        for body in ({"song_id": str(uuid.uuid4())}, {"song_id": str(uuid.uuid4()), "position": 0}):
            response = await client.post(url, json=body, headers=user_headers)
            assert_problem(response, 404, "song_not_found")
        assert await get_playlist(client, user_headers, playlist["id"]) == playlist

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "song_id"),
            ({"song_id": "not-a-uuid"}, "song_id"),
            ({"song_id": None}, "song_id"),
            ({"song_id": "SONG", "position": "first"}, "position"),
            ({"song_id": "SONG", "at": 0}, "at"),
        ],
    )
    async def test_a_malformed_body_is_422(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
        body: dict[str, Any],
        field: str,
    ) -> None:
        playlist = await make_playlist()
        body = {k: songs[0]["id"] if v == "SONG" else v for k, v in body.items()}
        response = await client.post(
            f"/playlists/{playlist['id']}/add-song", json=body, headers=user_headers
        )
        assert_invalid(response, field)

    async def test_an_unknown_playlist_is_404(
        self, client: httpx.AsyncClient, user_headers: dict[str, str], songs: list[dict[str, Any]]
    ) -> None:
        response = await client.post(
            f"/playlists/{uuid.uuid4()}/add-song",
            json={"song_id": songs[0]["id"]},
            headers=user_headers,
        )
        assert_problem(response, 404, "not_found")

    async def test_a_playlist_holds_at_most_10000_songs(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist()
        await bulk_fill(app, playlist["id"], ids(songs), MAX_ITEMS)
        full = await get_playlist(client, user_headers, playlist["id"])
        assert full["total_songs"] == MAX_ITEMS
        url = f"/playlists/{playlist['id']}/add-song"
        for body in ({"song_id": songs[0]["id"]}, {"song_id": songs[0]["id"], "position": 0}):
            response = await client.post(url, json=body, headers=user_headers)
            assert_problem(response, 409, "playlist_full")
        assert await get_playlist(client, user_headers, playlist["id"]) == full
        last = await client.get(
            f"/playlists/{playlist['id']}/songs?offset={MAX_ITEMS - 1}", headers=user_headers
        )
        assert [item["position"] for item in last.json()["items"]] == [MAX_ITEMS - 1]

        # Making room lets a song in again, at the very end.
        removed = await client.post(
            f"/playlists/{playlist['id']}/remove-song",
            json={"song_id": songs[0]["id"], "position": 0},
            headers=user_headers,
        )
        assert removed.status_code == 200, removed.text
        added = await add_song(client, user_headers, playlist["id"], songs[1]["id"])
        assert added["position"] == MAX_ITEMS - 1
        assert (await get_playlist(client, user_headers, playlist["id"]))[
            "total_songs"
        ] == MAX_ITEMS
