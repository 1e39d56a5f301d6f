"""Counting failures in fixed windows in Redis, shared by every process."""

from __future__ import annotations

from collections.abc import Mapping

from redis.asyncio import Redis


class FailureCounter:
    """Blocks a key once it has failed `limit` times within `window` seconds."""

    def __init__(self, redis: Redis, prefix: str, window_seconds: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.window = window_seconds

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    async def blocked_for(self, limits: Mapping[str, int]) -> int | None:
        """Seconds until the first blocked key of `limits` (name -> limit) frees up, or None."""
        names = list(limits)
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.get(self._key(name))
                pipe.ttl(self._key(name))
            replies = await pipe.execute()
        waits = [
            max(int(ttl), 1)
            for name, count, ttl in zip(names, replies[::2], replies[1::2], strict=True)
            if count is not None and int(count) >= limits[name]
        ]
        return max(waits) if waits else None

    async def record_failure(self, *names: str) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.incr(self._key(name))
                pipe.expire(self._key(name), self.window, nx=True)
            await pipe.execute()

    async def reset(self, *names: str) -> None:
        await self.redis.delete(*(self._key(name) for name in names))
