"""Curation writes that refresh the same search rows at once, over real sockets.

Two curators changing one song, or an artist's rename beside a change of a song credited to
it, write the same song's search row in two transactions at once: each answers 200 (never a
500 from a key the other just committed), and search then finds the song by what it is called
in the end.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.e2e.actors import guarded, live_client, make_admin, make_album, ok
from tests.e2e.conftest import live_server

ROUNDS = 10
WRITERS = 6


@pytest.fixture
async def live_app(app_with: Callable[..., Any]) -> AsyncIterator[FastAPI]:
    """Writers wait up to 5 s for a lock: on SQLite every write queues for the one lock."""
    async with app_with(db_statement_timeout_seconds=5) as app:
        yield app


@pytest.fixture
async def http(live_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with live_server(live_app) as base_url, live_client(base_url) as client:
        yield client


async def test_concurrent_changes_of_one_songs_names_all_answer_and_search_follows(
    live_app: FastAPI, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = await make_admin(http, live_app.state.settings, monkeypatch)
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
