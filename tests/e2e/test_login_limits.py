"""Login limits under parallel guesses, and logins that hold no database connection, over sockets.

An attempt is counted before its password is checked, so parallel guesses cannot all get
past a limit that each of them read before any was counted.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from tests.e2e.conftest import live_server, pooled_client
from tests.helpers import PASSWORD, assert_problem, bearer, register

LIMIT = 10


async def _wrong(http: httpx.AsyncClient, login: str) -> httpx.Response:
    return await http.post("/login", json={"username": login, "password": "not-the-password"})


async def test_forty_parallel_wrong_passwords_check_at_most_the_limit(
    app_with: Callable[..., Any],
) -> None:
    # ~10 ms of argon2 a guess, so that the guesses overlap.
    async with (
        app_with(
            login_max_failures_per_account=LIMIT,
            password_hash_memory_kib=8 * 1024,
            password_hash_time_cost=2,
        ) as app,
        live_server(app) as base_url,
        pooled_client(base_url) as http,
    ):
        await register(http, "ada")
        answers = await asyncio.gather(*(_wrong(http, "ada") for _ in range(40)))
        statuses = Counter(answer.status_code for answer in answers)
        assert statuses == {401: LIMIT, 429: 40 - LIMIT}, statuses
        for answer in answers:
            if answer.status_code == 429:
                assert int(answer.headers["retry-after"]) > 0
        # The right password is refused too, until the window ends: no argon2 runs for it.
        assert_problem(
            await http.post("/login", json={"username": "ada", "password": PASSWORD}),
            429,
            "rate_limited",
        )


async def test_the_username_and_the_email_of_an_account_are_one_bucket(
    app_with: Callable[..., Any],
) -> None:
    async with (
        app_with(login_max_failures_per_account=LIMIT) as app,
        live_server(app) as base_url,
        pooled_client(base_url) as http,
    ):
        await register(http, "ada")
        for login in ["ada"] * 5 + ["ADA@example.com"] * 5:
            assert_problem(await _wrong(http, login), 401, "invalid_credentials")
        assert_problem(await _wrong(http, "ada@example.com"), 429, "rate_limited")
        assert_problem(await _wrong(http, "Ada"), 429, "rate_limited")


async def test_a_login_of_no_account_is_limited_alike(app_with: Callable[..., Any]) -> None:
    """Whether a name belongs to an account, the limiter does not tell."""
    async with (
        app_with(login_max_failures_per_account=LIMIT) as app,
        live_server(app) as base_url,
        pooled_client(base_url) as http,
    ):
        await register(http, "ada")
        seen: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for login in ("ada", "ghost"):
            answers = [await _wrong(http, login) for _ in range(LIMIT + 2)]
            seen[login] = [(answer.status_code, answer.json()) for answer in answers]
            assert all("retry-after" in answer.headers for answer in answers[LIMIT:])
        assert seen["ada"] == seen["ghost"]
        assert [status for status, _ in seen["ada"]] == [401] * LIMIT + [429, 429]


async def test_logins_hold_no_database_connection_while_argon2_runs(
    app_with: Callable[..., Any],
) -> None:
    """One connection in the pool, and argon2 slower than a wait for it may last.

    A login that kept its connection while checking the password would make every other
    request wait past the pool's time-out: a 503.
    """
    async with (
        app_with(
            db_pool_size=1,
            db_max_overflow=0,
            db_pool_timeout_seconds=0.15,
            password_hash_memory_kib=64 * 1024,
            password_hash_time_cost=6,
        ) as app,
        live_server(app) as base_url,
        pooled_client(base_url) as http,
    ):
        await register(http, "ada")
        body = {"username": "ada", "password": PASSWORD}
        first = await http.post("/login", json=body)
        assert first.status_code == 200, first.text
        token = first.json()["access_token"]
        answers = await asyncio.gather(
            *(http.post("/login", json=body) for _ in range(3)),
            *(http.get("/me", headers=bearer(token)) for _ in range(3)),
        )
        assert [answer.status_code for answer in answers] == [200] * 6, [
            answer.text for answer in answers if answer.status_code != 200
        ]
