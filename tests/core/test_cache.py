"""The catalog response cache, through HTTP on a small app: hits, ETags, 304s, invalidation,
single flight, and a Redis that is gone or hangs (reads still served, writes refused).

The app's route renders a JSON body through `ResponseCache.respond` and records every render,
so that "served from the cache" is observed as "not rendered again". Every request is guarded
by `asyncio.wait_for`; nothing here sleeps or measures time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from spotify_api.core.cache import CacheBreaker, invalidate_catalog
from tests.backends import UNREACHABLE_REDIS, black_hole
from tests.conftest import asgi_client
from tests.core.cache_harness import (
    GUARD_SECONDS,
    assert_cacheable,
    cache_count,
    cached_app,
)
from tests.helpers import FakeClock, assert_problem

# Hits, ETags, conditional requests


async def test_a_miss_is_rendered_once_and_then_served_from_the_cache(
    app_with: Callable[..., Any],
) -> None:
    hits, misses = cache_count("hit"), cache_count("miss")
    async with cached_app(app_with) as harness:
        first = await harness.get("/things/a?x=1")
        second = await harness.get("/things/a?x=1")
    assert harness.renders == ["/things/a"]
    assert assert_cacheable(first) == assert_cacheable(second)
    assert first.content == second.content
    assert second.json() == {"name": "a", "params": [["x", "1"]]}
    assert cache_count("miss") == misses + 1
    assert cache_count("hit") == hits + 1


async def test_a_matching_if_none_match_is_304_with_no_body(
    app_with: Callable[..., Any],
) -> None:
    async with cached_app(app_with) as harness:
        etag = assert_cacheable(await harness.get("/things/a"))
        same = await harness.get("/things/a", **{"If-None-Match": etag})
        in_a_weak_list = await harness.get("/things/a", **{"If-None-Match": f'"other", W/{etag}'})
        anything = await harness.get("/things/a", **{"If-None-Match": "*"})
        other = await harness.get("/things/a", **{"If-None-Match": '"other", W/"else"'})
    assert assert_cacheable(same, 304) == etag
    assert assert_cacheable(in_a_weak_list, 304) == etag
    assert assert_cacheable(anything, 304) == etag
    assert assert_cacheable(other) == etag
    assert other.json() == {"name": "a", "params": []}
    assert harness.renders == ["/things/a"]


async def test_a_miss_can_be_answered_304_too(app_with: Callable[..., Any]) -> None:
    async with cached_app(app_with) as harness:
        conditional = await harness.get("/things/a", **{"If-None-Match": "*"})
        plain = await harness.get("/things/a")
    assert assert_cacheable(conditional, 304) == assert_cacheable(plain)
    assert harness.renders == ["/things/a"]


async def test_the_query_is_normalised_into_one_entry(app_with: Callable[..., Any]) -> None:
    async with cached_app(app_with) as harness:
        first = await harness.get("/things/a?b=2&a=1")
        reordered = await harness.get("/things/a?a=1&b=2")
        with_blanks = await harness.get("/things/a?c=&a=1&b=2&d=")  # the route sees c and d
        different = await harness.get("/things/a?a=1&b=3")
        other_path = await harness.get("/things/b?a=1&b=2")
    assert first.content == reordered.content
    assert with_blanks.json()["params"] == first.json()["params"] == [["a", "1"], ["b", "2"]]
    assert different.json()["params"] == [["a", "1"], ["b", "3"]]
    assert other_path.json()["name"] == "b"
    assert harness.renders == ["/things/a", "/things/a", "/things/a", "/things/b"]


# Invalidation


async def test_invalidate_makes_the_next_read_render_again(
    app_with: Callable[..., Any],
) -> None:
    async with cached_app(app_with) as harness:
        await harness.get("/things/a")
        await harness.get("/things/a")
        assert harness.renders == ["/things/a"]
        invalidated = await harness.post("/things")
        after = await harness.get("/things/a")
        again = await harness.get("/things/a")
        # What the CLI calls after seeding: the same version key.
        await asyncio.wait_for(invalidate_catalog(harness.app.state.cache_redis), GUARD_SECONDS)
        after_cli = await harness.get("/things/a")
    assert invalidated.status_code == 204, invalidated.text
    assert after.status_code == again.status_code == after_cli.status_code == 200
    assert harness.renders == ["/things/a"] * 3


# Single flight


async def test_concurrent_misses_of_one_key_render_once(app_with: Callable[..., Any]) -> None:
    async with cached_app(app_with) as harness, asgi_client(harness.app) as client:
        responses = await asyncio.wait_for(
            asyncio.gather(*(client.get("/things/hot?q=x") for _ in range(30))), GUARD_SECONDS
        )
    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    assert len({response.headers["etag"] for response in responses}) == 1
    # One request takes the lock (atomically with its look-up) and renders; the others wait
    # for its entry, which comes within milliseconds. A second render would need the lock to
    # expire (3 s) or a waiter to give up waiting (1.5 s).
    assert harness.renders == ["/things/hot"]


# Errors from the render


async def test_a_domain_error_is_answered_and_not_cached(app_with: Callable[..., Any]) -> None:
    async with cached_app(app_with) as harness:
        first = await harness.get("/things/missing")
        second = await harness.get("/things/missing")
    assert_problem(first, 404, "not_found")
    assert_problem(second, 404, "not_found")
    assert "etag" not in first.headers
    assert harness.renders == ["/things/missing"] * 2


async def test_concurrent_misses_that_fail_all_fail_and_none_hangs(
    app_with: Callable[..., Any],
) -> None:
    async with cached_app(app_with) as harness, asgi_client(harness.app) as client:
        responses = await asyncio.wait_for(
            asyncio.gather(*(client.get("/things/missing") for _ in range(5))), GUARD_SECONDS
        )
    for response in responses:
        assert_problem(response, 404, "not_found")


# Redis gone or hanging: reads rendered, writes refused


async def test_an_unreachable_redis_serves_reads_from_render(
    app_with: Callable[..., Any],
) -> None:
    async with cached_app(app_with) as healthy:
        cached = await healthy.get("/things/a?x=1")
    etag = assert_cacheable(cached)
    bypasses = cache_count("bypass")
    async with cached_app(app_with, redis_url=UNREACHABLE_REDIS) as harness:
        reads = [await harness.get("/things/a?x=1") for _ in range(3)]
        conditional = await harness.get("/things/a?x=1", **{"If-None-Match": etag})
        missing = await harness.get("/things/missing")
        write = await harness.post("/things")
        quiet_write = await harness.post("/things?quietly=true")
    for read in reads:
        assert assert_cacheable(read) == etag
        assert read.content == cached.content
    assert assert_cacheable(conditional, 304) == etag
    assert_problem(missing, 404, "not_found")
    assert len(harness.renders) == 5  # every read rendered, none failed
    assert cache_count("bypass") == bypasses + 4
    problem = assert_problem(write, 503, "service_unavailable")
    assert "cache" in problem["detail"]
    assert int(write.headers["retry-after"]) >= 1
    assert quiet_write.status_code == 204


async def test_a_redis_that_never_answers_is_skipped(app_with: Callable[..., Any]) -> None:
    async with cached_app(app_with) as healthy:
        etag = assert_cacheable(await healthy.get("/things/a"))
    async with (
        black_hole() as port,
        cached_app(app_with, redis_url=f"redis://127.0.0.1:{port}/0") as harness,
    ):
        reads = [await harness.get("/things/a") for _ in range(3)]
        conditional = await harness.get("/things/a", **{"If-None-Match": etag})
        write = await harness.post("/things")
    for read in reads:
        assert assert_cacheable(read) == etag
        assert read.json() == {"name": "a", "params": []}
    assert assert_cacheable(conditional, 304) == etag
    assert len(harness.renders) == 4
    assert_problem(write, 503, "service_unavailable")


async def test_after_a_failure_redis_is_skipped_for_a_moment(
    app_with: Callable[..., Any],
) -> None:
    async with cached_app(app_with) as harness:
        clock = FakeClock()
        breaker = harness.app.state.cache_breaker = CacheBreaker(cooldown=1.0, clock=clock)
        for _ in range(breaker.threshold):
            breaker.trip(ConnectionError("as if Redis had failed"))
        skipped = [await harness.get("/things/a") for _ in range(2)]
        assert harness.renders == ["/things/a"] * 2  # rendered each time, nothing stored
        clock.advance(1.5)
        resumed = [await harness.get("/things/a") for _ in range(2)]
    assert {response.status_code for response in skipped + resumed} == {200}
    assert harness.renders == ["/things/a"] * 3  # stored on the third, hit on the fourth


async def test_one_late_reply_does_not_stop_the_cache(app_with: Callable[..., Any]) -> None:
    """A busy event loop can make one reply late; only failures in a row open the breaker."""
    async with cached_app(app_with) as harness:
        breaker = harness.app.state.cache_breaker = CacheBreaker(clock=FakeClock())
        for _ in range(breaker.threshold - 1):
            breaker.trip(TimeoutError("as if one reply had been late"))
        first = await harness.get("/things/a")
        second = await harness.get("/things/a")
        breaker.trip(TimeoutError("late again, but the run of failures was broken"))
        third = await harness.get("/things/a")
    assert first.content == second.content == third.content
    assert harness.renders == ["/things/a"]  # stored on the first read, then hits


async def test_a_successful_invalidate_closes_the_breaker(
    app_with: Callable[..., Any],
) -> None:
    async with cached_app(app_with) as harness:
        breaker = harness.app.state.cache_breaker = CacheBreaker(clock=FakeClock())
        for _ in range(breaker.threshold):
            breaker.trip(ConnectionError("as if Redis had failed"))
        invalidated = await harness.post("/things")
        first = await harness.get("/things/a")
        second = await harness.get("/things/a")
    assert invalidated.status_code == 204
    assert first.content == second.content
    assert harness.renders == ["/things/a"]
