"""The session store and the attempt counter are built once per Redis client, and follow the
client on the app's state when it is replaced."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from spotify_api.core.redis import create_redis
from spotify_api.settings import Settings
from tests.backends import UNREACHABLE_REDIS
from tests.helpers import PASSWORD, assert_problem, bearer, login, register


async def test_requests_share_one_store_and_its_scripts(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await register(client)
    token = await login(client)
    assert (await client.get("/me", headers=bearer(token))).status_code == 200
    store, attempts = app.state.session_store, app.state.login_attempts
    scripts = (store._resolve, store._create, store._replace)
    for _ in range(3):
        assert (await client.get("/me", headers=bearer(token))).status_code == 200
    assert await login(client)
    assert app.state.session_store is store
    assert app.state.login_attempts is attempts
    assert (store._resolve, store._create, store._replace) == scripts


async def test_the_scripts_follow_a_replaced_client(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings
) -> None:
    await register(client)
    token = await login(client)
    assert (await client.get("/me", headers=bearer(token))).status_code == 200
    working = app.state.redis
    broken = create_redis(settings.model_copy(update={"redis_url": UNREACHABLE_REDIS}))
    app.state.redis = broken
    try:
        assert_problem(await client.get("/me", headers=bearer(token)), 503, "service_unavailable")
        body = {"username": "ada", "password": PASSWORD}
        assert_problem(await client.post("/login", json=body), 503, "service_unavailable")
        assert app.state.session_store.redis is broken
        assert app.state.login_attempts.redis is broken
    finally:
        app.state.redis = working
        await broken.aclose()
    assert (await client.get("/me", headers=bearer(token))).status_code == 200
    assert app.state.session_store.redis is working
