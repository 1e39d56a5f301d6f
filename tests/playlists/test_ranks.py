"""Positions are derived from sparse ranks: whatever the ranks look like (spaced, crowded, near
the limits), a client sees the order it asked for, positions 0..n-1, and a change costs a fixed
number of statements however long the playlist is.

The tests change playlists through the API and compare with a Python list; some lay ranks out
straight in the database (crowded or at the edge of the range) to force a renumbering, and check
afterwards that the stored ranks are strictly increasing and match what the API shows.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, insert, select

from spotify_api.core.db import utc_now
from spotify_api.playlists.models import RANK_GAP, RANK_LIMIT, PlaylistItem
from tests.backends import counting
from tests.helpers import assert_problem
from tests.playlists.conftest import (
    PlaylistFactory,
    add_song,
    count_items,
    get_playlist,
    ids,
    order,
)
from tests.playlists.reorder_model import spotify_reorder


async def fill(
    app: FastAPI, playlist_id: str, song_ids: Sequence[str], ranks: Sequence[int]
) -> None:
    """Make the playlist hold these songs with these ranks, straight in the database."""
    now = utc_now()
    rows = [
        {
            "playlist_id": uuid.UUID(playlist_id),
            "rank": rank,
            "song_id": uuid.UUID(song),
            "added_at": now,
        }
        for song, rank in zip(song_ids, ranks, strict=True)
    ]
    async with app.state.engine.begin() as connection:
        await connection.execute(
            delete(PlaylistItem).where(PlaylistItem.playlist_id == uuid.UUID(playlist_id))
        )
        await connection.execute(insert(PlaylistItem), rows)
        await count_items(connection, playlist_id)


async def stored(app: FastAPI, playlist_id: str) -> list[str]:
    """The playlist's song ids in rank order as stored; ranks must strictly increase."""
    query = (
        select(PlaylistItem.rank, PlaylistItem.song_id)
        .where(PlaylistItem.playlist_id == uuid.UUID(playlist_id))
        .order_by(PlaylistItem.rank)
    )
    async with app.state.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    ranks = [rank for rank, _ in rows]
    assert all(low < high for low, high in itertools.pairwise(ranks)), ranks
    assert all(-RANK_LIMIT <= rank <= RANK_LIMIT for rank in ranks), ranks
    return [str(song) for _, song in rows]


async def same_everywhere(
    app: FastAPI, client: httpx.AsyncClient, headers: dict[str, str], playlist_id: str
) -> list[str]:
    """The order the API shows (positions 0..n-1), checked against the stored ranks and the
    playlist's total_songs."""
    shown = await order(client, headers, playlist_id)
    assert await stored(app, playlist_id) == shown
    assert (await get_playlist(client, headers, playlist_id))["total_songs"] == len(shown)
    return shown


def cycle(song_ids: Sequence[str], count: int) -> list[str]:
    return [song_ids[n % len(song_ids)] for n in range(count)]


async def remove_at(
    client: httpx.AsyncClient, headers: dict[str, str], playlist_id: str, song: str, position: int
) -> httpx.Response:
    return await client.post(
        f"/playlists/{playlist_id}/remove-song",
        json={"song_id": song, "position": position},
        headers=headers,
    )


