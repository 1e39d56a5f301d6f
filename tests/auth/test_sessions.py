"""Bearer tokens: /me, /logout, expiry, and /me/password ending the other sessions."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import PASSWORD, FakeClock, assert_problem, bearer, login, register

DAY = 24 * 3600


async def test_me_answers_with_the_tokens_user(client: httpx.AsyncClient) -> None:
    created = await register(client)
    token = await login(client)
    response = await client.get("/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-real-token"},
        {"Authorization": "Basic YWRhOmNvcnJlY3QtaG9yc2UtYmF0dGVyeQ=="},
    ],
)
async def test_without_a_valid_token_me_is_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/me", headers=headers)
    assert_problem(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_logout_ends_the_token_at_once(client: httpx.AsyncClient) -> None:
    await register(client)
    token, other = await login(client), await login(client)
    response = await client.post("/logout", headers=bearer(token))
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(await client.get("/me", headers=bearer(token)), 401, "not_authenticated")
    assert_problem(await client.post("/logout", headers=bearer(token)), 401, "not_authenticated")
    assert (await client.get("/me", headers=bearer(other))).status_code == 200


async def test_an_unused_token_expires_after_the_idle_time(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    await register(client)
    token = await login(client)
    clock.advance(DAY - 1)
    assert (await client.get("/me", headers=bearer(token))).status_code == 200
    clock.advance(DAY)
    assert_problem(await client.get("/me", headers=bearer(token)), 401, "not_authenticated")


async def test_use_pushes_the_idle_expiry_back(client: httpx.AsyncClient, clock: FakeClock) -> None:
    await register(client)
    token = await login(client)
    for _ in range(5):
        clock.advance(DAY * 0.75)
        assert (await client.get("/me", headers=bearer(token))).status_code == 200


async def test_even_a_token_in_use_ends_at_the_absolute_expiry(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    await register(client)
    token = await login(client)
    for _ in range(59):  # every half day, for 29.5 days
        clock.advance(DAY / 2)
        assert (await client.get("/me", headers=bearer(token))).status_code == 200
    clock.advance(DAY)
    assert_problem(await client.get("/me", headers=bearer(token)), 401, "not_authenticated")


class TestPasswordChange:
    async def test_it_ends_every_other_session_and_keeps_this_one(
        self, client: httpx.AsyncClient
    ) -> None:
        await register(client)
        caller, other, third = await login(client), await login(client), await login(client)
        response = await client.post(
            "/me/password",
            json={"current_password": PASSWORD, "new_password": "a-new-long-password"},
            headers=bearer(caller),
        )
        assert response.status_code == 204
        assert (await client.get("/me", headers=bearer(caller))).status_code == 200
        for ended in (other, third):
            assert_problem(await client.get("/me", headers=bearer(ended)), 401, "not_authenticated")
        old = await client.post("/login", json={"username": "ada", "password": PASSWORD})
        assert_problem(old, 401, "invalid_credentials")
        assert await login(client, password="a-new-long-password")

    async def test_a_wrong_current_password_is_403_and_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        await register(client)
        token, other = await login(client), await login(client)
        response = await client.post(
            "/me/password",
            json={"current_password": "not-my-password", "new_password": "a-new-long-password"},
            headers=bearer(token),
        )
        assert_problem(response, 403, "wrong_password")
        assert (await client.get("/me", headers=bearer(other))).status_code == 200
        assert await login(client)

    async def test_wrong_current_passwords_are_throttled(self, client: httpx.AsyncClient) -> None:
        await register(client)
        token = await login(client)
        body = {"current_password": "not-my-password", "new_password": "a-new-long-password"}
        for _ in range(10):
            wrong = await client.post("/me/password", json=body, headers=bearer(token))
            assert_problem(wrong, 403, "wrong_password")
        body["current_password"] = PASSWORD
        blocked = await client.post("/me/password", json=body, headers=bearer(token))
        assert_problem(blocked, 429, "rate_limited")
        assert int(blocked.headers["retry-after"]) > 0

    @pytest.mark.parametrize("new_password", ["short", "x" * 129])
    async def test_the_new_password_must_be_valid(
        self, client: httpx.AsyncClient, new_password: str
    ) -> None:
        await register(client)
        token = await login(client)
        response = await client.post(
            "/me/password",
            json={"current_password": PASSWORD, "new_password": new_password},
            headers=bearer(token),
        )
        problem = assert_problem(response, 422, "validation_error")
        assert problem["errors"][0]["loc"] == ["body", "new_password"]

    async def test_it_needs_a_token(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/me/password", json={"current_password": PASSWORD, "new_password": "whatever-long"}
        )
        assert_problem(response, 401, "not_authenticated")
