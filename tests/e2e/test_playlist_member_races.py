"""Playlist members changing at once, over real sockets.

Removal: round after round, streams of add-songs by a collaborator race the owner's
`DELETE /playlists/{id}/collaborators/{username}`, on a private and on a public playlist. The
removal renews the playlist's snapshot, so the snapshot the playlist ends with tells which
change came last: an add that returned 201 must have come before the removal, so the
playlist's last snapshot is never one that an add returned. Every add is a 201 or a refusal
(404 while the playlist is private: it is no longer there for the caller; 403 `not_owner`
while it is public), every add sent after the removal answered is refused, and the items are
gap-free, one per 201.

Follows: fifty users following a playlist twice each, some unfollowing meanwhile, leave its
`followers` at the number of users who follow it.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.conftest import ON_POSTGRES
from tests.e2e.actors import (
    add,
    consistent_items,
    guarded,
    keep_adding,
    make_album,
    make_playlist,
    make_user,
)
from tests.helpers import assert_problem

ROUNDS = 12
ADDERS = 4


@pytest.mark.parametrize(
    ("public", "refusal"), [(False, (404, "not_found")), (True, (403, "not_owner"))]
)
async def test_removing_a_collaborator_while_they_add_ends_consistently(
    http: httpx.AsyncClient, admin: dict[str, str], public: bool, refusal: tuple[int, str]
) -> None:
    owner = await make_user(http, "ada")
    collaborator = await make_user(http, "bob")
    song = (await make_album(http, admin, 1))["songs"][0]
    refused_during = 0
    for round_ in range(ROUNDS):
        playlist = await make_playlist(http, owner, f"Round {round_}")
        if public:
            made = await http.patch(f"/playlists/{playlist}", json={"public": True}, headers=owner)
            assert made.status_code == 200, made.text
        await add(http, owner, playlist, song)
        member = f"/playlists/{playlist}/collaborators/bob"
        assert (await http.put(member, headers=owner)).status_code == 204
        await add(http, collaborator, playlist, song)  # a collaborator, surely

        removing = asyncio.create_task(http.delete(member, headers=owner))
        streams = await guarded(
            asyncio.gather(
                *(keep_adding(http, collaborator, playlist, song, removing) for _ in range(ADDERS))
            )
        )

        removed = await removing
        assert removed.status_code == 204, (round_, removed.text)
        snapshots = set()
        added = 0
        for answers in streams:
            *during, after = answers
            assert_problem(after, *refusal)  # sent after the 204
            for answer in during:
                if answer.status_code == 201:
                    added += 1
                    snapshots.add(answer.json()["snapshot_id"])
                else:
                    assert_problem(answer, *refusal)
                    refused_during += 1
        items = await consistent_items(http, owner, playlist)
        assert len(items) == 2 + added, round_
        final = (await http.get(f"/playlists/{playlist}", headers=owner)).json()
        # The removal came last: no add that answered 201 ran after it.
        assert final["snapshot_id"] not in snapshots, round_
        assert final["collaborative"] is False
    assert refused_during  # the adds did race the removals


async def test_concurrent_follows_and_unfollows_leave_the_count_of_followers(
    http: httpx.AsyncClient,
) -> None:
    owner = await make_user(http, "ada")
    playlist = await make_playlist(http, owner, "Popular")
    made = await http.patch(f"/playlists/{playlist}", json={"public": True}, headers=owner)
    assert made.status_code == 200, made.text
    fans = [await make_user(http, f"fan{index:02d}") for index in range(50)]
    path = f"/playlists/{playlist}/followers"
    # Each fan follows twice; the first ten also unfollow, all at once. SQLite queues every
    # write for its one lock, whose busy handler is not fair: fewer at a time keep each wait
    # within the statement time-out on a busy machine.
    in_flight = asyncio.Semaphore(110 if ON_POSTGRES else 10)

    async def call(method: str, fan: dict[str, str]) -> httpx.Response:
        async with in_flight:
            return await http.request(method, path, headers=fan)

    calls = [call("PUT", fan) for fan in fans for _ in range(2)]
    calls += [call("DELETE", fan) for fan in fans[:10]]
    answers = await guarded(asyncio.gather(*calls))
    assert {answer.status_code for answer in answers} == {204}
    # An unfollow may have run before its fan's follows: those fans follow now.
    settled = await guarded(asyncio.gather(*(http.delete(path, headers=fan) for fan in fans[:10])))
    assert {answer.status_code for answer in settled} == {204}
    final = (await http.get(f"/playlists/{playlist}", headers=owner)).json()
    assert final["followers"] == 40
    for fan in fans[10:]:
        listed = (await http.get("/me/playlists", headers=fan)).json()
        assert [item["relation"] for item in listed["items"]] == ["follower"]
