"""Counting attempts in fixed windows in Redis, shared by every process.

An attempt is counted before the work it limits is done, in one script that checks every
bucket and counts in all of them or in none: however many attempts run at once, at most
`limit` of them per window get past it. An attempt whose outcome the bucket does not limit
(a login that succeeded, for the failure buckets) gives its count back afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping

from redis.asyncio import Redis

# KEYS: the buckets. ARGV: the window, then each bucket's limit. Returns 0 when counted, or the
# seconds until the last full bucket frees up.
_RESERVE = """
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then ttl = 1 end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[1], 'NX')
end
return 0
"""

# KEYS: the buckets. A bucket whose window ended meanwhile is not brought back below zero.
_GIVE_BACK = """
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""


class AttemptCounter:
    """At most `limit` attempts per bucket within `window` seconds."""

    def __init__(self, redis: Redis, prefix: str, window_seconds: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.window = window_seconds
        self._reserve = redis.register_script(_RESERVE)
        self._give_back = redis.register_script(_GIVE_BACK)

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    async def reserve(self, limits: Mapping[str, int]) -> int | None:
        """Count one attempt in every bucket of `limits` (name -> limit), or in none.

        None when counted; otherwise the seconds until the full bucket(s) free up.
        """
        names = list(limits)
        wait = await self._reserve(
            keys=[self._key(name) for name in names],
            args=[self.window, *(limits[name] for name in names)],
        )
        return int(wait) or None

    async def give_back(self, *names: str) -> None:
        if names:
            await self._give_back(keys=[self._key(name) for name in names])
