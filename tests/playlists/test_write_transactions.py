"""A playlist change's transaction (`core.transactions`: on PostgreSQL straight on asyncpg, on
connections borrowed from the read pool) always gives its connection back in a clean state:
after a refusal, after a connection died in the pool, after the request deadline cut it off
while it waited for the playlist's lock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from spotify_api.settings import Settings
from tests.backends import drop_read_pool_connections
from tests.conftest import ON_POSTGRES
from tests.helpers import assert_problem, bearer, login
from tests.playlists.conftest import PlaylistFactory, order

needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="connections and row locks")
MISSING_SONG = "00000000-0000-4000-8000-000000000000"


async def _settled_count(engine: AsyncEngine, query: TextClause) -> int:
    """The count once it is 0, or what it still is after a second: a connection that the app
    closed (it could not roll back mid-cancellation) takes its server process a moment to go."""

    async def poll() -> int:
        async with engine.connect() as connection:
            while count := int(await connection.scalar(query) or 0):
                await connection.rollback()
                await asyncio.sleep(0.02)
            return count

    try:
        return await asyncio.wait_for(poll(), 1)
    except TimeoutError:
        async with engine.connect() as connection:
            return int(await connection.scalar(query) or 0)


async def _send(app: FastAPI, method: str, path: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await asyncio.wait_for(client.request(method, path, **kwargs), 5)


async def test_refused_changes_give_their_connection_back(
    client: httpx.AsyncClient,
    app_with: Callable[..., Any],
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist()
    url = f"/playlists/{playlist['id']}"
    async with app_with(db_pool_size=1, db_max_overflow=0, db_pool_timeout_seconds=1) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as other:
            headers = bearer(await login(other, "ada"))  # its own sessions on memory://
        for _ in range(3):  # each would keep the only connection if it leaked it
            refused = await _send(
                app, "POST", f"{url}/add-song", json={"song_id": MISSING_SONG}, headers=headers
            )
            assert_problem(refused, 404, "song_not_found")
            out_of_range = await _send(
                app,
                "POST",
                f"{url}/add-song",
                json={"song_id": songs[0]["id"], "position": 5},
                headers=headers,
            )
            assert_problem(out_of_range, 422, "validation_error")
        added = await _send(
            app, "POST", f"{url}/add-song", json={"song_id": songs[0]["id"]}, headers=headers
        )
    assert added.status_code == 201, added.text
    assert await order(client, user_headers, playlist["id"]) == [songs[0]["id"]]


@needs_postgres
async def test_a_change_after_the_database_dropped_every_connection_is_made_once(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist()
    add = f"/playlists/{playlist['id']}/add-song"
    first = await client.post(add, json={"song_id": songs[0]["id"]}, headers=user_headers)
    assert first.status_code == 201, first.text  # the pool holds a connection now
    assert await drop_read_pool_connections(app)
    second = await client.post(add, json={"song_id": songs[1]["id"]}, headers=user_headers)
    assert second.status_code == 201, second.text
    assert await order(client, user_headers, playlist["id"]) == [songs[0]["id"], songs[1]["id"]]


@needs_postgres
async def test_a_change_cut_off_by_the_deadline_leaves_no_transaction_open(
    client: httpx.AsyncClient,
    app_with: Callable[..., Any],
    settings: Settings,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
) -> None:
    playlist = await make_playlist()
    add = f"/playlists/{playlist['id']}/add-song"
    locker = create_async_engine(settings.database_url)
    open_transactions = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name = 'spotify-api reads' AND state LIKE 'idle in transaction%'"
    )
    try:
        async with app_with(request_timeout_seconds=0.5, db_pool_size=1) as app:
            async with locker.connect() as connection:
                await connection.execute(
                    text("SELECT id FROM playlists WHERE id = :id FOR UPDATE"),
                    {"id": playlist["id"]},
                )
                cut_off = await _send(
                    app, "POST", add, json={"song_id": songs[0]["id"]}, headers=user_headers
                )
                await connection.rollback()
            left_open = await _settled_count(locker, open_transactions)
            after = await _send(
                app, "POST", add, json={"song_id": songs[1]["id"]}, headers=user_headers
            )
    finally:
        await locker.dispose()
    assert_problem(cut_off, 503, "service_unavailable")
    assert left_open == 0
    assert after.status_code == 201, after.text
    assert await order(client, user_headers, playlist["id"]) == [songs[1]["id"]]
