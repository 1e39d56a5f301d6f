"""Browsing the catalog without a token: songs, albums, artists, their filters and sorts."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.catalog.conftest import SORTS, Curator, expected_order, get_ok, ref
from tests.helpers import assert_problem

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
ALBUM_FIELDS = {
    "id",
    "title",
    "album_type",
    "release_date",
    "cover_url",
    "artist",
    "total_songs",
    "created_at",
    "updated_at",
}
ARTIST_FIELDS = {"id", "name", "genres", "image_url", "followers", "created_at", "updated_at"}
PAGE_FIELDS = {"items", "total", "limit", "offset", "next", "previous"}


def titles(page: dict[str, Any]) -> list[str]:
    return [item.get("title", item.get("name")) for item in page["items"]]


@pytest.fixture
async def library(curator: Curator) -> dict[str, Any]:
    """Two artists; Mara is featured on one of Velvet's songs and has an album of her own."""
    velvet = await curator.artist("Velvet Harbors", genres=["indie rock"])
    mara = await curator.artist("Mara Quinn")
    lanterns = await curator.album(velvet, "Lanterns", release_date="2019-04-12")
    tides = await curator.album(mara, "Tides", album_type="single")
    songs = {
        "paper": await curator.song(lanterns, "Paper Moons", isrc="USVHB1900003"),
        "duet": await curator.song(lanterns, "Harbor Lights", artists=[velvet, mara]),
        "tides": await curator.song(tides, "Low Tide"),
    }
    return {"velvet": velvet, "mara": mara, "lanterns": lanterns, "tides": tides, **songs}


class TestSongs:
    async def test_a_song_shows_every_field_with_its_album_and_credited_artists(
        self, client: httpx.AsyncClient, library: dict[str, Any]
    ) -> None:
        duet = await get_ok(client, f"/songs/{library['duet']['id']}")
        assert set(duet) == SONG_FIELDS
        assert duet == library["duet"]
        assert duet["title"] == "Harbor Lights"
        assert duet["album"] == {"id": library["lanterns"]["id"], "title": "Lanterns"}
        assert duet["artists"] == [ref(library["velvet"]), ref(library["mara"])]
        assert duet["track_number"] == 2
        assert duet["disc_number"] == 1
        assert duet["explicit"] is False
        assert duet["isrc"] is None
        assert duet["duration_ms"] == 200_000
        paper = await get_ok(client, f"/songs/{library['paper']['id']}")
        assert paper["isrc"] == "USVHB1900003"
        assert paper["artists"] == [ref(library["velvet"])]

    async def test_the_list_is_a_page_by_title_by_default(
        self, client: httpx.AsyncClient, library: dict[str, Any]
    ) -> None:
        page = await get_ok(client, "/songs")
        assert set(page) == PAGE_FIELDS
        assert page["total"] == 3
        assert page["limit"] == 20
        assert page["offset"] == 0
        assert page["next"] is None
        assert page["previous"] is None
        assert titles(page) == ["Harbor Lights", "Low Tide", "Paper Moons"]
        assert page["items"][0] == library["duet"]

    async def test_an_empty_catalog_is_an_empty_page(self, client: httpx.AsyncClient) -> None:
        for path in ("/songs", "/albums", "/artists"):
            page = await get_ok(client, path)
            assert page == {
                "items": [],
                "total": 0,
                "limit": 20,
                "offset": 0,
                "next": None,
                "previous": None,
            }

    async def test_artist_id_finds_the_songs_crediting_the_artist_featured_or_not(
        self, client: httpx.AsyncClient, library: dict[str, Any]
    ) -> None:
        mara = await get_ok(client, "/songs", params={"artist_id": library["mara"]["id"]})
        assert titles(mara) == ["Harbor Lights", "Low Tide"]
        assert mara["total"] == 2
        velvet = await get_ok(client, "/songs", params={"artist_id": library["velvet"]["id"]})
        assert titles(velvet) == ["Harbor Lights", "Paper Moons"]
        nobody = await get_ok(client, "/songs", params={"artist_id": str(uuid.uuid4())})
        assert nobody["items"] == []
        assert nobody["total"] == 0

    async def test_album_id_finds_the_album_s_songs_and_combines_with_artist_id(
        self, client: httpx.AsyncClient, library: dict[str, Any]
    ) -> None:
        lanterns = library["lanterns"]["id"]
        page = await get_ok(client, "/songs", params={"album_id": lanterns})
        assert titles(page) == ["Harbor Lights", "Paper Moons"]
        both = {"album_id": lanterns, "artist_id": library["mara"]["id"]}
        assert titles(await get_ok(client, "/songs", params=both)) == ["Harbor Lights"]
        tides = {"album_id": library["tides"]["id"], "artist_id": library["velvet"]["id"]}
        assert titles(await get_ok(client, "/songs", params=tides)) == []

    async def test_an_unknown_song_is_404(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get(f"/songs/{uuid.uuid4()}"), 404, "not_found")


