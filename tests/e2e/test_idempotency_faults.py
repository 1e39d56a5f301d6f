"""`Idempotency-Key` under real faults, over a live server on PostgreSQL: never a duplicate write.

Requests are held inside their own transaction by a row lock taken from another connection, so
that a fault can be made to strike at a chosen moment: Redis killed (and restarted empty) or
frozen while keyed add-songs wait, a statement that times out. Whatever the fault, a retry with
the same key either replays the stored answer or runs, once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from spotify_api.settings import Settings
from tests.conftest import ON_POSTGRES, ON_REDIS
from tests.e2e.actors import (
    consistent_items,
    guarded,
    live_client,
    log_in,
    make_admin,
    make_album,
    make_playlist,
    make_user,
)
from tests.e2e.conftest import live_server
from tests.e2e.faults import (
    RedisProxy,
    playlist_row_locked,
    redis_proxy,
    until_waiting_for_locks,
)
from tests.helpers import assert_problem

REPLAYED = "idempotent-replayed"
CONCURRENT = 12

needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="row locks need PostgreSQL")
needs_both = pytest.mark.skipif(
    not (ON_POSTGRES and ON_REDIS), reason="PostgreSQL row locks, and a real Redis to take away"
)


class Scene:
    """A live server with an owner, one song and one playlist, and a locker connection."""

    def __init__(self, http: httpx.AsyncClient, locker: AsyncEngine) -> None:
        self.http = http
        self.locker = locker
        self.owner: dict[str, str] = {}
        self.song = ""
        self.playlist = ""

    def add(self, key: str, **headers: str) -> asyncio.Task[httpx.Response]:
        """A keyed add-song of the song, sent now."""
        headers = {**self.owner, **headers, "Idempotency-Key": key}
        url = f"/playlists/{self.playlist}/add-song"
        post = self.http.post(url, json={"song_id": self.song}, headers=headers)
        return asyncio.create_task(guarded(post))

    async def items(self) -> list[str]:
        return await consistent_items(self.http, self.owner, self.playlist)

    async def records(self) -> int:
        async with self.locker.connect() as connection:
            return int(await connection.scalar(text("SELECT count(*) FROM idempotency_records")))


@pytest.fixture
def scene(
    app_with: Callable[..., Any], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    @asynccontextmanager
    async def make(**changes: Any) -> AsyncIterator[Scene]:
        locker = create_async_engine(settings.database_url)
        try:
            async with (
                app_with(**changes) as app,
                live_server(app) as base_url,
                live_client(base_url) as http,
            ):
                scene = Scene(http, locker)
                admin = await make_admin(http, app.state.settings, monkeypatch)
                scene.owner = await make_user(http, "ada")
                scene.song = (await make_album(http, admin, 1))["songs"][0]
                scene.playlist = await make_playlist(http, scene.owner)
                yield scene
        finally:
            await locker.dispose()

    return make


@pytest.fixture
async def proxy(settings: Settings) -> AsyncIterator[RedisProxy]:
    """A Redis of this test's own, in front of the real one (see tests/e2e/faults.py)."""
    real = urlsplit(settings.redis_url)
    async with redis_proxy(real.hostname or "127.0.0.1", real.port or 6379) as proxy:
        yield proxy


def _redis_db(settings: Settings) -> int:
    return int(urlsplit(settings.redis_url).path.strip("/") or 0)


def assert_replay_of(answer: httpx.Response, original: httpx.Response) -> None:
    assert answer.status_code == original.status_code == 201, answer.text
    assert answer.headers[REPLAYED] == "true"
    assert REPLAYED not in original.headers
    assert answer.json() == original.json()
    assert answer.headers["etag"] == original.headers["etag"]


