"""What the conformance fuzzing (tests/fuzz) found in the shared layers, kept fixed.

- A NUL character in request text reached PostgreSQL, which refuses it: a 500. Every body
  now refuses it at validation, naming the field (422 `validation_error`, type `nul_character`).
- A 405 named only the methods of the first route on the path (`Allow: GET` for `/albums`).
- A catalog write failed with 503 whenever the invalidation took longer than the few
  milliseconds a cached read waits for Redis, though Redis was up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import Response
from redis.asyncio import Redis

from spotify_api.core.cache import CATALOG_VERSION_KEY, CatalogCache
from tests.backends import black_hole
from tests.conftest import asgi_client
from tests.helpers import PASSWORD, assert_problem, register

NUL = "\x00"
NUL_MESSAGE = "Text must not contain NUL (U+0000)."

# NUL characters in bodies


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/register",
            {"username": "ada", "email": "ada@example.com", "password": f"pass{NUL}word"},
            "password",
        ),
        ("/login", {"username": f"ada{NUL}", "password": PASSWORD}, "username"),
        ("/login", {"username": "ada", "password": PASSWORD, "scope": f"{NUL}"}, "scope"),
    ],
)
async def test_nul_in_body_text_is_a_422_naming_the_field(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(await client.post(path, json=body), 422, "validation_error")
    [error] = problem["errors"]
    assert error == {"loc": ["body", field], "msg": NUL_MESSAGE, "type": "nul_character"}


async def test_nul_in_the_login_form_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/login", data={"username": f"a{NUL}da", "password": PASSWORD})
    problem = assert_problem(response, 422, "validation_error")
    assert [error["type"] for error in problem["errors"]] == ["nul_character"]


async def test_text_without_nul_still_passes(client: httpx.AsyncClient) -> None:
    await register(client, "ada")
    response = await client.post("/login", json={"username": "ada", "password": PASSWORD})
    assert response.status_code == 200, response.text


# 405 and Allow


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("OPTIONS", "/albums", "GET, HEAD, POST"),
        ("PUT", "/songs/9e4b1f7d-2c6a-4e3b-8d5f-1a7c3e9b0d42", "DELETE, GET, HEAD, PATCH"),
        ("PUT", "/playlists/create", "POST"),
        ("DELETE", "/health", "GET, HEAD"),
        ("GET", "/login", "POST"),
    ],
)
async def test_a_405_allows_every_method_of_the_path(
    client: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await client.request(method, path)
    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed


# Invalidating the catalog cache


async def test_a_write_waits_for_redis_as_long_as_a_session_lookup_does(
    app_with: Callable[..., Any],
) -> None:
    """The cache's own client gives up after milliseconds (reads then skip the cache); the
    invalidation that a write needs uses the ordinary client, with the ordinary time-out."""
    async with black_hole() as port, app_with() as app:

        async def write(cache: CatalogCache) -> Response:
            await cache.invalidate()
            return Response(status_code=204)

        app.add_api_route("/test-only/write", write, methods=["POST"])
        hung = Redis(host="127.0.0.1", port=port, socket_timeout=0.05, socket_connect_timeout=0.05)
        cache_redis, app.state.cache_redis = app.state.cache_redis, hung
        try:
            before = int(await app.state.redis.get(CATALOG_VERSION_KEY) or 0)
            async with asgi_client(app) as client:
                response = await client.post("/test-only/write")
            after = int(await app.state.redis.get(CATALOG_VERSION_KEY) or 0)
        finally:
            app.state.cache_redis = cache_redis
            await hung.aclose()
    assert response.status_code == 204, response.text
    assert after == before + 1
