"""A small app whose route answers through the catalog response cache and records every
render, so that "served from the cache" is observed as "not rendered again"."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response
from prometheus_client import REGISTRY

from spotify_api.core.cache import CatalogCache
from spotify_api.core.errors import NotFound
from tests.conftest import asgi_client

GUARD_SECONDS = 10
MAX_AGE = 17
STRONG_ETAG = re.compile(r'"[0-9a-f]{32}"')


@dataclass
class Harness:
    app: FastAPI
    renders: list[str] = field(default_factory=list)

    async def get(self, path: str, **headers: str) -> httpx.Response:
        async with asgi_client(self.app) as client:
            return await asyncio.wait_for(client.get(path, headers=headers), GUARD_SECONDS)

    async def post(self, path: str) -> httpx.Response:
        async with asgi_client(self.app) as client:
            return await asyncio.wait_for(client.post(path), GUARD_SECONDS)


def install_routes(harness: Harness) -> None:
    """GET /things/{name} through the cache ("missing" is a 404); POST /things invalidates.

    The route reads the query parameters a, b, c, d, q and x (and echoes them)."""

    async def read(
        name: str,
        request: Request,
        cache: CatalogCache,
        a: str | None = None,
        b: str | None = None,
        c: str | None = None,
        d: str | None = None,
        q: str | None = None,
        x: str | None = None,
    ) -> Response:
        async def render() -> bytes:
            harness.renders.append(request.url.path)
            await asyncio.sleep(0)  # let concurrent requests reach the cache meanwhile
            if name == "missing":
                raise NotFound("No such thing.")
            params = sorted((k, v) for k, v in request.query_params.multi_items() if v)
            return json.dumps({"name": name, "params": params}).encode()

        return await cache.respond(request, render)

    async def invalidate(cache: CatalogCache, quietly: bool = False) -> Response:
        if quietly:
            await cache.invalidate_quietly()
        else:
            await cache.invalidate()
        return Response(status_code=204)

    harness.app.add_api_route("/things/{name}", read, methods=["GET"])
    harness.app.add_api_route("/things", invalidate, methods=["POST"])


@asynccontextmanager
async def cached_app(app_with: Callable[..., Any], **changes: Any) -> AsyncIterator[Harness]:
    async with app_with(cache_max_age_seconds=MAX_AGE, **changes) as app:
        harness = Harness(app)
        install_routes(harness)
        yield harness


def cache_count(result: str) -> float:
    return REGISTRY.get_sample_value("catalog_cache_total", {"result": result}) or 0.0


def assert_cacheable(response: httpx.Response, status: int = 200) -> str:
    assert response.status_code == status, response.text
    etag = response.headers["etag"]
    assert STRONG_ETAG.fullmatch(etag), etag  # strong (no W/) and quoted
    assert response.headers["cache-control"] == f"public, max-age={MAX_AGE}"
    if status == 304:
        assert response.content == b""
    else:
        assert response.headers["content-type"] == "application/json"
    return etag