@needs_both
@pytest.mark.parametrize("fault", ["killed", "frozen"])
async def test_keyed_adds_while_redis_goes_away_each_add_once_and_retries_replay(
    scene: Callable[..., Any],
    proxy: RedisProxy,
    settings: Settings,
    raw_redis: Redis,
    fault: str,
) -> None:
    redis_url = proxy.url(_redis_db(settings))
    async with scene(
        redis_url=redis_url, redis_timeout_seconds=0.2, db_statement_timeout_seconds=10
    ) as s:
        keys = [f"add-{n}" for n in range(CONCURRENT)]
        async with playlist_row_locked(s.locker, s.playlist):
            sent = [s.add(key) for key in keys]
            await until_waiting_for_locks(s.locker, CONCURRENT)  # authenticated, in the database
            proxy.kill() if fault == "killed" else proxy.freeze()
        first = dict(zip(keys, await guarded(asyncio.gather(*sent)), strict=True))
        proxy.revive()
        if fault == "killed":  # it restarted without its data: log in again
            await raw_redis.flushdb()
            s.owner = await log_in(s.http, "ada")

        answers = dict(first)
        for key, answer in first.items():
            if not answer.is_success:  # what a client does: retry, with the same key
                answers[key] = await s.add(key)
        for key in keys:
            if REPLAYED not in answers[key].headers:
                assert answers[key].status_code == 201, answers[key].text
                assert_replay_of(await s.add(key), answers[key])

        assert len(await s.items()) == CONCURRENT
        assert await s.records() == CONCURRENT


@needs_both
async def test_a_5xx_leaves_no_record_so_its_retry_runs_once(
    scene: Callable[..., Any], proxy: RedisProxy, settings: Settings
) -> None:
    redis_url = proxy.url(_redis_db(settings))
    async with scene(
        redis_url=redis_url, redis_timeout_seconds=0.2, db_statement_timeout_seconds=1
    ) as s:
        async with playlist_row_locked(s.locker, s.playlist):
            sent = s.add("k")
            await until_waiting_for_locks(s.locker, 1)
            proxy.freeze()  # and Redis goes away too, while it waits for the lock
            failed = await sent  # the lock time-out
        assert_problem(failed, 503, "service_unavailable")
        assert await s.records() == 0
        proxy.revive()

        retried = await s.add("k")
        assert retried.status_code == 201, retried.text
        assert REPLAYED not in retried.headers
        assert_replay_of(await s.add("k"), retried)
        assert len(await s.items()) == 1


@needs_postgres
async def test_a_duplicate_while_the_first_still_runs_is_409_request_in_progress(
    scene: Callable[..., Any],
) -> None:
    async with scene(idempotency_wait_seconds=0.2, db_statement_timeout_seconds=10) as s:
        async with playlist_row_locked(s.locker, s.playlist):
            first = s.add("k")
            await until_waiting_for_locks(s.locker, 1)
            duplicate = await s.add("k")  # waits for the first's key, 0.2 s at most
            assert_problem(duplicate, 409, "request_in_progress")
        original = await first
        assert original.status_code == 201, original.text
        assert_replay_of(await s.add("k"), original)
        assert len(await s.items()) == 1


@needs_postgres
async def test_a_duplicate_that_waits_for_the_first_gets_its_answer(
    scene: Callable[..., Any],
) -> None:
    async with scene(idempotency_wait_seconds=10, db_statement_timeout_seconds=10) as s:
        async with playlist_row_locked(s.locker, s.playlist):
            first = s.add("k")
            await until_waiting_for_locks(s.locker, 1)
            duplicate = s.add("k")
            await until_waiting_for_locks(s.locker, 2)  # the duplicate waits for the first
        original = await first
        assert original.status_code == 201, original.text
        assert_replay_of(await duplicate, original)
        assert len(await s.items()) == 1


@needs_postgres
async def test_a_duplicate_that_waits_for_a_first_that_fails_runs_itself(
    scene: Callable[..., Any],
) -> None:
    async with scene(idempotency_wait_seconds=10, db_statement_timeout_seconds=10) as s:
        async with playlist_row_locked(s.locker, s.playlist):
            # The fingerprint is method, path and body: the If-Match does not make it another
            # request, but it will make the first fail once the lock is gone.
            first = s.add("k", **{"If-Match": '"stale"'})
            await until_waiting_for_locks(s.locker, 1)
            duplicate = s.add("k")
            await until_waiting_for_locks(s.locker, 2)
        assert_problem(await first, 412, "snapshot_mismatch")
        ran = await duplicate
        assert ran.status_code == 201, ran.text
        assert REPLAYED not in ran.headers
        assert_replay_of(await s.add("k"), ran)
        assert len(await s.items()) == 1
