"""POST /login: JSON and OAuth2 form, scopes, one answer for every wrong guess, throttling."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from spotify_api.users.models import User
from tests.conftest import asgi_client
from tests.helpers import PASSWORD, assert_problem, bearer, login, register


async def test_json_login_returns_a_bearer_token(client: httpx.AsyncClient) -> None:
    await register(client)
    response = await client.post("/login", json={"username": "ada", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 24 * 3600
    assert (
        body["scope"] == "account:write library:read library:write playlists:read playlists:write"
    )
    assert len(body["access_token"]) >= 43  # 256 bits, base64url
    assert response.headers["cache-control"] == "no-store"
    me = await client.get("/me", headers=bearer(body["access_token"]))
    assert me.json()["username"] == "ada"


async def test_oauth2_password_form_logs_in(client: httpx.AsyncClient) -> None:
    await register(client)
    response = await client.post(
        "/login",
        data={"grant_type": "password", "username": "ada", "password": PASSWORD, "scope": ""},
    )
    assert response.status_code == 200
    assert (
        response.json()["scope"]
        == "account:write library:read library:write playlists:read playlists:write"
    )


@pytest.mark.parametrize("login_name", ["ada@example.com", "ADA", "Ada@Example.com"])
async def test_username_or_email_in_any_case(client: httpx.AsyncClient, login_name: str) -> None:
    await register(client)
    assert await login(client, login_name)


async def test_wrong_password_and_unknown_user_look_the_same(client: httpx.AsyncClient) -> None:
    await register(client)
    answers = [
        await client.post("/login", json={"username": "ada", "password": "wrong-password"}),
        await client.post("/login", json={"username": "nobody", "password": PASSWORD}),
    ]
    bodies = [assert_problem(answer, 401, "invalid_credentials") for answer in answers]
    assert bodies[0] == bodies[1]
    assert all(answer.headers["www-authenticate"] == "Bearer" for answer in answers)


async def test_a_narrower_scope_can_be_asked_for(client: httpx.AsyncClient) -> None:
    await register(client)
    response = await client.post(
        "/login", json={"username": "ada", "password": PASSWORD, "scope": "playlists:read"}
    )
    assert response.json()["scope"] == "playlists:read"


@pytest.mark.parametrize("scope", ["catalog:write", "playlists:read users:admin", "nonsense"])
async def test_a_wider_or_unknown_scope_is_refused(client: httpx.AsyncClient, scope: str) -> None:
    await register(client)
    response = await client.post(
        "/login", json={"username": "ada", "password": PASSWORD, "scope": scope}
    )
    assert_problem(response, 400, "invalid_scope")


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        (
            {"content": b"username=ada", "headers": {"content-type": "text/plain"}},
            415,
            "unsupported_media_type",
        ),
        ({"content": b"{", "headers": {"content-type": "application/json"}}, 400, "invalid_json"),
        ({"json": {"username": "ada"}}, 422, "validation_error"),
        ({"json": {"username": "ada", "password": "x", "extra": 1}}, 422, "validation_error"),
        ({"data": {"username": "ada"}}, 422, "validation_error"),
        (
            {"data": {"username": "ada", "password": "x", "grant_type": "implicit"}},
            422,
            "validation_error",
        ),
    ],
)
async def test_bad_login_bodies(
    client: httpx.AsyncClient, kwargs: dict[str, Any], status: int, code: str
) -> None:
    assert_problem(await client.post("/login", **kwargs), status, code)


async def test_a_disabled_account_cannot_log_in(client: httpx.AsyncClient, app: FastAPI) -> None:
    await register(client)
    async with app.state.sessionmaker() as session:
        user = (await session.scalars(select(User))).one()
        user.disabled = True
        await session.commit()
    response = await client.post("/login", json={"username": "ada", "password": PASSWORD})
    assert_problem(response, 403, "account_disabled")


async def test_the_token_is_stored_only_as_its_sha256(
    client: httpx.AsyncClient, raw_redis: Any
) -> None:
    await register(client)
    token = await login(client)
    keys = [key.decode() for key in await raw_redis.keys("*")]
    assert f"session:{hashlib.sha256(token.encode()).hexdigest()}" in keys
    for key in keys:
        assert token not in key
        if await raw_redis.type(key) == b"hash":
            values = await raw_redis.hvals(key)
            assert all(token.encode() not in value for value in values)


async def test_login_rehashes_when_the_parameters_change(
    client: httpx.AsyncClient, app: FastAPI, app_with: Any
) -> None:
    await register(client)
    async with app_with(password_hash_memory_kib=128) as stronger, asgi_client(stronger) as other:
        assert await login(other)
    async with app.state.sessionmaker() as session:
        user = (await session.scalars(select(User))).one()
    assert user.password_hash.startswith("$argon2id$")
    assert ",m=128," in user.password_hash or "m=128," in user.password_hash
    assert await login(client)


class TestThrottling:
    async def test_too_many_failures_for_one_account_get_429(self, app_with: Any) -> None:
        async with app_with(login_max_failures_per_account=3) as app, asgi_client(app) as client:
            await register(client)
            for _ in range(3):
                wrong = await client.post(
                    "/login", json={"username": "ada", "password": "nope-nope"}
                )
                assert_problem(wrong, 401, "invalid_credentials")
            blocked = await client.post("/login", json={"username": "ada", "password": PASSWORD})
            assert_problem(blocked, 429, "rate_limited")
            assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
            by_email = await client.post("/login", json={"username": "ADA", "password": PASSWORD})
            assert_problem(by_email, 429, "rate_limited")

    async def test_a_success_neither_counts_nor_forgives_earlier_failures(
        self, app_with: Any
    ) -> None:
        """A success gives back only its own attempt: resetting the bucket would also forgive
        the guesses of someone else trying the account."""
        async with app_with(login_max_failures_per_account=3) as app, asgi_client(app) as client:
            await register(client)
            for _ in range(2):
                await client.post("/login", json={"username": "ada", "password": "nope-nope"})
            for _ in range(3):
                assert await login(client)
            wrong = await client.post("/login", json={"username": "ada", "password": "nope-nope"})
            assert_problem(wrong, 401, "invalid_credentials")
            blocked = await client.post("/login", json={"username": "ada", "password": PASSWORD})
            assert_problem(blocked, 429, "rate_limited")

    async def test_too_many_failures_from_one_client_get_429(self, app_with: Any) -> None:
        async with app_with(login_max_failures_per_client=4) as app, asgi_client(app) as client:
            await register(client, "ada")
            for name in ("u1", "u2", "u3", "u4"):
                await client.post("/login", json={"username": name, "password": "nope-nope"})
            blocked = await client.post("/login", json={"username": "ada", "password": PASSWORD})
            assert_problem(blocked, 429, "rate_limited")
            assert int(blocked.headers["retry-after"]) > 0
            transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 1234))
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as elsewhere:
                assert await login(elsewhere)

    async def test_too_many_successful_logins_from_one_client_get_429(self, app_with: Any) -> None:
        async with app_with(login_max_per_client=3) as app, asgi_client(app) as client:
            await register(client)
            for _ in range(3):
                assert await login(client)
            blocked = await client.post("/login", json={"username": "ada", "password": PASSWORD})
            assert_problem(blocked, 429, "rate_limited")
            assert int(blocked.headers["retry-after"]) > 0
            transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 1234))
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as elsewhere:
                assert await login(elsewhere)


async def test_sessions_are_shared_through_redis_by_every_process(
    client: httpx.AsyncClient, app: FastAPI, app_with: Any
) -> None:
    """A second app (another process, in production) accepts and revokes the same token."""
    if app.state.settings.uses_memory_redis:
        pytest.skip("the in-process stand-in is, by design, not shared between processes")
    await register(client)
    token = await login(client)
    async with app_with() as other_app, asgi_client(other_app) as other:
        assert (await other.get("/me", headers=bearer(token))).status_code == 200
        assert (await other.post("/logout", headers=bearer(token))).status_code == 204
    assert_problem(await client.get("/me", headers=bearer(token)), 401, "not_authenticated")
