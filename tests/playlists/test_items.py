"""The songs of a playlist: removing and listing them; positions always 0..n-1."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from spotify_api.playlists.models import MAX_ITEMS
from tests.backends import counting
from tests.helpers import assert_problem
from tests.playlists.conftest import (
    PlaylistFactory,
    assert_invalid,
    bulk_fill,
    get_playlist,
    ids,
    items,
    order,
)

SONG_FIELDS = {
    "id",
    "title",
    "duration_ms",
    "track_number",
    "disc_number",
    "explicit",
    "isrc",
    "album",
    "artists",
    "created_at",
    "updated_at",
}


class TestRemoveSong:
    async def test_without_a_position_every_occurrence_goes(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        a, b, c = songs[0], songs[1], songs[2]
        playlist = await make_playlist(songs=[a, b, a, c, a, b])
        response = await client.post(
            f"/playlists/{playlist['id']}/remove-song",
            json={"song_id": a["id"]},
            headers=user_headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"snapshot_id", "removed"}
        assert body["removed"] == 3
        assert body["snapshot_id"] != playlist["snapshot_id"]
        assert response.headers["etag"] == f'"{body["snapshot_id"]}"'
        assert await order(client, user_headers, playlist["id"]) == ids([b, c, b])
        shown = await get_playlist(client, user_headers, playlist["id"])
        assert shown["snapshot_id"] == body["snapshot_id"]
        assert shown["total_songs"] == 3
        assert shown["duration_ms"] == 2 * b["duration_ms"] + c["duration_ms"]

    @pytest.mark.parametrize(
        ("position", "expected"), [(0, [1, 0, 2, 0]), (2, [0, 1, 2, 0]), (4, [0, 1, 0, 2])]
    )
    async def test_with_a_position_only_that_occurrence_goes(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
        position: int,
        expected: list[int],
    ) -> None:
        playlist = await make_playlist(songs=[songs[i] for i in (0, 1, 0, 2, 0)])
        response = await client.post(
            f"/playlists/{playlist['id']}/remove-song",
            json={"song_id": songs[0]["id"], "position": position},
            headers=user_headers,
        )
        assert response.status_code == 200, response.text
        assert response.json()["removed"] == 1
        assert await order(client, user_headers, playlist["id"]) == ids(
            [songs[i] for i in expected]
        )
        assert (await get_playlist(client, user_headers, playlist["id"]))["total_songs"] == 4

    async def test_removing_one_at_a_time_keeps_positions_dense(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        model = ids(songs) + ids(songs[:3])
        playlist = await make_playlist(songs=songs + songs[:3])
        url = f"/playlists/{playlist['id']}/remove-song"
        for position in (10, 0, 4, 4, 5, 0, 2):
            body = {"song_id": model[position], "position": position}
            response = await client.post(url, json=body, headers=user_headers)
            assert response.json()["removed"] == 1, response.text
            del model[position]
            assert await order(client, user_headers, playlist["id"]) == model
        shown = await get_playlist(client, user_headers, playlist["id"])
        by_id = {song["id"]: song["duration_ms"] for song in songs}
        assert shown["total_songs"] == len(model) == 4
        assert shown["duration_ms"] == sum(by_id[song_id] for song_id in model)

    async def test_another_song_at_the_position_is_404_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:3])
        url = f"/playlists/{playlist['id']}/remove-song"
        for body in (
            {"song_id": songs[0]["id"], "position": 1},  # songs[1] is there
            {"song_id": songs[0]["id"], "position": 3},  # nothing is there
            {"song_id": songs[5]["id"]},  # not in the playlist at all
            {"song_id": str(uuid.uuid4())},  # not even in the catalog
        ):
            response = await client.post(url, json=body, headers=user_headers)
            assert_problem(response, 404, "song_not_in_playlist")
        assert await get_playlist(client, user_headers, playlist["id"]) == playlist
        assert await order(client, user_headers, playlist["id"]) == ids(songs[:3])

    async def test_a_bad_body_is_422(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:1])
        url = f"/playlists/{playlist['id']}/remove-song"
        song_id = songs[0]["id"]
        for body, field in (
            ({}, "song_id"),
            ({"song_id": song_id, "position": -1}, "position"),
            ({"song_id": song_id, "position": MAX_ITEMS + 1}, "position"),
            ({"song_id": song_id, "all": True}, "all"),
        ):
            assert_invalid(await client.post(url, json=body, headers=user_headers), field)
        assert await order(client, user_headers, playlist["id"]) == [song_id]


class TestListSongs:
    async def test_items_come_in_order_with_full_songs(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        chosen = [songs[3], songs[0], songs[6], songs[0]]
        playlist = await make_playlist(songs=chosen)
        response = await client.get(f"/playlists/{playlist['id']}/songs", headers=user_headers)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "private, no-cache"
        page = response.json()
        assert (page["total"], page["limit"], page["offset"]) == (4, 20, 0)
        assert page["next"] is None
        assert page["previous"] is None
        for position, (item, song) in enumerate(zip(page["items"], chosen, strict=True)):
            assert set(item) == {"position", "added_at", "added_by", "song"}
            assert item["position"] == position
            assert item["added_by"] == {"id": playlist["owner"]["id"], "username": "ada"}
            assert set(item["song"]) == SONG_FIELDS
            catalog_song = (await client.get(f"/songs/{song['id']}")).json()
            assert item["song"] == catalog_song
            datetime.fromisoformat(item["added_at"])
        assert page["items"][0]["song"]["artists"] == [
            {"id": songs[0]["artists"][0]["id"], "name": "The Velvet Harbors"}
        ]

    async def test_it_pages_with_limit_offset_and_next(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=songs[:7])
        base = f"/playlists/{playlist['id']}/songs"
        pages: list[dict[str, Any]] = []
        url: str | None = f"{base}?limit=3"
        while url is not None:
            response = await client.get(url, headers=user_headers)
            assert response.status_code == 200, response.text
            pages.append(response.json())
            url = pages[-1]["next"]
            assert len(pages) <= 3
        assert [[i["position"] for i in page["items"]] for page in pages] == [
            [0, 1, 2],
            [3, 4, 5],
            [6],
        ]
        assert [i["song"]["id"] for page in pages for i in page["items"]] == ids(songs[:7])
        assert [page["offset"] for page in pages] == [0, 3, 6]
        assert all(page["total"] == 7 and page["limit"] == 3 for page in pages)
        assert pages[0]["previous"] is None
        previous = await client.get(pages[2]["previous"], headers=user_headers)
        assert previous.json()["items"] == pages[1]["items"]

        middle = (await client.get(f"{base}?limit=2&offset=4", headers=user_headers)).json()
        assert [i["position"] for i in middle["items"]] == [4, 5]
        beyond = (await client.get(f"{base}?offset=50", headers=user_headers)).json()
        assert (beyond["items"], beyond["total"], beyond["next"]) == ([], 7, None)
        for query, field in (("limit=0", "limit"), ("limit=101", "limit"), ("offset=-1", "offset")):
            assert_invalid(await client.get(f"{base}?{query}", headers=user_headers), field)

    async def test_an_empty_playlist_has_an_empty_page(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
    ) -> None:
        playlist = await make_playlist()
        assert await items(client, user_headers, playlist["id"]) == []

    async def test_a_page_costs_the_same_statements_at_limit_5_and_100(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist()
        await bulk_fill(app, playlist["id"], ids(songs), 150)
        base = f"/playlists/{playlist['id']}/songs"
        costs = {}
        for query in ("limit=5", "limit=100", "limit=100&offset=100"):
            with counting(app) as statements:
                response = await client.get(f"{base}?{query}", headers=user_headers)
            assert response.status_code == 200, response.text
            costs[query] = len(statements)
            page = response.json()
            assert page["total"] == 150
            assert all(len(item["song"]["artists"]) == 1 for item in page["items"])
        assert len(page["items"]) == 50
        assert costs["limit=5"] == costs["limit=100"] == costs["limit=100&offset=100"]
        assert costs["limit=100"] <= 4, costs

    async def test_a_page_of_playlists_costs_the_same_statements_at_limit_1_and_100(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        for index in range(4):
            playlist = await make_playlist(f"P{index}")
            await bulk_fill(app, playlist["id"], ids(songs), index + 1)
        costs = []
        for query in ("limit=1", "limit=100"):
            with counting(app) as statements:
                response = await client.get(f"/playlists?{query}", headers=user_headers)
            assert response.status_code == 200, response.text
            costs.append(len(statements))
        assert [p["total_songs"] for p in response.json()["items"]] == [4, 3, 2, 1]
        assert costs[0] == costs[1] <= 4, costs
