"""Curation writes that refresh the same search rows at once, over real sockets.

Two curators changing one song, or an artist's rename beside a change of a song credited to
it, write the same song's search row in two transactions at once: each answers 200 (never a
500 from a key the other just committed), and search then finds the song by what it is called
in the end.
"""

from __future__ import annotations

import asyncio

import httpx

from tests.e2e.actors import guarded, make_album, ok

ROUNDS = 10
WRITERS = 6


async def test_concurrent_changes_of_one_songs_names_all_answer_and_search_follows(
    http: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    made = await make_album(http, admin, 1)
    song, artist = made["songs"][0], made["artist"]
    for round_ in range(ROUNDS):
        changes = [
            http.patch(f"/songs/{song}", json={"title": f"Title r{round_}w{n}"}, headers=admin)
            for n in range(WRITERS)
        ]
        changes.append(
            http.patch(f"/artists/{artist}", json={"name": f"Crowd r{round_}"}, headers=admin)
        )
        answers = await guarded(asyncio.gather(*changes))
        assert [answer.status_code for answer in answers] == [200] * len(answers), [
            answer.text for answer in answers if answer.status_code != 200
        ]
        title = (await ok(http.get(f"/songs/{song}")))["title"]
        found = await ok(http.get("/search", params={"q": title, "type": "song"}))
        assert [item["id"] for item in found["songs"]["items"]] == [song], (round_, title)
        by_artist = await ok(http.get("/search", params={"q": f"crowd r{round_}", "type": "song"}))
        assert [item["id"] for item in by_artist["songs"]["items"]] == [song], round_
