"""Cache hits answered before routing: the same answers as the route's, with the request id,
CORS, metrics and conditional requests, without solving the route's dependencies, and with
concurrent hits sharing their Redis round trips.

Uses the small app of tests/core/test_cache.py, plus a route with a dependency that records
whether it ran. Nothing here sleeps or measures time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, Request, Response
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from spotify_api.core.cache import CacheBreaker, CatalogCache
from tests.backends import UNREACHABLE_REDIS
from tests.conftest import ON_REDIS, asgi_client
from tests.core.cache_harness import (
    GUARD_SECONDS,
    assert_cacheable,
    cache_count,
    cached_app,
)
from tests.helpers import FakeClock, assert_problem

ORIGIN = "http://localhost:3000"  # allowed by the test settings


def record_solving(request: Request) -> None:
    request.app.state.solved.append(request.url.path)


Recorded = Annotated[None, Depends(record_solving)]


def served(route: str, status: str) -> float:
    labels = {"method": "GET", "route": route, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


async def test_a_hit_answers_like_the_route_without_solving_its_dependencies(
    app_with: Callable[..., Any],
) -> None:
    async def read(name: str, request: Request, cache: CatalogCache, _: Recorded) -> Response:
        async def render() -> bytes:
            return b'{"name":"' + name.encode() + b'"}'

        return await cache.respond(request, render)

    async with cached_app(app_with) as harness:
        solved = harness.app.state.solved = []
        harness.app.add_api_route("/recorded/{name}", read, methods=["GET"])
        before = served("/recorded/{name}", "200")
        miss = await harness.get("/recorded/a", **{"X-Request-ID": "first"})
        hit = await harness.get("/recorded/a", **{"X-Request-ID": "second", "Origin": ORIGIN})
        conditional = await harness.get("/recorded/a", **{"If-None-Match": hit.headers["etag"]})
    assert solved == ["/recorded/a"]  # the hits never reached the route
    assert assert_cacheable(miss) == assert_cacheable(hit) == assert_cacheable(conditional, 304)
    assert hit.content == miss.content == b'{"name":"a"}'
    assert hit.headers["content-length"] == str(len(hit.content))
    assert (miss.headers["x-request-id"], hit.headers["x-request-id"]) == ("first", "second")
    assert hit.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-origin" not in miss.headers  # no Origin, no CORS headers
    assert served("/recorded/{name}", "200") == before + 2  # counted under the route template
    assert served("/recorded/{name}", "304") >= 1


async def test_only_what_the_route_rendered_is_answered_early(
    app_with: Callable[..., Any],
) -> None:
    async with cached_app(app_with) as harness:
        got = await harness.get("/things/a")
        async with asgi_client(harness.app) as client:
            head = await client.head("/things/a")
            post = await client.post("/things/a")
        missing = [await harness.get("/things/missing") for _ in range(2)]
        other = await harness.get("/things/b")
    # HEAD is answered as GET (a hit here, so not rendered again), without the body.
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-length"] == str(len(got.content))
    assert post.status_code == 405
    for response in missing:
        assert_problem(response, 404, "not_found")  # errors are never stored
    assert other.json() == {"name": "b", "params": []}
    assert harness.renders == ["/things/a", "/things/missing", "/things/missing", "/things/b"]


async def test_invalid_parameters_always_reach_the_route(client: httpx.AsyncClient) -> None:
    cached = [await client.get("/songs") for _ in range(2)]  # rendered, then a hit
    assert cached[0].content == cached[1].content
    for _ in range(2):
        assert_problem(await client.get("/songs/not-a-uuid"), 422, "validation_error")
        assert_problem(await client.get("/songs?limit=0"), 422, "validation_error")
        # Normalised to /songs (empty values are dropped), but not valid as sent.
        assert_problem(await client.get("/songs?limit="), 422, "validation_error")
        too_long = {"If-None-Match": '"' + "x" * 1030 + '"'}
        assert_problem(await client.get("/songs", headers=too_long), 422, "validation_error")
        assert_problem(await client.get("/songs?cursor=forged"), 400, "invalid_cursor")
    blank_search = await client.get("/songs?q=")  # valid: no filter, the same list
    assert blank_search.status_code == 200
    assert blank_search.content == cached[0].content


async def test_a_redis_failing_after_hits_sends_reads_to_the_route(
    app_with: Callable[..., Any],
) -> None:
    async with cached_app(app_with) as harness:
        etag = assert_cacheable(await harness.get("/things/a"))
        assert_cacheable(await harness.get("/things/a"))  # a hit: the route is known
        clock = FakeClock()
        harness.app.state.cache_breaker = CacheBreaker(clock=clock)
        bypasses = cache_count("bypass")
        working, harness.app.state.cache_redis = (
            harness.app.state.cache_redis,
            Redis.from_url(UNREACHABLE_REDIS, socket_connect_timeout=1),
        )
        try:
            reads = [await harness.get("/things/a") for _ in range(4)]
        finally:
            await harness.app.state.cache_redis.aclose()
            harness.app.state.cache_redis = working
        clock.advance(5)  # the breaker that the failures opened closes again
        after = await harness.get("/things/a")
    for read in [*reads, after]:
        assert assert_cacheable(read) == etag
    assert harness.renders == ["/things/a"] * 5  # the first, then each read while Redis failed
    assert cache_count("bypass") == bypasses + 4


@pytest.mark.skipif(not ON_REDIS, reason="counts commands with INFO commandstats of a Redis")
async def test_concurrent_hits_share_redis_round_trips(app_with: Callable[..., Any]) -> None:
    async with cached_app(app_with) as harness:
        first = await harness.get("/things/hot")
        redis = harness.app.state.cache_redis
        before = (await redis.info("commandstats")).get("cmdstat_mget", {}).get("calls", 0)
        async with asgi_client(harness.app) as client:
            hits = await asyncio.wait_for(
                asyncio.gather(*(client.get("/things/hot") for _ in range(40))), GUARD_SECONDS
            )
        after = (await redis.info("commandstats")).get("cmdstat_mget", {}).get("calls", 0)
    assert {hit.content for hit in hits} == {first.content}
    assert {hit.status_code for hit in hits} == {200}
    assert harness.renders == ["/things/hot"]
    assert 1 <= after - before < 40, (before, after)


async def test_a_failed_batch_counts_as_one_failure(app_with: Callable[..., Any]) -> None:
    """Requests that shared one failed look-up fall back together, but count once: a single
    late reply does not open the breaker for everyone."""
    async with cached_app(app_with) as harness:
        first = await harness.get("/things/a")
        await harness.get("/things/a")  # a hit: the route is known
        harness.app.state.cache_breaker = CacheBreaker(clock=FakeClock())
        working, harness.app.state.cache_redis = (
            harness.app.state.cache_redis,
            Redis.from_url(UNREACHABLE_REDIS, socket_connect_timeout=1),
        )
        try:
            async with asgi_client(harness.app) as client:
                failed = await asyncio.wait_for(
                    asyncio.gather(*(client.get("/things/a") for _ in range(5))), GUARD_SECONDS
                )
        finally:
            await harness.app.state.cache_redis.aclose()
            harness.app.state.cache_redis = working
        after = await harness.get("/things/a")
    assert {response.content for response in [*failed, after]} == {first.content}
    # Rendered: the first read, and the five that shared the failed look-up. Not the last
    # read: the breaker stayed closed, so it was a hit again.
    assert harness.renders == ["/things/a"] * 6


async def test_a_render_made_obsolete_by_a_write_keeps_the_newer_entry(
    app_with: Callable[..., Any],
) -> None:
    """A render that a write overtook answers its own request, but stores nothing: storing
    would replace the entry that a later request rendered from the newer catalog."""
    started, release = asyncio.Event(), asyncio.Event()
    renders: list[int] = []

    async def read(request: Request, cache: CatalogCache) -> Response:
        async def render() -> bytes:
            renders.append(len(renders) + 1)
            number = renders[-1]
            if number == 1:  # the first render is slow: a write happens meanwhile
                started.set()
                await release.wait()
            return b'{"render":%d}' % number

        return await cache.respond(request, render)

    async with cached_app(app_with) as harness, asgi_client(harness.app) as client:
        harness.app.add_api_route("/slow", read, methods=["GET"])
        slow = asyncio.create_task(client.get("/slow"))
        await asyncio.wait_for(started.wait(), GUARD_SECONDS)
        assert (await harness.post("/things")).status_code == 204  # a write: a new version
        fresh = await harness.get("/slow")
        release.set()
        overtaken = await asyncio.wait_for(slow, GUARD_SECONDS)
        again = await harness.get("/slow")
    assert overtaken.json() == {"render": 1}
    assert fresh.json() == again.json() == {"render": 2}
    assert renders == [1, 2]


async def test_the_body_limit_applies_to_cached_reads_too(app_with: Callable[..., Any]) -> None:
    async with cached_app(app_with, max_body_bytes=1024) as harness:
        await harness.get("/things/a")
        await harness.get("/things/a")  # a hit: the route is known
        async with asgi_client(harness.app) as client:
            response = await client.request("GET", "/things/a", content=b"x" * 2000)
    assert_problem(response, 413, "payload_too_large")