class TestAlbums:
    async def test_an_album_lists_its_songs_in_disc_then_track_order(
        self, client: httpx.AsyncClient, curator: Curator
    ) -> None:
        artist = await curator.artist("Velvet Harbors")
        album = await curator.album(artist, "Double", album_type="compilation")
        await curator.song(album, "Disc Two Opener", disc_number=2, track_number=1)
        await curator.song(album, "Third", track_number=3)
        await curator.song(album, "First", track_number=1)
        await curator.song(album, "Second", track_number=2)
        await curator.song(album, "Disc Two Closer", disc_number=2, track_number=2)

        detail = await get_ok(client, f"/albums/{album['id']}")
        assert set(detail) == ALBUM_FIELDS | {"songs"}
        assert detail["total_songs"] == 5
        assert detail["artist"] == ref(artist)
        assert detail["album_type"] == "compilation"
        order = [(song["disc_number"], song["track_number"]) for song in detail["songs"]]
        assert order == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)]
        assert [song["title"] for song in detail["songs"]] == [
            "First",
            "Second",
            "Third",
            "Disc Two Opener",
            "Disc Two Closer",
        ]
        song = await get_ok(client, f"/songs/{detail['songs'][0]['id']}")
        assert detail["songs"][0] == song

    async def test_the_list_shows_each_album_with_its_artist_and_song_count(
        self, client: httpx.AsyncClient, library: dict[str, Any]
    ) -> None:
        page = await get_ok(client, "/albums")
        assert set(page) == PAGE_FIELDS
        assert page["total"] == 2
        assert titles(page) == ["Lanterns", "Tides"]
        lanterns, tides = page["items"]
        assert set(lanterns) == ALBUM_FIELDS
        assert lanterns["artist"] == ref(library["velvet"])
        assert lanterns["total_songs"] == 2
        assert lanterns["release_date"] == "2019-04-12"
        assert lanterns["album_type"] == "album"
        assert lanterns["cover_url"] is None
        assert tides["total_songs"] == 1
        assert tides["album_type"] == "single"
        detail = await get_ok(client, f"/albums/{lanterns['id']}")
        assert {k: v for k, v in detail.items() if k != "songs"} == lanterns

    async def test_artist_id_filters_albums(
        self, client: httpx.AsyncClient, library: dict[str, Any]
    ) -> None:
        page = await get_ok(client, "/albums", params={"artist_id": library["mara"]["id"]})
        assert titles(page) == ["Tides"]
        assert page["total"] == 1

    async def test_an_unknown_album_is_404(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get(f"/albums/{uuid.uuid4()}"), 404, "not_found")


