"""Curating the catalog with the `catalog:write` scope: create, change and delete artists,
albums and songs, and who may."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.catalog.conftest import Curator, get_ok
from tests.helpers import assert_problem, bearer, login

MISSING = "0b9f3c43-5c7e-4a4e-9d55-3f1b8e7d2a10"
IMAGE = "https://images.example.com/artists/velvet-harbors.jpg"


def stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def without(body: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in fields}


def ref(artist: dict[str, Any]) -> dict[str, str]:
    return {"id": artist["id"], "name": artist["name"]}


async def gone(client: httpx.AsyncClient, url: str) -> None:
    assert_problem(await client.get(url), 404, "not_found")


@pytest.fixture
async def velvet(curator: Curator) -> dict[str, Any]:
    return await curator.artist("Velvet Harbors", genres=["indie rock"], image_url=IMAGE)


@pytest.fixture
async def lanterns(curator: Curator, velvet: dict[str, Any]) -> dict[str, Any]:
    return await curator.album(velvet, "Lanterns", release_date="2019-04-12")


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
