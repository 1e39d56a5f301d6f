"""Idempotency records expire by the app's clock (moved by the tests, never slept through): an
expired key is free again, and the purge deletes expired records, in the background too."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from spotify_api.core.idempotency_records import IdempotencyRecord
from tests.conftest import asgi_client
from tests.helpers import FakeClock, assert_problem, bearer, login, register

REPLAYED = "idempotent-replayed"
DAY = 24 * 3600
GUARD_SECONDS = 10


async def records(app: FastAPI) -> int:
    async with app.state.engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(IdempotencyRecord))
    return int(count)


async def create(
    client: httpx.AsyncClient, headers: dict[str, str], key: str, name: str
) -> httpx.Response:
    keyed = {**headers, "Idempotency-Key": key}
    return await client.post("/playlists/create", json={"name": name}, headers=keyed)


async def test_a_key_is_free_again_once_its_record_expired(
    client: httpx.AsyncClient, clock: FakeClock, user_headers: dict[str, str]
) -> None:
    first = await create(client, user_headers, "k", "Old")
    assert first.status_code == 201, first.text
    clock.advance(DAY - 1)
    assert_problem(await create(client, user_headers, "k", "New"), 422, "idempotency_key_reused")
    replay = await create(client, user_headers, "k", "Old")
    assert replay.headers[REPLAYED] == "true"

    clock.advance(2)  # a day and a second after the first
    renewed = await create(client, user_headers, "k", "New")
    assert renewed.status_code == 201, renewed.text
    assert REPLAYED not in renewed.headers
    assert renewed.json()["id"] != first.json()["id"]
    again = await create(client, user_headers, "k", "New")
    assert again.headers[REPLAYED] == "true"
    assert again.json() == renewed.json()


async def test_the_purge_deletes_expired_records_and_only_those(
    app: FastAPI, client: httpx.AsyncClient, clock: FakeClock, user_headers: dict[str, str]
) -> None:
    assert (await create(client, user_headers, "early", "Early")).status_code == 201
    clock.advance(DAY / 2)
    assert (await create(client, user_headers, "late", "Late")).status_code == 201
    purge = app.state.idempotency_purge
    assert await purge.run_once() == 0
    clock.advance(DAY / 2)  # "early" has expired, "late" has not
    assert await purge.run_once() == 1
    assert await records(app) == 1
    assert (await create(client, user_headers, "late", "Late")).headers[REPLAYED] == "true"
    clock.advance(DAY / 2)
    assert await purge.run_once() == 1
    assert await records(app) == 0


async def _user(client: httpx.AsyncClient) -> dict[str, str]:
    await register(client, "grace")
    return bearer(await login(client, "grace"))


async def test_the_purge_goes_in_batches_until_none_is_left(app_with: Callable[..., Any]) -> None:
    async with app_with(idempotency_purge_batch=2) as app:
        async with asgi_client(app) as client:
            headers = await _user(client)
            for n in range(5):
                assert (await create(client, headers, f"k{n}", f"P{n}")).status_code == 201
        app.state.clock.advance(DAY + 1)
        assert await app.state.idempotency_purge.run_once() == 5
        assert await records(app) == 0


async def test_the_lifespan_purges_in_the_background_and_stops_cleanly(
    app_with: Callable[..., Any],
) -> None:
    async def until_purged(app: FastAPI) -> None:
        while True:  # polled: the task runs on its own schedule
            if not await records(app):
                return
            await asyncio.sleep(0.01)

    def purges() -> set[asyncio.Task[Any]]:
        return {task for task in asyncio.all_tasks() if task.get_name() == "idempotency-purge"}

    others = purges()  # the other apps' that this test runs beside
    async with app_with(idempotency_purge_interval_seconds=0.01) as app:
        (task,) = purges() - others
        async with asgi_client(app) as client:
            headers = await _user(client)
            assert (await create(client, headers, "k", "P")).status_code == 201
        assert await records(app) == 1
        app.state.clock.advance(DAY + 1)
        await asyncio.wait_for(until_purged(app), GUARD_SECONDS)
    assert task.cancelled()  # ended by the shutdown, not by an error