async def test_many_inserts_at_one_place_keep_the_order(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    """45 inserts at position 1: the gap there halves each time and runs out after ~32, so
    the playlist is renumbered on the way; the order is what a list's insert gives."""
    playlist = await make_playlist(songs=songs[:2])
    model = ids(songs[:2])
    snapshots = {playlist["snapshot_id"]}
    for n in range(45):
        song = songs[2 + n % 6]["id"]
        added = await add_song(client, user_headers, playlist["id"], song, 1)
        assert added["position"] == 1
        assert added["snapshot_id"] not in snapshots
        snapshots.add(added["snapshot_id"])
        model.insert(1, song)
    assert await same_everywhere(app, client, user_headers, playlist["id"]) == model


async def test_inserts_at_the_start_and_appends_keep_the_order(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist()
    model: list[str] = []
    for n in range(40):
        song = songs[n % 8]["id"]
        if n % 3 == 2:
            assert (await add_song(client, user_headers, playlist["id"], song))["position"] == len(
                model
            )
            model.append(song)
        else:
            assert (await add_song(client, user_headers, playlist["id"], song, 0))["position"] == 0
            model.insert(0, song)
    assert await same_everywhere(app, client, user_headers, playlist["id"]) == model


@pytest.mark.parametrize(
    ("ranks", "position"),
    [
        ([-RANK_LIMIT, 0, 1], 0),  # no room before the first item
        ([-1, 0, RANK_LIMIT], 3),  # no room after the last one
        ([5, 6, 7], 1),  # no integer between neighbours
        ([5, 6, 7], 2),
        ([-RANK_LIMIT, -RANK_LIMIT + 1, RANK_LIMIT], 2),
    ],
)
async def test_an_insert_where_no_rank_is_free_renumbers_and_keeps_the_order(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
    ranks: list[int],
    position: int,
) -> None:
    playlist = await make_playlist()
    model = ids(songs[:3])
    await fill(app, playlist["id"], model, ranks)
    added = await add_song(client, user_headers, playlist["id"], songs[7]["id"], position)
    assert added["position"] == position
    model.insert(position, songs[7]["id"])
    assert await same_everywhere(app, client, user_headers, playlist["id"]) == model
    # Renumbered ranks leave room again: one more insert at the same place just fits.
    await add_song(client, user_headers, playlist["id"], songs[6]["id"], position)
    model.insert(position, songs[6]["id"])
    assert await same_everywhere(app, client, user_headers, playlist["id"]) == model


MOVES = [(0, 1, 5), (4, 1, 0), (0, 2, 6), (3, 3, 1), (1, 4, 7), (6, 2, 0), (2, 1, 4), (0, 7, 8)]


@pytest.mark.parametrize("spacing", [RANK_GAP, 1], ids=["room", "no-room"])
async def test_reorder_with_and_without_room_at_the_destination(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
    spacing: int,
) -> None:
    """Ranks spaced by RANK_GAP leave room for a moved block; consecutive ranks leave none, so
    every move renumbers the playlist. Either way the order is Spotify's."""
    playlist = await make_playlist()
    model = ids(songs)
    await fill(app, playlist["id"], model, [n * spacing for n in range(8)])
    for start, length, before in MOVES:
        if spacing == 1:  # crowd the ranks again (a renumbering spread them out)
            await fill(app, playlist["id"], model, list(range(-4, 4)))
        response = await client.post(
            f"/playlists/{playlist['id']}/reorder",
            json={"range_start": start, "range_length": length, "insert_before": before},
            headers=user_headers,
        )
        assert response.status_code == 200, response.text
        model = spotify_reorder(model, start, before, length)
        assert await same_everywhere(app, client, user_headers, playlist["id"]) == model


async def test_a_block_larger_than_the_gap_is_renumbered_into_place(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    """Four items between neighbours 3 apart: two ranks free, four needed."""
    playlist = await make_playlist()
    model = ids(songs)
    await fill(app, playlist["id"], model, [0, 3, 100, 200, 300, 400, 500, 600])
    response = await client.post(
        f"/playlists/{playlist['id']}/reorder",
        json={"range_start": 4, "range_length": 4, "insert_before": 1},
        headers=user_headers,
    )
    assert response.status_code == 200, response.text
    model = spotify_reorder(model, 4, 1, 4)
    assert await same_everywhere(app, client, user_headers, playlist["id"]) == model


async def test_removing_at_positions_in_a_long_playlist(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist()
    model = cycle(ids(songs), 2_000)
    await fill(app, playlist["id"], model, [(n + 1) * RANK_GAP for n in range(2_000)])
    snapshot = playlist["snapshot_id"]
    # The middle, near the start, near the end (counted from the end), the very ends.
    for position in (1_000, 999, 3, 1_990, 0, 1_993):
        response = await remove_at(client, user_headers, playlist["id"], model[position], position)
        assert response.status_code == 200, response.text
        assert response.json()["removed"] == 1
        assert response.json()["snapshot_id"] != snapshot
        snapshot = response.json()["snapshot_id"]
        del model[position]
    # Another song at that position: 404, nothing changes.
    wrong = next(song for song in ids(songs) if song != model[500])
    assert_problem(
        await remove_at(client, user_headers, playlist["id"], wrong, 500),
        404,
        "song_not_in_playlist",
    )
    assert_problem(
        await remove_at(client, user_headers, playlist["id"], model[0], len(model)),
        404,
        "song_not_in_playlist",
    )
    shown = await get_playlist(client, user_headers, playlist["id"])
    assert (shown["snapshot_id"], shown["total_songs"]) == (snapshot, len(model))
    page = await client.get(
        f"/playlists/{playlist['id']}/songs?offset=990&limit=20", headers=user_headers
    )
    assert [item["position"] for item in page.json()["items"]] == list(range(990, 1_010))
    assert [item["song"]["id"] for item in page.json()["items"]] == model[990:1_010]
    assert await same_everywhere(app, client, user_headers, playlist["id"]) == model


async def test_random_changes_on_crowded_ranks_match_a_list(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    """Inserts, removals and moves anywhere, starting from ranks with hardly any room."""
    rng = random.Random(20261126)
    playlist = await make_playlist()
    model = cycle(ids(songs), 30)
    await fill(app, playlist["id"], model, [n * 2 for n in range(30)])
    url = f"/playlists/{playlist['id']}"
    for _ in range(60):
        kind = rng.choice(["insert", "remove", "move"])
        if kind == "insert" or len(model) < 3:
            position = rng.randint(0, len(model))
            song = rng.choice(ids(songs))
            await add_song(client, user_headers, playlist["id"], song, position)
            model.insert(position, song)
        elif kind == "remove":
            position = rng.randrange(len(model))
            response = await remove_at(
                client, user_headers, playlist["id"], model[position], position
            )
            assert response.status_code == 200, response.text
            del model[position]
        else:
            start = rng.randrange(len(model))
            length = rng.randint(1, min(4, len(model) - start))
            before = rng.randint(0, len(model))
            body = {"range_start": start, "range_length": length, "insert_before": before}
            response = await client.post(f"{url}/reorder", json=body, headers=user_headers)
            assert response.status_code == 200, response.text
            model = spotify_reorder(model, start, before, length)
        assert await stored(app, playlist["id"]) == model, kind
    assert await same_everywhere(app, client, user_headers, playlist["id"]) == model


async def test_deleting_a_song_from_the_catalog_leaves_the_others_in_order(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    other_headers: dict[str, str],
    admin_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    mine = await make_playlist("Mine")
    theirs = await make_playlist("Theirs", headers=other_headers)
    untouched = await make_playlist("Untouched")
    doomed = songs[0]["id"]
    long = cycle(ids(songs), 500)
    await fill(app, mine["id"], long, [(n - 250) * 7 for n in range(500)])
    await fill(app, theirs["id"], [doomed, songs[1]["id"]], [RANK_GAP, 2 * RANK_GAP])
    await fill(app, untouched["id"], ids(songs[1:4]), [1, 2, 3])
    before = {
        p["id"]: (await get_playlist(client, h, p["id"]))["snapshot_id"]
        for p, h in ((mine, user_headers), (theirs, other_headers), (untouched, user_headers))
    }

    response = await client.delete(f"/songs/{doomed}", headers=admin_headers)
    assert response.status_code == 204, response.text

    for playlist, headers, left in (
        (mine, user_headers, [song for song in long if song != doomed]),
        (theirs, other_headers, [songs[1]["id"]]),
        (untouched, user_headers, ids(songs[1:4])),
    ):
        assert await same_everywhere(app, client, headers, playlist["id"]) == left
        shown = await get_playlist(client, headers, playlist["id"])
        renewed = shown["snapshot_id"] != before[playlist["id"]]
        assert renewed == (playlist is not untouched)
    # Still a working playlist: an insert in the middle lands where asked.
    added = await add_song(client, user_headers, mine["id"], songs[1]["id"], 200)
    assert added["position"] == 200
    assert (await order(client, user_headers, mine["id"]))[200] == songs[1]["id"]


async def test_changes_at_the_start_cost_the_same_statements_at_any_length(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    """Add at 0, then remove at 0: the same few statements on 10 items as on 1,000, and none
    rewrites other items."""
    costs = []
    song = songs[7]["id"]
    for size in (10, 1_000):
        playlist = await make_playlist(f"{size} songs")
        ranks = [(n + 1) * RANK_GAP for n in range(size)]
        await fill(app, playlist["id"], cycle(ids(songs), size), ranks)
        with counting(app) as statements:
            await add_song(client, user_headers, playlist["id"], song, 0)
            response = await remove_at(client, user_headers, playlist["id"], song, 0)
            assert response.status_code == 200, response.text
        costs.append(len(statements))
        moving = [s for s in statements if s.lstrip().lower().startswith("update playlist_items")]
        assert moving == []
        assert await stored(app, playlist["id"]) == cycle(ids(songs), size)
    assert costs[0] == costs[1], costs
