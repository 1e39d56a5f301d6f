"""Curating the catalog with the `catalog:write` scope: creating artists, albums and songs,
and references to what does not exist."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.catalog.conftest import (
    MISSING,
    Curator,
    get_ok,
    ref,
    without,
)
from tests.helpers import assert_problem


class TestCreate:
    async def test_an_artist_is_201_with_a_location_that_gets_it(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        body = {"name": "  The Velvet Harbors ", "genres": ["indie rock", "dream pop"]}
        response = await client.post("/artists", json=body, headers=admin_headers)
        assert response.status_code == 201, response.text
        artist = response.json()
        assert artist["name"] == "The Velvet Harbors"
        assert artist["genres"] == ["indie rock", "dream pop"]
        assert artist["image_url"] is None
        uuid.UUID(artist["id"])
        assert response.headers["location"] == f"/artists/{artist['id']}"
        detail = await get_ok(client, response.headers["location"])
        assert without(detail, "albums") == artist
        assert detail["albums"] == []

    async def test_an_album_is_201_with_defaults_and_a_location_that_gets_it(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str], velvet: dict[str, Any]
    ) -> None:
        body = {"title": "Lanterns", "artist_id": velvet["id"]}
        response = await client.post("/albums", json=body, headers=admin_headers)
        assert response.status_code == 201, response.text
        album = response.json()
        assert album["title"] == "Lanterns"
        assert album["album_type"] == "album"
        assert album["release_date"] is None
        assert album["cover_url"] is None
        assert album["total_songs"] == 0
        assert album["artist"] == ref(velvet)
        assert response.headers["location"] == f"/albums/{album['id']}"
        detail = await get_ok(client, response.headers["location"])
        assert without(detail, "songs") == album
        listed = await get_ok(client, f"/artists/{velvet['id']}")
        assert listed["albums"] == [album]

    async def test_a_song_is_201_with_a_location_that_gets_it(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str], lanterns: dict[str, Any]
    ) -> None:
        body = {
            "title": "Paper Moons",
            "album_id": lanterns["id"],
            "duration_ms": 214_000,
            "explicit": True,
            "disc_number": 2,
            "track_number": 7,
            "isrc": "USVHB1900003",
        }
        response = await client.post("/songs", json=body, headers=admin_headers)
        assert response.status_code == 201, response.text
        song = response.json()
        assert without(song, "id", "album", "artists", "created_at", "updated_at") == without(
            body, "album_id"
        )
        assert song["album"] == {"id": lanterns["id"], "title": "Lanterns"}
        assert response.headers["location"] == f"/songs/{song['id']}"
        assert await get_ok(client, response.headers["location"]) == song
        album = await get_ok(client, f"/albums/{lanterns['id']}")
        assert album["songs"] == [song]
        assert album["total_songs"] == 1

    async def test_a_song_s_artists_default_to_the_album_s_artist(
        self, curator: Curator, velvet: dict[str, Any], lanterns: dict[str, Any]
    ) -> None:
        song = await curator.song(lanterns, "Paper Moons")
        assert song["artists"] == [ref(velvet)]

    async def test_artist_ids_are_credited_in_the_order_given(
        self, curator: Curator, velvet: dict[str, Any], lanterns: dict[str, Any]
    ) -> None:
        mara = await curator.artist("Mara Quinn")
        song = await curator.song(lanterns, "Duet", artists=[mara, velvet])
        assert song["artists"] == [ref(mara), ref(velvet)]

    async def test_the_track_number_defaults_to_the_next_on_the_disc(
        self, curator: Curator, lanterns: dict[str, Any]
    ) -> None:
        tracks = [
            (await curator.song(lanterns, "One"))["track_number"],
            (await curator.song(lanterns, "Two"))["track_number"],
            (await curator.song(lanterns, "Disc Two", disc_number=2))["track_number"],
            (await curator.song(lanterns, "Ten", track_number=10))["track_number"],
            (await curator.song(lanterns, "Eleven"))["track_number"],
            (await curator.song(lanterns, "Disc Two Again", disc_number=2))["track_number"],
        ]
        assert tracks == [1, 2, 1, 10, 11, 2]
        other = await curator.album(await curator.artist("Other"), "Other Album")
        assert (await curator.song(other, "Opener"))["track_number"] == 1

    async def test_a_lowercase_isrc_is_accepted_and_returned_uppercase(
        self, client: httpx.AsyncClient, curator: Curator, lanterns: dict[str, Any]
    ) -> None:
        song = await curator.song(lanterns, "Paper Moons", isrc="usvhb1900004")
        assert song["isrc"] == "USVHB1900004"
        assert (await get_ok(client, f"/songs/{song['id']}"))["isrc"] == "USVHB1900004"

    @pytest.mark.parametrize(
        "isrc",
        ["US-VHB-19-00003", "USVHB190000", "USVHB19000033", "1SVHB1900003", "USVHB19000AB", ""],
        ids=str,
    )
    async def test_a_bad_isrc_is_422(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        lanterns: dict[str, Any],
        isrc: str,
    ) -> None:
        body = {"title": "T", "album_id": lanterns["id"], "duration_ms": 1000, "isrc": isrc}
        response = await client.post("/songs", json=body, headers=admin_headers)
        problem = assert_problem(response, 422, "validation_error")
        assert problem["errors"][0]["loc"] == ["body", "isrc"]
        assert (await get_ok(client, "/songs"))["total"] == 0

    @pytest.mark.parametrize(
        ("path", "body", "field"),
        [
            ("/artists", {"name": ""}, "name"),
            ("/artists", {"name": "   "}, "name"),
            ("/artists", {"name": "x" * 201}, "name"),
            ("/artists", {}, "name"),
            ("/artists", {"name": "A", "genres": ["rock", "rock"]}, "genres"),
            ("/artists", {"name": "A", "image_url": "not a url"}, "image_url"),
            ("/artists", {"name": "A", "id": MISSING}, "id"),
            ("/artists", {"name": "A", "created_at": "2020-01-01T00:00:00Z"}, "created_at"),
            ("/albums", {"title": "T", "artist_id": "nope"}, "artist_id"),
            ("/albums", {"title": "T", "artist_id": "{artist}", "album_type": "ep"}, "album_type"),
            ("/albums", {"title": "T", "artist_id": "{artist}", "total_songs": 3}, "total_songs"),
            ("/songs", {"title": "T", "album_id": "{album}"}, "duration_ms"),
            ("/songs", {"title": "T", "album_id": "{album}", "duration_ms": 0}, "duration_ms"),
            (
                "/songs",
                {"title": "T", "album_id": "{album}", "duration_ms": 1, "artist_ids": []},
                "artist_ids",
            ),
            (
                "/songs",
                {
                    "title": "T",
                    "album_id": "{album}",
                    "duration_ms": 1,
                    "artist_ids": ["{artist}", "{artist}"],
                },
                "artist_ids",
            ),
            (
                "/songs",
                {"title": "T", "album_id": "{album}", "duration_ms": 1, "track_number": 0},
                "track_number",
            ),
            (
                "/songs",
                {"title": "T", "album_id": "{album}", "duration_ms": 1, "artists": []},
                "artists",
            ),
        ],
        ids=str,
    )
    async def test_a_bad_body_is_422_naming_the_field_and_creates_nothing(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
        path: str,
        body: dict[str, Any],
        field: str,
    ) -> None:
        def fill(value: Any) -> Any:
            if isinstance(value, list):
                return [fill(item) for item in value]
            if value == "{artist}":
                return velvet["id"]
            return lanterns["id"] if value == "{album}" else value

        body = {key: fill(value) for key, value in body.items()}
        before = [(await get_ok(client, p))["total"] for p in ("/artists", "/albums", "/songs")]
        problem = assert_problem(
            await client.post(path, json=body, headers=admin_headers), 422, "validation_error"
        )
        assert problem["errors"][0]["loc"][:2] == ["body", field]
        after = [(await get_ok(client, p))["total"] for p in ("/artists", "/albums", "/songs")]
        assert after == before


class TestMissingReferences:
    async def test_an_album_of_a_missing_artist_is_422_naming_artist_id(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        response = await client.post(
            "/albums", json={"title": "Orphan", "artist_id": MISSING}, headers=admin_headers
        )
        problem = assert_problem(response, 422, "validation_error")
        assert problem["errors"][0]["loc"] == ["body", "artist_id"]
        assert (await get_ok(client, "/albums"))["total"] == 0

    async def test_a_song_of_a_missing_album_is_422_naming_album_id(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str]
    ) -> None:
        body = {"title": "Orphan", "album_id": MISSING, "duration_ms": 1000}
        problem = assert_problem(
            await client.post("/songs", json=body, headers=admin_headers), 422, "validation_error"
        )
        assert problem["errors"][0]["loc"] == ["body", "album_id"]

    async def test_a_song_crediting_a_missing_artist_is_422_naming_artist_ids(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        velvet: dict[str, Any],
        lanterns: dict[str, Any],
    ) -> None:
        body = {
            "title": "Ghost Duet",
            "album_id": lanterns["id"],
            "duration_ms": 1000,
            "artist_ids": [velvet["id"], MISSING],
        }
        problem = assert_problem(
            await client.post("/songs", json=body, headers=admin_headers), 422, "validation_error"
        )
        assert problem["errors"][0]["loc"] == ["body", "artist_ids"]
        assert MISSING in problem["detail"]
        assert (await get_ok(client, "/songs"))["total"] == 0

    @pytest.mark.parametrize(
        ("what", "body", "field"),
        [
            ("album", {"artist_id": MISSING}, "artist_id"),
            ("song", {"album_id": MISSING}, "album_id"),
            ("song", {"artist_ids": [MISSING]}, "artist_ids"),
        ],
        ids=str,
    )
    async def test_a_patch_to_a_missing_reference_is_422_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        curator: Curator,
        lanterns: dict[str, Any],
        what: str,
        body: dict[str, Any],
        field: str,
    ) -> None:
        song = await curator.song(lanterns, "Paper Moons")
        url = f"/albums/{lanterns['id']}" if what == "album" else f"/songs/{song['id']}"
        before = await get_ok(client, url)
        problem = assert_problem(
            await client.patch(url, json={**body, "title": "Changed"}, headers=admin_headers),
            422,
            "validation_error",
        )
        assert problem["errors"][0]["loc"] == ["body", field]
        assert await get_ok(client, url) == before
