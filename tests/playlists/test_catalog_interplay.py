"""Songs that leave the catalog leave every playlist that held them, as the owners see it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.helpers import assert_problem
from tests.playlists.conftest import (
    Account,
    Catalog,
    PlaylistFactory,
    add_song,
    get_playlist,
    ids,
    order,
)


def durations(songs: list[dict[str, Any]]) -> int:
    return sum(song["duration_ms"] for song in songs)


async def test_deleting_a_song_takes_it_out_of_every_playlist(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user: Account,
    other_user: Account,
    admin_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    doomed, a, b, c = songs[0], songs[1], songs[2], songs[3]
    mine = await make_playlist("Mine", songs=[doomed, a, doomed, b, doomed])
    theirs = await make_playlist("Theirs", songs=[a, doomed, c], headers=other_user.headers)
    untouched = await make_playlist("Untouched", songs=[a, b, c])

    response = await client.delete(f"/songs/{doomed['id']}", headers=admin_headers)
    assert response.status_code == 204, response.text

    for playlist, headers, left in (
        (mine, user.headers, [a, b]),
        (theirs, other_user.headers, [a, c]),
    ):
        shown = await get_playlist(client, headers, playlist["id"])
        assert await order(client, headers, playlist["id"]) == ids(left)
        assert shown["total_songs"] == len(left)
        assert shown["duration_ms"] == durations(left)
        assert shown["snapshot_id"] != playlist["snapshot_id"]
    assert await get_playlist(client, user.headers, untouched["id"]) == untouched

    # The playlists work on as before: adding the deleted song is 404, positions stay dense.
    add = await client.post(
        f"/playlists/{mine['id']}/add-song", json={"song_id": doomed["id"]}, headers=user.headers
    )
    assert_problem(add, 404, "song_not_found")
    assert (await add_song(client, user.headers, mine["id"], c["id"], 1))["position"] == 1
    assert await order(client, user.headers, mine["id"]) == ids([a, c, b])


async def test_a_stale_if_match_after_a_song_left_is_412(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    admin_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist(songs=songs[:3])
    etag = f'"{playlist["snapshot_id"]}"'
    assert (await client.delete(f"/songs/{songs[1]['id']}", headers=admin_headers)).is_success
    response = await client.post(
        f"/playlists/{playlist['id']}/reorder",
        json={"range_start": 0, "insert_before": 2},
        headers={**user_headers, "If-Match": etag},
    )
    assert_problem(response, 412, "snapshot_mismatch")
    assert await order(client, user_headers, playlist["id"]) == ids([songs[0], songs[2]])


async def test_deleting_an_album_with_cascade_takes_its_songs_out_of_playlists(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user: Account,
    other_user: Account,
    admin_headers: dict[str, str],
    catalog: Catalog,
) -> None:
    songs = catalog.songs  # songs[0:5] on `first`, songs[5:8] on `second`
    mixed = [songs[5], songs[0], songs[6], songs[1], songs[7], songs[2]]
    mine = await make_playlist("Mine", songs=mixed)
    theirs = await make_playlist("Theirs", songs=[songs[7], songs[7]], headers=other_user.headers)
    kept = await make_playlist("Kept", songs=songs[:5])

    refused = await client.delete(f"/albums/{catalog.second['id']}", headers=admin_headers)
    assert_problem(refused, 409, "album_has_songs")
    assert await get_playlist(client, user.headers, mine["id"]) == mine

    response = await client.delete(
        f"/albums/{catalog.second['id']}?cascade=true", headers=admin_headers
    )
    assert response.status_code == 204, response.text

    shown = await get_playlist(client, user.headers, mine["id"])
    left = [songs[0], songs[1], songs[2]]
    assert await order(client, user.headers, mine["id"]) == ids(left)
    assert (shown["total_songs"], shown["duration_ms"]) == (3, durations(left))
    assert shown["snapshot_id"] != mine["snapshot_id"]

    emptied = await get_playlist(client, other_user.headers, theirs["id"])
    assert await order(client, other_user.headers, theirs["id"]) == []
    assert (emptied["total_songs"], emptied["duration_ms"]) == (0, 0)
    assert emptied["snapshot_id"] != theirs["snapshot_id"]

    assert await get_playlist(client, user.headers, kept["id"]) == kept


async def test_deleting_an_artist_with_cascade_empties_their_songs_from_playlists(
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    admin_headers: dict[str, str],
    catalog: Catalog,
) -> None:
    playlist = await make_playlist(songs=catalog.songs[::2])
    response = await client.delete(
        f"/artists/{catalog.artist['id']}?cascade=true", headers=admin_headers
    )
    assert response.status_code == 204, response.text
    shown = await get_playlist(client, user_headers, playlist["id"])
    assert (shown["total_songs"], shown["duration_ms"]) == (0, 0)
    assert shown["snapshot_id"] != playlist["snapshot_id"]
    assert await order(client, user_headers, playlist["id"]) == []
