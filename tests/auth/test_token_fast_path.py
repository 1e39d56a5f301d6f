"""Token-only reads (`GET /me`, `GET /playlists/{id}`) are answered before routing when they are
the ordinary case: the same status, headers and bytes as the routes give, and every other case
answered by the routes themselves, exactly as without the fast path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from spotify_api.core.metrics import REQUESTS
from tests.backends import UNREACHABLE_REDIS
from tests.conftest import asgi_client
from tests.helpers import assert_problem, bearer, login, register

VARYING = {"x-request-id", "date"}


@contextmanager
def routed_only(app: FastAPI) -> Iterator[None]:
    """The app without its token fast path: every request through routing."""
    renders = app.state.token_renders
    app.state.token_renders = {}
    try:
        yield
    finally:
        app.state.token_renders = renders


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(name, value) for name, value in response.headers.items() if name not in VARYING]
    return response.status_code, headers, response.content


async def _both(
    app: FastAPI, client: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]
) -> tuple[httpx.Response, httpx.Response]:
    fast = await client.request(method, path, headers=headers)
    with routed_only(app):
        routed = await client.request(method, path, headers=headers)
    return fast, routed


async def _playlist(client: httpx.AsyncClient, token: str, public: bool = False) -> str:
    body = {"name": "Road trip", "public": public}
    response = await client.post("/playlists/create", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    playlist_id: str = response.json()["id"]
    return playlist_id


@pytest.fixture
async def tokens(client: httpx.AsyncClient) -> dict[str, str]:
    await register(client, "ada")
    await register(client, "bob")
    return {
        "ada": await login(client, "ada"),
        "bob": await login(client, "bob"),
        "ada, account only": await login(client, "ada", scope="account:write"),
    }


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_ordinary_reads_are_answered_as_the_routes_answer_them(
    app: FastAPI, client: httpx.AsyncClient, tokens: dict[str, str], method: str
) -> None:
    own = await _playlist(client, tokens["ada"])
    public = await _playlist(client, tokens["bob"], public=True)
    for path in ("/me", f"/playlists/{own}", f"/playlists/{public}"):
        fast, routed = await _both(app, client, method, path, bearer(tokens["ada"]))
        assert fast.status_code == 200, fast.text
        assert _answer(fast) == _answer(routed), path
    fast = await client.get(f"/playlists/{own}", headers=bearer(tokens["ada"]))
    assert fast.headers["cache-control"] == "private, no-cache"
    assert fast.headers["etag"] == f'"{fast.json()["snapshot_id"]}"'
    me = await client.get("/me", headers=bearer(tokens["ada"]))
    assert me.headers["cache-control"] == "private, no-store"


async def test_every_other_case_gets_the_routes_own_answer(
    app: FastAPI, client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    private = await _playlist(client, tokens["bob"])
    own = await _playlist(client, tokens["ada"])
    ada, narrow = bearer(tokens["ada"]), bearer(tokens["ada, account only"])
    cases = [
        ("/me", {}, 401),  # no token
        ("/me", {"Authorization": "Basic YWRhOnB3"}, 401),  # another scheme
        ("/me", {"Authorization": "Bearer"}, 401),  # no token after the scheme
        ("/me", bearer("not-a-token"), 401),
        (f"/playlists/{own}", bearer("not-a-token"), 401),
        (f"/playlists/{own}", narrow, 403),  # no playlists:read
        ("/me", narrow, 200),  # /me needs no scope
        (f"/playlists/{private}", ada, 404),  # another's private playlist does not exist
        ("/playlists/00000000-0000-4000-8000-000000000000", ada, 404),
        (f"/playlists/{own.upper()}", ada, 200),  # not canonical, but a UUID: the route's
        ("/playlists/not-a-uuid", ada, 422),
        (f"/playlists/{own}?fields=all", ada, 200),  # a parameter the route does not read
    ]
    for path, headers, status in cases:
        fast, routed = await _both(app, client, "GET", path, headers)
        assert fast.status_code == status, (path, headers, fast.text)
        assert _answer(fast) == _answer(routed), (path, headers)
    assert_problem(await client.get(f"/playlists/{own}", headers=narrow), 403, "insufficient_scope")


async def test_a_logged_out_token_is_refused_at_once(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    ada = bearer(tokens["ada"])
    assert (await client.get("/me", headers=ada)).status_code == 200
    assert (await client.post("/logout", headers=ada)).status_code == 204
    response = await client.get("/me", headers=ada)
    assert_problem(response, 401, "not_authenticated")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_read_is_counted_under_its_route(
    client: httpx.AsyncClient, tokens: dict[str, str]
) -> None:
    own = await _playlist(client, tokens["ada"])
    counter = REQUESTS.labels("GET", "/playlists/{playlist_id}", "200")
    before = counter._value.get()
    await client.get(f"/playlists/{own}", headers=bearer(tokens["ada"]))
    assert counter._value.get() == before + 1


async def test_redis_unreachable_is_the_routes_503(
    client: httpx.AsyncClient, tokens: dict[str, str], app_with: Callable[..., Any]
) -> None:
    ada = bearer(tokens["ada"])
    playlist = await _playlist(client, tokens["ada"])
    async with app_with(redis_url=UNREACHABLE_REDIS) as app, asgi_client(app) as other:
        for path in ("/me", f"/playlists/{playlist}"):
            fast, routed = await _both(app, other, "GET", path, ada)
            assert_problem(fast, 503, "service_unavailable")
            assert _answer(fast) == _answer(routed), path