class TestArtists:
    async def test_an_artist_lists_their_albums_newest_release_first(
        self, client: httpx.AsyncClient, curator: Curator
    ) -> None:
        artist = await curator.artist("Velvet Harbors", genres=["indie rock", "dream pop"])
        await curator.album(artist, "Debut", release_date="2015-01-01")
        await curator.album(artist, "Undated")
        await curator.album(artist, "Latest", release_date="2021-06-30")
        other = await curator.artist("Someone Else")
        await curator.album(other, "Not Theirs")

        detail = await get_ok(client, f"/artists/{artist['id']}")
        assert set(detail) == ARTIST_FIELDS | {"albums"}
        assert {k: v for k, v in detail.items() if k != "albums"} == artist
        assert detail["genres"] == ["indie rock", "dream pop"]
        assert [album["title"] for album in detail["albums"]] == ["Latest", "Debut", "Undated"]
        assert all(album["artist"] == ref(artist) for album in detail["albums"])
        assert all(set(album) == ALBUM_FIELDS for album in detail["albums"])

    async def test_an_artist_without_albums_has_an_empty_list(
        self, client: httpx.AsyncClient, curator: Curator
    ) -> None:
        artist = await curator.artist("Newcomer")
        assert (await get_ok(client, f"/artists/{artist['id']}"))["albums"] == []

    async def test_the_list_is_by_name_by_default(
        self, client: httpx.AsyncClient, library: dict[str, Any]
    ) -> None:
        page = await get_ok(client, "/artists")
        assert set(page) == PAGE_FIELDS
        assert titles(page) == ["Mara Quinn", "Velvet Harbors"]
        assert page["items"][1] == library["velvet"]
        assert set(page["items"][0]) == ARTIST_FIELDS

    async def test_an_unknown_artist_is_404(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get(f"/artists/{uuid.uuid4()}"), 404, "not_found")


class TestSearch:
    @pytest.fixture
    async def odd_names(self, curator: Curator) -> None:
        wild = await curator.artist("100% Wild")
        snake = await curator.artist("snake_case")
        await curator.artist("Plain Folk")
        percent = await curator.album(wild, "50% Off")
        under = await curator.album(snake, "under_score")
        await curator.album(snake, "Nothing Odd")
        await curator.song(percent, "100% Pure")
        await curator.song(under, "Snake_Bite")
        await curator.song(under, "Plain Song")

    @pytest.mark.parametrize(
        ("path", "q", "found"),
        [
            ("/songs", "PURE", ["100% Pure"]),
            ("/songs", "plain s", ["Plain Song"]),
            ("/songs", "%", ["100% Pure"]),
            ("/songs", "_", ["Snake_Bite"]),
            ("/songs", "e_b", ["Snake_Bite"]),
            ("/songs", "0%", ["100% Pure"]),
            ("/songs", "nothing", []),
            ("/albums", "off", ["50% Off"]),
            ("/albums", "%", ["50% Off"]),
            ("/albums", "_", ["under_score"]),
            ("/albums", "ODD", ["Nothing Odd"]),
            ("/artists", "wild", ["100% Wild"]),
            ("/artists", "%", ["100% Wild"]),
            ("/artists", "_", ["snake_case"]),
            ("/artists", "FOLK", ["Plain Folk"]),
        ],
        ids=str,
    )
    @pytest.mark.usefixtures("odd_names")
    async def test_q_matches_part_of_the_title_or_name_ignoring_case_with_literal_wildcards(
        self, client: httpx.AsyncClient, path: str, q: str, found: list[str]
    ) -> None:
        page = await get_ok(client, path, params={"q": q})
        assert titles(page) == found
        assert page["total"] == len(found)

    @pytest.mark.usefixtures("odd_names")
    async def test_a_blank_q_filters_nothing(self, client: httpx.AsyncClient) -> None:
        assert (await get_ok(client, "/songs", params={"q": "   "}))["total"] == 3

    async def test_q_combines_with_the_other_filters(
        self, client: httpx.AsyncClient, library: dict[str, Any]
    ) -> None:
        mara = library["mara"]["id"]
        songs = await get_ok(client, "/songs", params={"q": "LIGHT", "artist_id": mara})
        assert titles(songs) == ["Harbor Lights"]
        songs = await get_ok(client, "/songs", params={"q": "paper", "artist_id": mara})
        assert titles(songs) == []
        albums = await get_ok(client, "/albums", params={"q": "lan", "artist_id": mara})
        assert titles(albums) == []


