"""The Redis client: a real server, or the in-process stand-in for the embedded default."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from spotify_api.settings import Settings


def create_redis(settings: Settings) -> Redis:
    """A client whose every call is bounded: redis-py would otherwise wait and retry for long."""
    if settings.uses_memory_redis:
        import fakeredis

        client: Redis = fakeredis.FakeAsyncRedis()
        return client
    return Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        # One quick retry heals a pooled connection that the server closed; no more, so that
        # a hung server costs at most two time-outs.
        retry=Retry(NoBackoff(), retries=1),
        health_check_interval=30,
    )


def get_redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


RedisClient = Annotated[Redis, Depends(get_redis)]
