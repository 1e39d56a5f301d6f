"""Creating, listing, reading, changing and deleting playlists, as their owner sees it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.helpers import assert_problem
from tests.playlists.conftest import (
    Account,
    PlaylistFactory,
    assert_invalid,
    get_playlist,
    order,
)

PLAYLIST_FIELDS = {
    "id",
    "name",
    "description",
    "public",
    "collaborative",
    "owner",
    "snapshot_id",
    "total_songs",
    "duration_ms",
    "followers",
    "created_at",
    "updated_at",
}


class TestCreate:
    async def test_it_creates_an_empty_private_playlist_owned_by_the_caller(
        self, client: httpx.AsyncClient, user: Account
    ) -> None:
        response = await client.post(
            "/playlists/create", json={"name": "Road trip"}, headers=user.headers
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == PLAYLIST_FIELDS
        uuid.UUID(body["id"])
        assert body["name"] == "Road trip"
        assert body["description"] == ""
        assert body["public"] is False
        assert body["owner"] == {"id": user.id, "username": "ada"}
        assert body["total_songs"] == 0
        assert body["duration_ms"] == 0
        assert (body["collaborative"], body["followers"]) == (False, 0)
        assert body["snapshot_id"]
        assert response.headers["location"] == f"/playlists/{body['id']}"
        located = await client.get(response.headers["location"], headers=user.headers)
        assert located.json() == body

    async def test_it_keeps_the_given_fields(
        self, client: httpx.AsyncClient, user_headers: dict[str, str]
    ) -> None:
        body = {"name": "  Late night  ", "description": "  Lights low.", "public": True}
        response = await client.post("/playlists/create", json=body, headers=user_headers)
        assert response.status_code == 201, response.text
        playlist = response.json()
        assert playlist["name"] == "Late night"  # the name is stripped
        assert playlist["description"] == "  Lights low."
        assert playlist["public"] is True

    @pytest.mark.parametrize("name", ["x", "n" * 100, "🎵" * 100, " " * 5 + "y" * 100 + " "])
    async def test_names_of_1_to_100_characters_are_accepted(
        self, client: httpx.AsyncClient, user_headers: dict[str, str], name: str
    ) -> None:
        response = await client.post("/playlists/create", json={"name": name}, headers=user_headers)
        assert response.status_code == 201, response.text
        assert response.json()["name"] == name.strip()

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"name": ""},
            {"name": "   \t\n "},
            {"name": "n" * 101},
            {"name": None},
            {"name": 7},
        ],
    )
    async def test_a_missing_blank_or_long_name_is_422(
        self, client: httpx.AsyncClient, user_headers: dict[str, str], body: dict[str, Any]
    ) -> None:
        response = await client.post("/playlists/create", json=body, headers=user_headers)
        assert_invalid(response, "name")

    async def test_a_description_holds_at_most_300_characters(
        self, client: httpx.AsyncClient, user_headers: dict[str, str]
    ) -> None:
        ok = {"name": "n", "description": "d" * 300}
        assert (await client.post("/playlists/create", json=ok, headers=user_headers)).is_success
        long = {"name": "n", "description": "d" * 301}
        response = await client.post("/playlists/create", json=long, headers=user_headers)
        assert_invalid(response, "description")

    @pytest.mark.parametrize("field", ["owner_id", "owner", "snapshot_id", "total_songs", "nmae"])
    async def test_an_unknown_field_is_422_and_creates_nothing(
        self, client: httpx.AsyncClient, user_headers: dict[str, str], field: str
    ) -> None:
        body = {"name": "Sneaky", field: "x"}
        response = await client.post("/playlists/create", json=body, headers=user_headers)
        assert_invalid(response, field)
        listed = await client.get("/playlists", headers=user_headers)
        assert listed.json()["total"] == 0


class TestList:
    async def test_it_lists_only_the_callers_playlists_newest_first(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user: Account,
        other_user: Account,
    ) -> None:
        mine = [await make_playlist(f"Mine {index}") for index in range(3)]
        await make_playlist("Bob's", headers=other_user.headers)
        await make_playlist("Bob's public", headers=other_user.headers, public=True)
        response = await client.get("/playlists", headers=user.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert [p["name"] for p in page["items"]] == ["Mine 2", "Mine 1", "Mine 0"]
        assert page["items"] == list(reversed(mine))
        assert (page["total"], page["limit"], page["offset"]) == (3, 20, 0)
        assert page["next"] is None
        assert page["previous"] is None
        theirs = (await client.get("/playlists", headers=other_user.headers)).json()
        assert [p["name"] for p in theirs["items"]] == ["Bob's public", "Bob's"]

    async def test_it_pages_by_following_next(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        other_headers: dict[str, str],
    ) -> None:
        for index in range(5):
            await make_playlist(f"P{index}")
        await make_playlist("Not mine", headers=other_headers)
        pages: list[dict[str, Any]] = []
        url: str | None = "/playlists?limit=2"
        while url is not None:
            response = await client.get(url, headers=user_headers)
            assert response.status_code == 200, response.text
            pages.append(response.json())
            url = pages[-1]["next"]
            assert len(pages) <= 3
        assert [[p["name"] for p in page["items"]] for page in pages] == [
            ["P4", "P3"],
            ["P2", "P1"],
            ["P0"],
        ]
        assert all(page["total"] == 5 for page in pages)
        assert [page["offset"] for page in pages] == [0, 2, 4]
        assert pages[0]["previous"] is None
        assert pages[2]["previous"] is not None
        back = await client.get(pages[2]["previous"], headers=user_headers)
        assert [p["name"] for p in back.json()["items"]] == ["P2", "P1"]

    async def test_an_empty_list(
        self, client: httpx.AsyncClient, user_headers: dict[str, str]
    ) -> None:
        response = await client.get("/playlists", headers=user_headers)
        assert response.json() == {
            "items": [],
            "total": 0,
            "limit": 20,
            "offset": 0,
            "next": None,
            "previous": None,
        }

    @pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1"])
    async def test_bad_paging_is_422(
        self, client: httpx.AsyncClient, user_headers: dict[str, str], query: str
    ) -> None:
        response = await client.get(f"/playlists?{query}", headers=user_headers)
        assert_invalid(response, query.split("=")[0])


class TestGet:
    async def test_it_shows_the_playlist_with_its_snapshot_as_etag(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist("Two songs", songs=[songs[0], songs[1], songs[0]])
        response = await client.get(f"/playlists/{playlist['id']}", headers=user_headers)
        assert response.status_code == 200
        body = response.json()
        assert response.headers["etag"] == f'"{body["snapshot_id"]}"'
        assert body["total_songs"] == 3
        assert body["duration_ms"] == 2 * songs[0]["duration_ms"] + songs[1]["duration_ms"]

    async def test_an_unknown_id_is_404_and_a_malformed_one_422(
        self, client: httpx.AsyncClient, user_headers: dict[str, str]
    ) -> None:
        missing = await client.get(f"/playlists/{uuid.uuid4()}", headers=user_headers)
        assert_problem(missing, 404, "not_found")
        assert_invalid(await client.get("/playlists/nope", headers=user_headers), "playlist_id")

    async def test_the_duration_follows_the_songs_durations(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        admin_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist(songs=[songs[0], songs[0]])
        changed = await client.patch(
            f"/songs/{songs[0]['id']}", json={"duration_ms": 1000}, headers=admin_headers
        )
        assert changed.status_code == 200, changed.text
        assert (await get_playlist(client, user_headers, playlist["id"]))["duration_ms"] == 2000


class TestUpdate:
    async def test_it_changes_only_the_fields_sent_and_renews_the_snapshot(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        playlist = await make_playlist("Before", songs=songs[:2], description="Old words.")
        url = f"/playlists/{playlist['id']}"
        response = await client.patch(url, json={"public": True}, headers=user_headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert response.headers["etag"] == f'"{body["snapshot_id"]}"'
        assert body["public"] is True
        assert (body["name"], body["description"]) == ("Before", "Old words.")
        assert (body["total_songs"], body["duration_ms"]) == (2, playlist["duration_ms"])
        assert body["snapshot_id"] != playlist["snapshot_id"]
        assert body["created_at"] == playlist["created_at"]

        again = await client.patch(
            url, json={"name": " After ", "description": ""}, headers=user_headers
        )
        assert (again.json()["name"], again.json()["description"]) == ("After", "")
        assert again.json()["public"] is True
        assert again.json()["snapshot_id"] != body["snapshot_id"]
        assert await get_playlist(client, user_headers, playlist["id"]) == again.json()
        assert await order(client, user_headers, playlist["id"]) == [s["id"] for s in songs[:2]]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"name": None}, "name"),
            ({"description": None}, "description"),
            ({"public": None}, "public"),
            ({"name": "  "}, "name"),
            ({"name": "n" * 101}, "name"),
            ({"description": "d" * 301}, "description"),
            ({"owner_id": str(uuid.uuid4())}, "owner_id"),
            ({"snapshot_id": "abc"}, "snapshot_id"),
        ],
    )
    async def test_null_invalid_or_unknown_fields_are_422_and_change_nothing(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        body: dict[str, Any],
        field: str,
    ) -> None:
        playlist = await make_playlist("Kept")
        url = f"/playlists/{playlist['id']}"
        assert_invalid(await client.patch(url, json=body, headers=user_headers), field)
        assert await get_playlist(client, user_headers, playlist["id"]) == playlist

    async def test_an_unknown_playlist_is_404(
        self, client: httpx.AsyncClient, user_headers: dict[str, str]
    ) -> None:
        response = await client.patch(
            f"/playlists/{uuid.uuid4()}", json={"name": "x"}, headers=user_headers
        )
        assert_problem(response, 404, "not_found")


class TestDelete:
    async def test_it_deletes_the_playlist_and_only_it(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
    ) -> None:
        doomed = await make_playlist("Doomed", songs=songs[:3])
        kept = await make_playlist("Kept", songs=songs[:3])
        url = f"/playlists/{doomed['id']}"
        response = await client.delete(url, headers=user_headers)
        assert response.status_code == 204
        assert response.content == b""
        assert_problem(await client.get(url, headers=user_headers), 404, "not_found")
        assert_problem(await client.get(f"{url}/songs", headers=user_headers), 404, "not_found")
        add = await client.post(
            f"{url}/add-song", json={"song_id": songs[0]["id"]}, headers=user_headers
        )
        assert_problem(add, 404, "not_found")
        assert_problem(await client.delete(url, headers=user_headers), 404, "not_found")
        listed = (await client.get("/playlists", headers=user_headers)).json()
        assert [p["id"] for p in listed["items"]] == [kept["id"]]
        assert await get_playlist(client, user_headers, kept["id"]) == kept
        # The songs themselves stay in the catalog.
        assert (await client.get(f"/songs/{songs[0]['id']}")).status_code == 200


class TestNoCatalogCache:
    async def test_playlist_reads_are_private_and_never_cached_in_redis(
        self,
        client: httpx.AsyncClient,
        make_playlist: PlaylistFactory,
        user_headers: dict[str, str],
        songs: list[dict[str, Any]],
        raw_redis: Any,
    ) -> None:
        playlist = await make_playlist(songs=songs[:2], public=True)
        before = {key: await raw_redis.get(key) async for key in raw_redis.scan_iter("catalog:*")}
        urls = [
            "/playlists",
            f"/playlists/{playlist['id']}",
            f"/playlists/{playlist['id']}/songs",
            f"/playlists/{playlist['id']}/songs?limit=1&offset=1",
        ]
        for _ in range(2):
            for url in urls:
                response = await client.get(url, headers=user_headers)
                assert response.status_code == 200, response.text
                assert response.headers["cache-control"] == "private, no-cache"
        after = {key: await raw_redis.get(key) async for key in raw_redis.scan_iter("catalog:*")}
        assert after == before
