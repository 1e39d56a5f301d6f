"""Curating the catalog with the `catalog:write` scope: deleting artists, albums and songs
(with and without cascade), and who may curate."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.catalog.conftest import (
    Curator,
    get_ok,
    gone,
    ref,
    stamp,
)
from tests.helpers import assert_problem, bearer, login


class TestDelete:
    async def test_a_song_is_deleted_and_leaves_its_album(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        lanterns: dict[str, Any],
    ) -> None:
        keep = await curator.song(lanterns, "Keep")
        drop = await curator.song(lanterns, "Drop")
        response = await client.delete(f"/songs/{drop['id']}", headers=admin_headers)
        assert response.status_code == 204, response.text
        assert response.content == b""
        await gone(client, f"/songs/{drop['id']}")
        album = await get_ok(client, f"/albums/{lanterns['id']}")
        assert album["songs"] == [keep]
        assert album["total_songs"] == 1
        again = await client.delete(f"/songs/{drop['id']}", headers=admin_headers)
        assert_problem(again, 404, "not_found")

    async def test_an_album_with_songs_is_409_unless_cascade(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
    ) -> None:
        songs = [await curator.song(lanterns, title) for title in ("One", "Two")]
        other = await curator.album(velvet, "Other")
        survivor = await curator.song(other, "Survivor")
        url = f"/albums/{lanterns['id']}"

        response = await client.delete(url, headers=admin_headers)
        assert_problem(response, 409, "album_has_songs")
        assert (await get_ok(client, url))["total_songs"] == 2

        response = await client.delete(url, params={"cascade": "true"}, headers=admin_headers)
        assert response.status_code == 204, response.text
        await gone(client, url)
        for song in songs:
            await gone(client, f"/songs/{song['id']}")
        assert await get_ok(client, f"/songs/{survivor['id']}") == survivor
        albums = (await get_ok(client, f"/artists/{velvet['id']}"))["albums"]
        assert [album["id"] for album in albums] == [other["id"]]

    async def test_an_album_without_songs_is_deleted(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str], lanterns: dict[str, Any]
    ) -> None:
        response = await client.delete(f"/albums/{lanterns['id']}", headers=admin_headers)
        assert response.status_code == 204, response.text
        await gone(client, f"/albums/{lanterns['id']}")

    async def test_an_artist_with_albums_is_409_unless_cascade(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
    ) -> None:
        second = await curator.album(velvet, "Second")
        songs = [
            await curator.song(lanterns, "One"),
            await curator.song(second, "Two"),
        ]
        mara = await curator.artist("Mara Quinn")
        tides = await curator.album(mara, "Tides")
        theirs = await curator.song(tides, "Low Tide")
        url = f"/artists/{velvet['id']}"

        response = await client.delete(url, headers=admin_headers)
        assert_problem(response, 409, "artist_has_albums")
        assert len((await get_ok(client, url))["albums"]) == 2

        response = await client.delete(url, params={"cascade": "true"}, headers=admin_headers)
        assert response.status_code == 204, response.text
        await gone(client, url)
        for album in (lanterns, second):
            await gone(client, f"/albums/{album['id']}")
        for song in songs:
            await gone(client, f"/songs/{song['id']}")
        assert await get_ok(client, f"/songs/{theirs['id']}") == theirs
        assert [item["id"] for item in (await get_ok(client, "/artists"))["items"]] == [mara["id"]]

    async def test_an_artist_with_nothing_is_deleted(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str], curator: Curator
    ) -> None:
        artist = await curator.artist("Short Lived")
        response = await client.delete(f"/artists/{artist['id']}", headers=admin_headers)
        assert response.status_code == 204, response.text
        await gone(client, f"/artists/{artist['id']}")

    async def test_an_artist_featured_on_another_s_song_is_409_and_cascade_removes_the_credit(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
    ) -> None:
        guest = await curator.artist("Guest Star")
        duet = await curator.song(lanterns, "Duet", artists=[velvet, guest])
        url = f"/artists/{guest['id']}"

        response = await client.delete(url, headers=admin_headers)
        assert_problem(response, 409, "artist_has_songs")
        assert (await get_ok(client, f"/songs/{duet['id']}"))["artists"] == [
            ref(velvet),
            ref(guest),
        ]

        response = await client.delete(url, params={"cascade": "true"}, headers=admin_headers)
        assert response.status_code == 204, response.text
        await gone(client, url)
        song = await get_ok(client, f"/songs/{duet['id']}")
        assert song["artists"] == [ref(velvet)]
        assert song["title"] == "Duet"
        assert stamp(song["updated_at"]) > stamp(duet["updated_at"])
        listed = await get_ok(client, "/songs", params={"artist_id": guest["id"]})
        assert listed["items"] == []

    async def test_a_song_left_with_no_artist_keeps_its_album_s_artist(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
    ) -> None:
        guest = await curator.artist("Guest Star")
        cover = await curator.song(lanterns, "Cover", artists=[guest])
        response = await client.delete(
            f"/artists/{guest['id']}", params={"cascade": "true"}, headers=admin_headers
        )
        assert response.status_code == 204, response.text
        assert (await get_ok(client, f"/songs/{cover['id']}"))["artists"] == [ref(velvet)]

    async def test_cascade_removes_both_albums_and_credits_elsewhere(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
    ) -> None:
        guest = await curator.artist("Guest Star")
        own = await curator.song(await curator.album(guest, "Solo"), "Solo Song")
        duet = await curator.song(lanterns, "Duet", artists=[guest, velvet])
        response = await client.delete(
            f"/artists/{guest['id']}", params={"cascade": "true"}, headers=admin_headers
        )
        assert response.status_code == 204, response.text
        await gone(client, f"/songs/{own['id']}")
        assert (await get_ok(client, f"/songs/{duet['id']}"))["artists"] == [ref(velvet)]


class TestWhoMayCurate:
    @pytest.fixture
    async def writes(
        self, curator: Curator, velvet: dict[str, Any], lanterns: dict[str, Any]
    ) -> list[tuple[str, str, dict[str, Any] | None]]:
        """Every write, aimed at rows that exist, with bodies that are valid."""
        song = await curator.song(lanterns, "Paper Moons")
        return [
            ("POST", "/artists", {"name": "Intruder"}),
            ("POST", "/albums", {"title": "Intrusion", "artist_id": velvet["id"]}),
            ("POST", "/songs", {"title": "Intro", "album_id": lanterns["id"], "duration_ms": 1}),
            ("PATCH", f"/artists/{velvet['id']}", {"name": "Renamed"}),
            ("PATCH", f"/albums/{lanterns['id']}", {"title": "Renamed"}),
            ("PATCH", f"/songs/{song['id']}", {"title": "Renamed"}),
            ("DELETE", f"/songs/{song['id']}", None),
            ("DELETE", f"/albums/{lanterns['id']}?cascade=true", None),
            ("DELETE", f"/artists/{velvet['id']}?cascade=true", None),
        ]

    @staticmethod
    async def snapshot(client: httpx.AsyncClient) -> list[Any]:
        return [await get_ok(client, path) for path in ("/artists", "/albums", "/songs")]

    async def attempt(
        self,
        client: httpx.AsyncClient,
        writes: list[tuple[str, str, dict[str, Any] | None]],
        headers: dict[str, str],
        status: int,
        code: str,
    ) -> None:
        before = await self.snapshot(client)
        for method, url, body in writes:
            response = await client.request(method, url, json=body, headers=headers)
            problem = assert_problem(response, status, code)
            if status == 401:
                assert response.headers["www-authenticate"].startswith("Bearer")
            else:
                assert "catalog:write" in problem["detail"]
        assert await self.snapshot(client) == before

    async def test_a_regular_user_is_403_on_every_write(
        self,
        client: httpx.AsyncClient,
        user_headers: dict[str, str],
        writes: list[tuple[str, str, dict[str, Any] | None]],
    ) -> None:
        await self.attempt(client, writes, user_headers, 403, "insufficient_scope")

    async def test_without_a_token_every_write_is_401(
        self, client: httpx.AsyncClient, writes: list[tuple[str, str, dict[str, Any] | None]]
    ) -> None:
        await self.attempt(client, writes, {}, 401, "not_authenticated")
        await self.attempt(client, writes, bearer("not-a-token"), 401, "not_authenticated")

    async def test_an_admin_token_narrowed_at_login_is_403(
        self,
        client: httpx.AsyncClient,
        admin_token: str,
        writes: list[tuple[str, str, dict[str, Any] | None]],
    ) -> None:
        narrow = await login(client, "root", scope="playlists:read")
        await self.attempt(client, writes, bearer(narrow), 403, "insufficient_scope")

    async def test_an_admin_token_narrowed_to_catalog_write_may_curate(
        self, client: httpx.AsyncClient, admin_token: str
    ) -> None:
        token = await login(client, "root", scope="catalog:write")
        response = await client.post("/artists", json={"name": "Allowed"}, headers=bearer(token))
        assert response.status_code == 201, response.text
