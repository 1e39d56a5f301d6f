"""Tokens resolved at the same moment share one trip to Redis (`core.redis_batch`): each request
still gets its own session, a revoked token among live ones is still refused, and a Redis that
forgot the script (restarted, `SCRIPT FLUSH`) still resolves tokens."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.helpers import assert_problem, bearer, login, register

USERS = [f"user{n}" for n in range(12)]


async def test_concurrent_reads_each_get_their_own_account(client: httpx.AsyncClient) -> None:
    tokens = {}
    for name in USERS:
        await register(client, name)
        tokens[name] = await login(client, name)
    revoked = await login(client, USERS[0])
    assert (await client.post("/logout", headers=bearer(revoked))).status_code == 204
    requests = [client.get("/me", headers=bearer(tokens[name])) for name in USERS * 3]
    answers = await asyncio.gather(*requests, client.get("/me", headers=bearer(revoked)))
    *mine, refused = answers
    assert [answer.json()["username"] for answer in mine] == USERS * 3
    assert_problem(refused, 401, "not_authenticated")


async def test_a_redis_that_forgot_the_script_still_resolves_tokens(
    client: httpx.AsyncClient, raw_redis: Any
) -> None:
    await register(client)
    token = await login(client)
    assert (await client.get("/me", headers=bearer(token))).status_code == 200
    await raw_redis.script_flush()
    answers = await asyncio.gather(*(client.get("/me", headers=bearer(token)) for _ in range(3)))
    assert [answer.status_code for answer in answers] == [200, 200, 200]
