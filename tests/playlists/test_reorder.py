"""Reordering, checked against a pure-Python model of the Spotify Web API's semantics:
move `range_length` items starting at `range_start` to just before `insert_before` (an index
into the list as it was before the move)."""

from __future__ import annotations

import random
from typing import Any, TypeVar

import httpx
import pytest

from tests.helpers import assert_problem
from tests.playlists.conftest import (
    PlaylistFactory,
    assert_invalid,
    get_playlist,
    ids,
    order,
)
from tests.playlists.reorder_model import spotify_reorder

T = TypeVar("T")


def test_the_model_follows_spotifys_examples() -> None:
    # The examples of Spotify's "Update Playlist Items" reference.
    items = ["A", "B", "C", "D", "E"]
    assert spotify_reorder(items, 0, 3) == ["B", "C", "A", "D", "E"]  # first before the 4th
    assert spotify_reorder(items, 4, 0) == ["E", "A", "B", "C", "D"]  # last to the start
    assert spotify_reorder(items, 0, 5, 2) == ["C", "D", "E", "A", "B"]  # first two to the end
    assert spotify_reorder(items, 1, 1, 2) == items
    assert spotify_reorder(items, 1, 3, 2) == items
    assert spotify_reorder(items, 1, 2, 3) == items  # insert_before inside the range
    assert spotify_reorder(items, 3, 1, 2) == ["A", "D", "E", "B", "C"]


def valid_moves(length: int) -> list[tuple[int, int, int]]:
    """Every (range_start, range_length, insert_before) the API accepts on `length` items."""
    return [
        (start, size, before)
        for start in range(length)
        for size in range(1, length - start + 1)
        for before in range(length + 1)
    ]


async def reorder(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    playlist_id: str,
    body: dict[str, Any],
) -> httpx.Response:
    return await client.post(f"/playlists/{playlist_id}/reorder", json=body, headers=headers)


async def test_every_move_on_six_songs_matches_the_model(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    """All 147 valid moves, one after the other on the same playlist."""
    playlist = await make_playlist(songs=songs[:6])
    model = ids(songs[:6])
    snapshot = playlist["snapshot_id"]
    seen = {snapshot}
    moves = valid_moves(6)
    assert len(moves) == 147
    for start, size, before in moves:
        case = f"range_start={start} range_length={size} insert_before={before}"
        body = {"range_start": start, "insert_before": before, "range_length": size}
        response = await reorder(client, user_headers, playlist["id"], body)
        assert response.status_code == 200, f"{case}: {response.text}"
        returned = response.json()
        assert set(returned) == {"snapshot_id"}
        assert response.headers["etag"] == f'"{returned["snapshot_id"]}"'
        expected = spotify_reorder(model, start, before, size)
        assert await order(client, user_headers, playlist["id"]) == expected, case
        if start <= before <= start + size:  # a move that moves nothing
            assert expected == model
            assert returned["snapshot_id"] == snapshot, case
        else:
            assert expected != model
            assert returned["snapshot_id"] not in seen, case
        model, snapshot = expected, returned["snapshot_id"]
        seen.add(snapshot)
    shown = await get_playlist(client, user_headers, playlist["id"])
    assert shown["snapshot_id"] == snapshot
    assert shown["total_songs"] == 6
    assert shown["duration_ms"] == sum(song["duration_ms"] for song in songs[:6])


async def test_random_moves_with_repeated_songs_match_the_model(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    """Eight items, some songs twice, range_length left out half the time (it defaults to 1)."""
    chosen = [songs[0], songs[1], songs[2], songs[0], songs[3], songs[1], songs[4], songs[0]]
    playlist = await make_playlist(songs=chosen)
    model = ids(chosen)
    moves = random.Random(20261125)
    for _ in range(40):
        start = moves.randrange(8)
        before = moves.randrange(9)
        body: dict[str, Any] = {"range_start": start, "insert_before": before}
        size = 1
        if moves.random() < 0.5:
            size = moves.randint(1, 8 - start)
            body["range_length"] = size
        response = await reorder(client, user_headers, playlist["id"], body)
        assert response.status_code == 200, f"{body}: {response.text}"
        model = spotify_reorder(model, start, before, size)
        assert await order(client, user_headers, playlist["id"]) == model, body


async def test_a_move_that_moves_nothing_keeps_the_snapshot(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist(songs=songs[:4])
    for body in (
        {"range_start": 1, "insert_before": 1},
        {"range_start": 1, "insert_before": 2},
        {"range_start": 0, "insert_before": 4, "range_length": 4},
        {"range_start": 3, "insert_before": 4},
    ):
        response = await reorder(client, user_headers, playlist["id"], body)
        assert response.status_code == 200, response.text
        assert response.json() == {"snapshot_id": playlist["snapshot_id"]}
    assert await get_playlist(client, user_headers, playlist["id"]) == playlist
    assert await order(client, user_headers, playlist["id"]) == ids(songs[:4])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"range_start": 4, "insert_before": 0}, "range_start"),
        ({"range_start": 9, "insert_before": 0}, "range_start"),
        ({"range_start": 0, "insert_before": 5}, "insert_before"),
        ({"range_start": 0, "insert_before": 2, "range_length": 5}, "range_length"),
        ({"range_start": 2, "insert_before": 0, "range_length": 3}, "range_length"),
        ({"range_start": 0, "insert_before": 1, "range_length": 0}, "range_length"),
        ({"range_start": -1, "insert_before": 0}, "range_start"),
        ({"range_start": 0, "insert_before": -1}, "insert_before"),
        ({"range_start": 0, "insert_before": 1, "range_length": -2}, "range_length"),
        ({"range_start": 0, "insert_before": 10_001}, "insert_before"),
        ({"insert_before": 0}, "range_start"),
        ({"range_start": 0}, "insert_before"),
        ({"range_start": 0, "insert_before": 1, "snapshot_id": "x"}, "snapshot_id"),
        ({"range_start": "first", "insert_before": 1}, "range_start"),
    ],
)
async def test_out_of_range_values_are_422_naming_the_field(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
    body: dict[str, Any],
    field: str,
) -> None:
    playlist = await make_playlist(songs=songs[:4])
    assert_invalid(await reorder(client, user_headers, playlist["id"], body), field)
    assert await get_playlist(client, user_headers, playlist["id"]) == playlist
    assert await order(client, user_headers, playlist["id"]) == ids(songs[:4])


async def test_an_empty_playlist_cannot_be_reordered(
    client: httpx.AsyncClient, make_playlist: PlaylistFactory, user_headers: dict[str, str]
) -> None:
    playlist = await make_playlist()
    for body in ({"range_start": 0, "insert_before": 0}, {"range_start": 0, "insert_before": 1}):
        assert_invalid(await reorder(client, user_headers, playlist["id"], body), "range_start")
    assert await get_playlist(client, user_headers, playlist["id"]) == playlist


async def test_an_unknown_playlist_is_404(
    client: httpx.AsyncClient, user_headers: dict[str, str]
) -> None:
    response = await reorder(
        client,
        user_headers,
        "00000000-0000-4000-8000-000000000000",
        {"range_start": 0, "insert_before": 1},
    )
    assert_problem(response, 404, "not_found")
