"""The catalog changing a song while it is being added to playlists, over real sockets.

Deletes: round after round, `DELETE` of a song (or of its album or artist, with
`cascade=true`) races streams of add-songs of that song, to a playlist that already holds it
and to one that does not, that go on until the delete has answered. Whichever runs first, the
delete is a 204 and each add a 201 or a 404 `song_not_found`, never a 500; and no playlist is
left holding the song, or with a count that differs from its items.

Durations: a playlist keeps the summed duration of its songs. Round after round, a `PATCH` of a
song's duration races streams of add-songs of that song to playlists that do not hold it yet:
an add that read the old duration must not commit after the change looked for the playlists
holding the song (and found none). Whichever runs first, every playlist's duration is the sum of
its songs' durations as they are now.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.e2e.actors import (
    add,
    consistent_items,
    guarded,
    keep_adding,
    make_album,
    make_playlist,
    make_user,
    ok,
)
from tests.helpers import assert_problem

ROUNDS = 15
ADDERS = 2  # per playlist and song
RETIME_ROUNDS = 12
RETIME_PLAYLISTS = 6  # fresh each round, each with its own stream of adds


def _deletion(kind: str, made: dict[str, Any]) -> str:
    if kind == "song":
        return f"/songs/{made['songs'][0]}"
    if kind == "album":
        return f"/albums/{made['album']}?cascade=true"
    return f"/artists/{made['artist']}?cascade=true"


@pytest.mark.parametrize("kind", ["song", "album", "artist"])
async def test_a_delete_racing_add_songs_ends_cleanly_whichever_wins(
    http: httpx.AsyncClient, admin: dict[str, str], kind: str
) -> None:
    owner = await make_user(http, "ada")
    holder = await make_playlist(http, owner, "Holder")  # holds each doomed song already
    other = await make_playlist(http, owner, "Other")
    keeper = (await make_album(http, admin, 1))["songs"][0]
    await add(http, owner, holder, keeper)
    outcomes: set[int] = set()
    for round_ in range(ROUNDS):
        made = await make_album(http, admin, 2)
        doomed = made["songs"][:1] if kind == "song" else made["songs"]
        await add(http, owner, holder, doomed[0])

        deleting = asyncio.create_task(http.delete(_deletion(kind, made), headers=admin))
        streams = await guarded(
            asyncio.gather(
                *(
                    keep_adding(http, owner, playlist, song, deleting)
                    for playlist in (holder, other)
                    for song in doomed
                    for _ in range(ADDERS)
                )
            )
        )

        deleted = await deleting
        assert deleted.status_code == 204, (round_, deleted.text)
        for answers in streams:
            *during, after = answers
            assert_problem(after, 404, "song_not_found")  # sent after the 204
            for answer in during:
                outcomes.add(answer.status_code)
                if answer.status_code != 201:
                    assert_problem(answer, 404, "song_not_found")
        for playlist in (holder, other):
            left = await consistent_items(http, owner, playlist)
            assert not set(left) & set(doomed), round_
        for song in doomed:
            assert (await guarded(http.get(f"/songs/{song}"))).status_code == 404
    assert keeper in await consistent_items(http, owner, holder)
    assert (await ok(http.get(f"/songs/{keeper}")))["id"] == keeper
    assert 201 in outcomes  # the adds did race the deletes


async def test_a_duration_change_racing_add_songs_leaves_every_duration_summed(
    http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    owner = await make_user(http, "ada")
    song = (await make_album(http, admin, 1))["songs"][0]
    added = 0
    for round_ in range(RETIME_ROUNDS):
        playlists = [
            await make_playlist(http, owner, f"Round {round_}") for _ in range(RETIME_PLAYLISTS)
        ]
        body = {"duration_ms": 200_000 + round_}
        changing = asyncio.create_task(http.patch(f"/songs/{song}", json=body, headers=admin))
        streams = await guarded(
            asyncio.gather(
                *(keep_adding(http, owner, playlist, song, changing) for playlist in playlists)
            )
        )
        assert (await changing).status_code == 200, (await changing).text
        statuses = {answer.status_code for answers in streams for answer in answers}
        assert statuses == {201}, statuses
        added += sum(len(answers) - 1 for answers in streams)  # the last came after the change
        for playlist in playlists:
            await consistent_items(http, owner, playlist)  # duration == the sum of its songs'
        assert (await ok(http.get(f"/songs/{song}")))["duration_ms"] == 200_000 + round_
    assert added  # the adds did race the changes
