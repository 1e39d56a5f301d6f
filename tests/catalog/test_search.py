"""`GET /search` finds what people type, ranks it, pages it and validates what it is asked, on
both backends, with the golden query set of `search_golden`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.catalog.conftest import Curator, get_ok
from tests.catalog.search_golden import GOLDEN, Golden, build
from tests.helpers import assert_problem

PAGES = {"artist": "artists", "album": "albums", "song": "songs"}


def names(page: dict[str, Any]) -> list[str]:
    return [item.get("name") or item["title"] for item in page["items"]]


@pytest.fixture
async def catalog(curator: Curator) -> dict[str, dict[str, Any]]:
    return await build(curator)


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda golden: f"{golden.q}: {golden.why}")
async def test_the_golden_queries_find_what_people_mean(
    client: httpx.AsyncClient, catalog: dict[str, Any], golden: Golden
) -> None:
    answer = await get_ok(client, "/search", params={"q": golden.q, "type": golden.type})
    page = answer[PAGES[golden.type]]
    assert names(page)[:1] == [golden.first], (golden.why, names(page))


async def test_an_exact_name_beats_a_prefix_beats_a_word_inside_beats_a_typo(
    client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    answer = await get_ok(client, "/search", params={"q": "metal", "type": "artist"})
    # "Metal" is the name; "Metallica" starts with it; "Heavy Metal Kids" holds it; "Petal" is
    # one letter off.
    assert names(answer["artists"]) == ["Metal", "Metallica", "Heavy Metal Kids", "Petal"]
    assert answer["artists"]["total"] == 4


async def test_top_mixes_the_types_and_puts_the_artist_of_that_name_first(
    client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    answer = await get_ok(client, "/search", params={"q": "metallica"})
    top = [
        (entry["type"], entry["item"].get("name") or entry["item"]["title"])
        for entry in answer["top"]
    ]
    # The artist and its album are both named so; a song with the name in its title is next.
    assert top[:3] == [
        ("artist", "Metallica"),
        ("album", "Metallica"),
        ("song", "Metallica Forever"),
    ]
    assert len(top) <= 5
    assert {entry["type"] for entry in answer["top"]} <= {"artist", "album", "song"}


async def test_a_songs_artists_and_album_count_less_than_its_title(
    client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    answer = await get_ok(client, "/search", params={"q": "yesterday beatles", "type": "song"})
    songs = answer["songs"]["items"]
    assert [(song["title"], song["artists"][0]["name"]) for song in songs] == [
        ("Yesterday", "The Beatles")
    ]
    # Alone, the title finds both songs of that name before the songs of an album called so.
    both = await get_ok(client, "/search", params={"q": "yesterday", "type": "song"})
    assert [song["title"] for song in both["songs"]["items"]] == ["Yesterday", "Yesterday"]
    help_songs = await get_ok(client, "/search", params={"q": "help", "type": "song"})
    assert names(help_songs["songs"]) == ["Help!", "Yesterday"]  # the title, then the album's


async def test_the_answer_holds_the_types_asked_for_and_the_query_as_received(
    client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    answer = await get_ok(client, "/search", params={"q": "  Beyoncé ", "type": "song,artist"})
    assert list(answer) == ["q", "top", "artists", "songs"]
    assert answer["q"] == "  Beyoncé "
    assert names(answer["artists"]) == ["Beyoncé"]
    assert names(answer["songs"]) == ["Formation", "Hold Up"]  # hers: found by their artist
    only = await get_ok(client, "/search", params={"q": "formation", "type": "song"})
    assert list(only) == ["q", "top", "songs"]
    assert [entry["type"] for entry in only["top"]] == ["song"]


async def test_a_query_of_punctuation_finds_nothing(
    client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    answer = await get_ok(client, "/search", params={"q": " !?/ ..."})
    assert answer["top"] == []
    for field in PAGES.values():
        assert answer[field] == {
            "items": [],
            "total": 0,
            "limit": 10,
            "offset": 0,
            "next": None,
            "previous": None,
        }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "    "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "a", "type": "artist,band"}, "type"),
        ({"q": "a", "type": ""}, "type"),
        ({"q": "a", "limit": 0}, "limit"),
        ({"q": "a", "limit": 51}, "limit"),
        ({"q": "a", "offset": -1}, "offset"),
        ({"q": "a", "offset": 1001}, "offset"),
        ({}, "q"),
    ],
)
async def test_bad_parameters_are_422_naming_them(
    client: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    body = assert_problem(await client.get("/search", params=params), 422, "validation_error")
    assert any(field in error["loc"] for error in body["errors"]), body


async def test_pages_of_a_type_follow_on_without_gaps_or_repeats(
    client: httpx.AsyncClient, curator: Curator
) -> None:
    artist = await curator.artist("Echo")
    album = await curator.album(artist, "Echoes")
    made = [await curator.song(album, f"Echo {n}") for n in range(7)]
    made += [await curator.song(album, "Echo") for _ in range(3)]  # ties: by id
    first = await get_ok(client, "/search", params={"q": "echo", "type": "song", "limit": 3})
    seen, page = [], first["songs"]
    while True:
        seen += [song["id"] for song in page["items"]]
        if page["next"] is None:
            break
        page = (await get_ok(client, page["next"]))["songs"]
    assert sorted(seen) == sorted(song["id"] for song in made)
    assert len(seen) == len(set(seen)) == page["total"] == 10
    # The three exact titles come first, in id order.
    exact = sorted(song["id"] for song in made[7:])
    assert seen[:3] == exact
    again = await get_ok(client, "/search", params={"q": "echo", "type": "song", "limit": 10})
    assert [song["id"] for song in again["songs"]["items"]] == seen
    assert first["songs"]["previous"] is None
    second = await get_ok(client, first["songs"]["next"])
    assert second["songs"]["previous"] is not None
    assert (await get_ok(client, second["songs"]["previous"]))["songs"] == first["songs"]


ODD_QUERIES = [
    "ʼ",  # a modifier letter: a word character that no engine indexes alone
    "ǅ",
    "½",
    "ﬁnal",
    "x" * 64 + "y",
    "İstanbul",
    "東京",
    "🎸 guitar",
    "a'b",
    '"quoted"',
    "AND OR NOT",
    "NEAR(a b)",
    "title: x",
    "*",
    "'a' & 'b' | !c",
    "a- -b",
    "\u0301\u0301",  # combining marks alone
]


@pytest.mark.parametrize("q", ODD_QUERIES)
async def test_odd_queries_are_answered_never_an_error(
    client: httpx.AsyncClient, catalog: dict[str, Any], q: str
) -> None:
    answer = await get_ok(client, "/search", params={"q": q})
    assert answer["q"] == q
    assert set(answer) == {"q", "top", "artists", "albums", "songs"}


async def test_a_last_word_that_starts_many_words_still_matches_them_all(
    client: httpx.AsyncClient, curator: Curator
) -> None:
    # More words start with "zeta" than a query's last word is expanded to.
    made = [await curator.artist(f"Zeta{n:02}") for n in range(70)]
    answer = await get_ok(client, "/search", params={"q": "zeta", "type": "artist", "limit": 50})
    assert answer["artists"]["total"] == 70
    assert names(answer["artists"]) == sorted(artist["name"] for artist in made)[:50]
    one = await get_ok(client, "/search", params={"q": "zeta0", "type": "artist"})
    assert names(one["artists"]) == [f"Zeta0{n}" for n in range(10)]


async def test_a_word_no_name_holds_finds_nothing_but_its_typos(
    client: httpx.AsyncClient, catalog: dict[str, Any]
) -> None:
    nothing = await get_ok(client, "/search", params={"q": "metallica zzzz"})
    assert nothing["top"] == []
    assert nothing["artists"]["total"] == 0
    typo = await get_ok(client, "/search", params={"q": "the beatels", "type": "artist"})
    assert names(typo["artists"]) == ["The Beatles"]
