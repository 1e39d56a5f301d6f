"""A Lua script whose calls, made in one turn of the event loop, go to Redis together.

A call through redis-py costs far more in Python (the pool, the retry wrapper, the time-out of
each read) than Redis spends on it. Under load many requests make the same call at once (every
token-only read resolves its session), so the calls made while the event loop runs one round
are sent on its next round as one pipeline of EVALSHAs: one trip through redis-py and one round
trip for all of them. A pipeline is not a transaction: each call is still one script, atomic on
its own, exactly as when it is sent alone, and each caller gets its own reply or its own error.
A lone call waits for no one: its pipeline goes out as soon as the loop is free.

If the whole pipeline fails (Redis down or too slow), every call in it fails with that error, as
each would have alone. A server that no longer knows the script (restarted, `SCRIPT FLUSH`)
answers NOSCRIPT: those calls run again through redis-py's `Script`, which loads it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from spotify_api.core.loop_batch import LoopBatch

#: Calls per pipeline at most.
MAX_BATCH = 256

_Call = tuple[Sequence[Any], Sequence[Any], "asyncio.Future[Any]"]


class BatchedScript:
    def __init__(self, redis: Redis, source: str) -> None:
        self.redis = redis
        self.script = redis.register_script(source)
        self._batch: LoopBatch[_Call] = LoopBatch(self._send, MAX_BATCH)

    def __call__(self, keys: Sequence[Any], args: Sequence[Any]) -> asyncio.Future[Any]:
        """The script's reply to these keys and arguments, from the next batch."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._batch.add((keys, args, future))
        return future

    async def _send(self, batch: list[_Call]) -> None:
        try:
            replies = await self._pipeline(batch)
            for (keys, args, future), reply in zip(batch, replies, strict=True):
                if isinstance(reply, NoScriptError):
                    try:  # this call's own failure is its caller's alone
                        reply = await self.script(keys=keys, args=args)
                    except Exception as error:  # handed to this caller below
                        reply = error
                if future.done():
                    continue
                if isinstance(reply, Exception):
                    future.set_exception(reply)
                else:
                    future.set_result(reply)
        except Exception as error:  # Redis failed: each caller fails as it would have alone
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(error)
        except BaseException:  # cancelled at shutdown
            for _, _, future in batch:
                future.cancel()
            raise

    async def _pipeline(self, batch: list[_Call]) -> list[Any]:
        sha = self.script.sha
        async with self.redis.pipeline(transaction=False) as pipe:
            for keys, args, _ in batch:
                pipe.evalsha(sha, len(keys), *keys, *args)
            replies: list[Any] = await pipe.execute(raise_on_error=False)
        return replies