class TestSorting:
    @pytest.fixture
    async def listed(self, curator: Curator) -> dict[str, list[dict[str, Any]]]:
        """Each list's items, created in an order that is none of the sorts (one title twice)."""
        names = ["Mango", "Apple", "Zucchini", "Apple", "Kiwi"]
        artists = [await curator.artist(name) for name in names]
        albums = [await curator.album(artists[0], name) for name in names]
        songs = [await curator.song(albums[0], name) for name in names]
        album_items = (await walk_all(curator.client, "/albums"))["items"]
        return {"/songs": songs, "/albums": album_items, "/artists": artists}

    @pytest.mark.parametrize(
        ("path", "sort"),
        [(path, sort) for path, (_, sorts) in SORTS.items() for sort in sorts],
        ids=str,
    )
    async def test_each_sort_orders_by_its_key_then_id(
        self,
        client: httpx.AsyncClient,
        listed: dict[str, list[dict[str, Any]]],
        path: str,
        sort: str,
    ) -> None:
        name = SORTS[path][0]
        page = await get_ok(client, path, params={"sort": sort})
        assert page["total"] == 5
        assert [item["id"] for item in page["items"]] == expected_order(listed[path], sort, name)

    @pytest.mark.parametrize("path", list(SORTS), ids=str)
    async def test_the_default_sort_is_by_title_or_name(
        self, client: httpx.AsyncClient, listed: dict[str, list[dict[str, Any]]], path: str
    ) -> None:
        name = SORTS[path][0]
        page = await get_ok(client, path)
        assert [item["id"] for item in page["items"]] == expected_order(listed[path], name, name)


async def walk_all(client: httpx.AsyncClient, path: str) -> dict[str, Any]:
    page: dict[str, Any] = await get_ok(client, path, params={"limit": 100})
    assert page["next"] is None
    return page


class TestBadRequests:
    @pytest.mark.parametrize(
        "url",
        [
            "/songs?sort=name",
            "/songs?sort=duration_ms",
            "/songs?sort=%2Btitle",
            "/albums?sort=name",
            "/albums?sort=release_date",
            "/artists?sort=title",
            "/artists?sort=-genres",
        ],
        ids=str,
    )
    async def test_an_unknown_sort_is_422(self, client: httpx.AsyncClient, url: str) -> None:
        problem = assert_problem(await client.get(url), 422, "validation_error")
        assert problem["errors"][0]["loc"] == ["query", "sort"]

    @pytest.mark.parametrize("path", list(SORTS), ids=str)
    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("limit=many", "limit"),
            ("offset=-1", "offset"),
            ("q=" + "x" * 101, "q"),
        ],
        ids=str,
    )
    async def test_bad_paging_parameters_are_422(
        self, client: httpx.AsyncClient, path: str, query: str, field: str
    ) -> None:
        problem = assert_problem(await client.get(f"{path}?{query}"), 422, "validation_error")
        assert problem["errors"][0]["loc"] == ["query", field]

    @pytest.mark.parametrize("limit", [1, 100])
    async def test_the_limits_of_limit_are_accepted(
        self, client: httpx.AsyncClient, limit: int
    ) -> None:
        assert (await get_ok(client, "/songs", params={"limit": limit}))["limit"] == limit

    @pytest.mark.parametrize(
        ("url", "loc"),
        [
            ("/songs/not-a-uuid", ["path", "song_id"]),
            ("/albums/12345", ["path", "album_id"]),
            ("/artists/0b9f3c43-5c7e-4a4e-9d55", ["path", "artist_id"]),
            ("/songs?artist_id=nope", ["query", "artist_id"]),
            ("/songs?album_id=nope", ["query", "album_id"]),
            ("/albums?artist_id=nope", ["query", "artist_id"]),
        ],
        ids=str,
    )
    async def test_a_malformed_id_is_422(
        self, client: httpx.AsyncClient, url: str, loc: list[str]
    ) -> None:
        problem = assert_problem(await client.get(url), 422, "validation_error")
        assert problem["errors"][0]["loc"] == loc
