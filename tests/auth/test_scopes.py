"""Scopes: what a role may hold, what a login narrows, and what an operation demands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Security
from sqlalchemy import text

from spotify_api.auth.deps import get_auth_session
from spotify_api.auth.sessions import AuthSession
from tests.conftest import asgi_client
from tests.helpers import PASSWORD, assert_problem, bearer, login, make_admin, register

CatalogWriter = Annotated[AuthSession, Security(get_auth_session, scopes=["catalog:write"])]


@pytest.fixture
async def scoped_client(app_with: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An app with one extra operation that demands `catalog:write`, as admin routes will."""
    async with app_with() as app:

        async def needs_catalog_write(session: CatalogWriter) -> dict[str, str]:
            return {"user_id": str(session.user_id)}

        app.add_api_route("/test/catalog-write", needs_catalog_write, methods=["POST"])
        async with asgi_client(app) as client:
            yield client


async def _make_admin(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    await make_admin(app.state.settings, monkeypatch)


async def test_a_user_token_lacks_admin_scopes(scoped_client: httpx.AsyncClient) -> None:
    await register(scoped_client)
    token = await login(scoped_client)
    response = await scoped_client.post("/test/catalog-write", headers=bearer(token))
    problem = assert_problem(response, 403, "insufficient_scope")
    assert "catalog:write" in problem["detail"]


async def test_without_a_token_it_is_401_not_403(scoped_client: httpx.AsyncClient) -> None:
    response = await scoped_client.post("/test/catalog-write")
    assert_problem(response, 401, "not_authenticated")


async def test_an_admin_gets_every_scope_and_passes(
    scoped_client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _make_admin(app, monkeypatch)
    response = await scoped_client.post("/login", json={"username": "root", "password": PASSWORD})
    assert response.json()["scope"] == (
        "account:write catalog:write library:read library:write playlists:read "
        "playlists:write users:admin"
    )
    token = response.json()["access_token"]
    assert (
        await scoped_client.post("/test/catalog-write", headers=bearer(token))
    ).status_code == 200


async def test_an_admin_token_narrowed_by_login_is_refused(
    scoped_client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _make_admin(app, monkeypatch)
    token = await login(scoped_client, "root", scope="playlists:read playlists:write")
    response = await scoped_client.post("/test/catalog-write", headers=bearer(token))
    assert_problem(response, 403, "insufficient_scope")


class TestAccountWrite:
    """Changing the account needs `account:write`: a token narrowed to reading cannot."""

    async def test_a_read_only_token_cannot_change_the_password(
        self, client: httpx.AsyncClient
    ) -> None:
        await register(client)
        narrow = await login(client, scope="playlists:read")
        body = {"current_password": PASSWORD, "new_password": "a-new-long-password"}
        response = await client.post("/me/password", json=body, headers=bearer(narrow))
        problem = assert_problem(response, 403, "insufficient_scope")
        assert "account:write" in problem["detail"]
        assert await login(client)  # the password did not change

    async def test_a_default_token_can(self, client: httpx.AsyncClient) -> None:
        await register(client)
        token = await login(client)
        body = {"current_password": PASSWORD, "new_password": "a-new-long-password"}
        response = await client.post("/me/password", json=body, headers=bearer(token))
        assert response.status_code == 204, response.text
        assert await login(client, password="a-new-long-password")

    async def test_it_can_be_asked_for_alone(self, client: httpx.AsyncClient) -> None:
        await register(client)
        token = await login(client, scope="account:write")
        body = {"current_password": PASSWORD, "new_password": "a-new-long-password"}
        response = await client.post("/me/password", json=body, headers=bearer(token))
        assert response.status_code == 204, response.text


async def test_role_bearing_scopes_follow_the_role_as_it_is_now(
    scoped_client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a session that outlived a demotion (here: one made in SQL, which ends no session)
    cannot use the scopes of the role it lost."""
    await _make_admin(app, monkeypatch)
    await register(scoped_client, "ada")
    token = await login(scoped_client, "root")
    async with app.state.engine.begin() as connection:
        await connection.execute(text("UPDATE users SET role = 'admin' WHERE username = 'ada'"))
        await connection.execute(text("UPDATE users SET role = 'user' WHERE username = 'root'"))
    response = await scoped_client.post("/test/catalog-write", headers=bearer(token))
    assert_problem(response, 403, "insufficient_scope")
    response = await scoped_client.get("/admin/users", headers=bearer(token))
    assert_problem(response, 403, "insufficient_scope")
    assert (await scoped_client.get("/me", headers=bearer(token))).status_code == 200
