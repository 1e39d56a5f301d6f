"""A playlist's `duration_ms` is the sum of its songs' durations as they are now: kept through
every change of its items (appends, inserts that renumber, removals, moves) and through a
curator's change of a song's duration."""

from __future__ import annotations

import random
from typing import Any

import httpx

from tests.playlists.conftest import (
    Account,
    PlaylistFactory,
    add_song,
    get_playlist,
    items,
)

RANDOM_CHANGES = 60


async def assert_summed(
    client: httpx.AsyncClient, headers: dict[str, str], playlist_id: str
) -> dict[str, Any]:
    """The playlist as GET shows it, after checking its count and duration against its items."""
    shown = await get_playlist(client, headers, playlist_id)
    listed = await items(client, headers, playlist_id)
    assert shown["total_songs"] == len(listed)
    assert shown["duration_ms"] == sum(item["song"]["duration_ms"] for item in listed)
    return shown


async def retime(
    client: httpx.AsyncClient, admin: dict[str, str], song: dict[str, Any], duration: int
) -> None:
    response = await client.patch(
        f"/songs/{song['id']}", json={"duration_ms": duration}, headers=admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["duration_ms"] == duration


async def test_a_songs_new_duration_changes_every_playlist_holding_it(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user: Account,
    other_user: Account,
    admin_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    changed, a, b = songs[0], songs[1], songs[2]
    twice = await make_playlist("Twice", songs=[changed, a, changed])
    theirs = await make_playlist("Theirs", songs=[b, changed], headers=other_user.headers)
    without = await make_playlist("Without", songs=[a, b])

    await retime(client, admin_headers, changed, 600_000)

    shown = await assert_summed(client, user.headers, twice["id"])
    assert shown["duration_ms"] == 2 * 600_000 + a["duration_ms"]
    # Its answer changed, so its snapshot (the ETag) did; the owner did not change it.
    assert shown["snapshot_id"] != twice["snapshot_id"]
    assert shown["updated_at"] == twice["updated_at"]
    shown = await assert_summed(client, other_user.headers, theirs["id"])
    assert shown["duration_ms"] == b["duration_ms"] + 600_000
    assert await get_playlist(client, user.headers, without["id"]) == without


async def test_a_song_change_that_keeps_its_duration_leaves_playlists_alone(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    admin_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist(songs=songs[:3])
    for body in ({"title": "Renamed"}, {"duration_ms": songs[0]["duration_ms"]}):
        response = await client.patch(f"/songs/{songs[0]['id']}", json=body, headers=admin_headers)
        assert response.status_code == 200, response.text
    assert await get_playlist(client, user_headers, playlist["id"]) == playlist


async def test_the_duration_stays_summed_through_random_changes(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    admin_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    chosen = random.Random(12)
    playlist = (await make_playlist(songs=songs))["id"]
    # Inserts at one place until its ranks run out: the renumbering insert keeps it too.
    for _ in range(40):
        await add_song(client, user_headers, playlist, songs[3]["id"], 1)
    await assert_summed(client, user_headers, playlist)
    for _ in range(RANDOM_CHANGES):
        length = (await get_playlist(client, user_headers, playlist))["total_songs"]
        song = chosen.choice(songs)
        kind = chosen.choice(["add", "add", "remove_at", "remove_all", "reorder", "retime"])
        if kind == "add" or length < 2:
            await add_song(client, user_headers, playlist, song["id"], chosen.randint(0, length))
        elif kind == "remove_at":
            position = chosen.randrange(length)
            listed = await items(client, user_headers, playlist)
            body = {"song_id": listed[position]["song"]["id"], "position": position}
            response = await client.post(
                f"/playlists/{playlist}/remove-song", json=body, headers=user_headers
            )
            assert response.status_code == 200, response.text
        elif kind == "remove_all":
            response = await client.post(
                f"/playlists/{playlist}/remove-song",
                json={"song_id": song["id"]},
                headers=user_headers,
            )
            assert response.status_code == 200, response.text
        elif kind == "reorder":
            start = chosen.randrange(length - 1)
            count = chosen.randint(1, length - start - 1)
            before = chosen.choice([*range(0, start), *range(start + count + 1, length + 1)])
            body = {"range_start": start, "range_length": count, "insert_before": before}
            response = await client.post(
                f"/playlists/{playlist}/reorder", json=body, headers=user_headers
            )
            assert response.status_code == 200, response.text
        else:
            await retime(client, admin_headers, song, chosen.randint(1_000, 900_000))
        await assert_summed(client, user_headers, playlist)
