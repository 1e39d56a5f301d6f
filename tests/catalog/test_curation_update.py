"""Curating the catalog with the `catalog:write` scope: changing artists, albums and songs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.catalog.conftest import (
    Curator,
    get_ok,
    ref,
    stamp,
    without,
)
from tests.helpers import assert_problem


class TestUpdate:
    async def test_patching_an_artist_changes_only_the_named_fields(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        velvet: dict[str, Any],
    ) -> None:
        url = f"/artists/{velvet['id']}"
        response = await client.patch(url, json={"genres": ["shoegaze"]}, headers=admin_headers)
        assert response.status_code == 200, response.text
        artist = response.json()
        assert artist["genres"] == ["shoegaze"]
        assert without(artist, "genres", "updated_at") == without(velvet, "genres", "updated_at")
        assert artist["created_at"] == velvet["created_at"]
        assert stamp(artist["updated_at"]) > stamp(velvet["updated_at"])
        assert without(await get_ok(client, url), "albums") == artist

        cleared = await client.patch(url, json={"image_url": None}, headers=admin_headers)
        assert cleared.status_code == 200, cleared.text
        assert cleared.json()["image_url"] is None
        assert cleared.json()["name"] == "Velvet Harbors"
        assert cleared.json()["genres"] == ["shoegaze"]

    async def test_patching_an_album_changes_only_the_named_fields(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        lanterns: dict[str, Any],
    ) -> None:
        await curator.song(lanterns, "Paper Moons")
        url = f"/albums/{lanterns['id']}"
        before = without(await get_ok(client, url), "songs")
        response = await client.patch(
            url, json={"title": "Lanterns (Deluxe)"}, headers=admin_headers
        )
        assert response.status_code == 200, response.text
        album = response.json()
        assert album["title"] == "Lanterns (Deluxe)"
        assert without(album, "title", "updated_at") == without(before, "title", "updated_at")
        assert album["total_songs"] == 1
        assert album["release_date"] == "2019-04-12"
        assert stamp(album["updated_at"]) > stamp(before["updated_at"])
        assert without(await get_ok(client, url), "songs") == album
        song = (await get_ok(client, "/songs"))["items"][0]
        assert song["album"] == {"id": lanterns["id"], "title": "Lanterns (Deluxe)"}

        cleared = await client.patch(url, json={"release_date": None}, headers=admin_headers)
        assert cleared.json()["release_date"] is None
        assert cleared.json()["title"] == "Lanterns (Deluxe)"

    async def test_patching_an_album_s_artist_moves_it(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
    ) -> None:
        mara = await curator.artist("Mara Quinn")
        response = await client.patch(
            f"/albums/{lanterns['id']}", json={"artist_id": mara["id"]}, headers=admin_headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["artist"] == ref(mara)
        assert (await get_ok(client, f"/artists/{velvet['id']}"))["albums"] == []
        moved = (await get_ok(client, f"/artists/{mara['id']}"))["albums"]
        assert [album["id"] for album in moved] == [lanterns["id"]]

    async def test_patching_a_song_changes_only_the_named_fields(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        lanterns: dict[str, Any],
    ) -> None:
        song = await curator.song(lanterns, "Paper Moons", isrc="USVHB1900003", explicit=True)
        url = f"/songs/{song['id']}"
        response = await client.patch(url, json={"title": "Paper Moons II"}, headers=admin_headers)
        assert response.status_code == 200, response.text
        changed = response.json()
        assert changed["title"] == "Paper Moons II"
        assert without(changed, "title", "updated_at") == without(song, "title", "updated_at")
        assert changed["created_at"] == song["created_at"]
        assert stamp(changed["updated_at"]) > stamp(song["updated_at"])
        assert await get_ok(client, url) == changed

        body = {"duration_ms": 1000, "isrc": "gbxyz2400001", "explicit": False}
        changed = (await client.patch(url, json=body, headers=admin_headers)).json()
        assert changed["duration_ms"] == 1000
        assert changed["isrc"] == "GBXYZ2400001"
        assert changed["explicit"] is False
        assert changed["title"] == "Paper Moons II"
        cleared = (await client.patch(url, json={"isrc": None}, headers=admin_headers)).json()
        assert cleared["isrc"] is None
        assert cleared["duration_ms"] == 1000

    async def test_patching_a_song_s_artists_and_album(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
    ) -> None:
        mara = await curator.artist("Mara Quinn")
        tides = await curator.album(mara, "Tides")
        song = await curator.song(lanterns, "Drift")
        url = f"/songs/{song['id']}"

        body = {"artist_ids": [mara["id"], velvet["id"]]}
        response = await client.patch(url, json=body, headers=admin_headers)
        assert response.status_code == 200, response.text
        credited = response.json()
        assert credited["artists"] == [ref(mara), ref(velvet)]
        assert stamp(credited["updated_at"]) > stamp(song["updated_at"])
        assert without(credited, "artists", "updated_at") == without(song, "artists", "updated_at")
        featured = await get_ok(client, "/songs", params={"artist_id": mara["id"]})
        assert [item["id"] for item in featured["items"]] == [song["id"]]

        moved = await client.patch(url, json={"album_id": tides["id"]}, headers=admin_headers)
        assert moved.status_code == 200, moved.text
        assert moved.json()["album"] == {"id": tides["id"], "title": "Tides"}
        assert moved.json()["artists"] == [ref(mara), ref(velvet)]
        assert (await get_ok(client, f"/albums/{lanterns['id']}"))["songs"] == []
        assert (await get_ok(client, f"/albums/{tides['id']}"))["songs"] == [moved.json()]

    @pytest.mark.parametrize("what", ["artist", "album", "song"])
    async def test_an_empty_patch_changes_nothing(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        lanterns: dict[str, Any],
        what: str,
    ) -> None:
        song = await curator.song(lanterns, "Paper Moons")
        url = {
            "artist": f"/artists/{lanterns['artist']['id']}",
            "album": f"/albums/{lanterns['id']}",
            "song": f"/songs/{song['id']}",
        }[what]
        before = await get_ok(client, url)
        response = await client.patch(url, json={}, headers=admin_headers)
        assert response.status_code == 200, response.text
        assert response.json() == without(before, "albums", "songs")
        assert await get_ok(client, url) == before

    @pytest.mark.parametrize(
        ("what", "field"),
        [
            ("artist", "name"),
            ("artist", "genres"),
            ("album", "title"),
            ("album", "artist_id"),
            ("album", "album_type"),
            ("song", "title"),
            ("song", "album_id"),
            ("song", "duration_ms"),
            ("song", "artist_ids"),
            ("song", "track_number"),
            ("song", "disc_number"),
            ("song", "explicit"),
        ],
        ids=str,
    )
    async def test_null_for_a_field_that_cannot_be_empty_is_422(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        lanterns: dict[str, Any],
        what: str,
        field: str,
    ) -> None:
        song = await curator.song(lanterns, "Paper Moons")
        url = {
            "artist": f"/artists/{lanterns['artist']['id']}",
            "album": f"/albums/{lanterns['id']}",
            "song": f"/songs/{song['id']}",
        }[what]
        before = await get_ok(client, url)
        response = await client.patch(url, json={field: None}, headers=admin_headers)
        problem = assert_problem(response, 422, "validation_error")
        assert [issue["loc"] for issue in problem["errors"]] == [["body", field]]
        assert await get_ok(client, url) == before

    @pytest.mark.parametrize(
        ("what", "field"),
        [
            ("artist", "id"),
            ("artist", "nmae"),
            ("album", "total_songs"),
            ("album", "songs"),
            ("song", "artists"),
            ("song", "created_at"),
        ],
        ids=str,
    )
    async def test_an_unknown_field_is_422(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        lanterns: dict[str, Any],
        what: str,
        field: str,
    ) -> None:
        song = await curator.song(lanterns, "Paper Moons")
        url = {
            "artist": f"/artists/{lanterns['artist']['id']}",
            "album": f"/albums/{lanterns['id']}",
            "song": f"/songs/{song['id']}",
        }[what]
        before = await get_ok(client, url)
        body = {field: "x", "title" if what != "artist" else "name": "Renamed"}
        response = await client.patch(url, json=body, headers=admin_headers)
        problem = assert_problem(response, 422, "validation_error")
        assert [issue["loc"] for issue in problem["errors"]] == [["body", field]]
        assert await get_ok(client, url) == before

    @pytest.mark.parametrize("path", ["/artists", "/albums", "/songs"])
    async def test_an_unknown_id_is_404_and_a_malformed_one_422(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str], path: str
    ) -> None:
        body = {"name": "X"} if path == "/artists" else {"title": "X"}
        response = await client.patch(f"{path}/{uuid.uuid4()}", json=body, headers=admin_headers)
        assert_problem(response, 404, "not_found")
        response = await client.delete(f"{path}/{uuid.uuid4()}", headers=admin_headers)
        assert_problem(response, 404, "not_found")
        response = await client.patch(f"{path}/nope", json=body, headers=admin_headers)
        assert_problem(response, 422, "validation_error")
        response = await client.delete(f"{path}/nope", headers=admin_headers)
        assert_problem(response, 422, "validation_error")
