"""Items added in one turn of the event loop, handed on together on its next round.

Under load many requests make the same Redis call at once (a cache look-up, a session's
resolve); a call through redis-py costs far more in Python than Redis spends on it, so the
calls of one turn go out as one command or pipeline. A lone item waits for no one: its batch is
sent as soon as the loop is free. A batch that reaches `limit` is sent at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Generic, TypeVar

T = TypeVar("T")


class LoopBatch(Generic[T]):
    def __init__(
        self, send: Callable[[list[T]], Coroutine[object, object, None]], limit: int
    ) -> None:
        self._send = send
        self._limit = limit
        self._pending: list[T] = []
        self._sending: set[asyncio.Task[None]] = set()

    def add(self, item: T) -> None:
        self._pending.append(item)
        if len(self._pending) == 1:
            asyncio.get_running_loop().call_soon(self._flush)
        elif len(self._pending) >= self._limit:
            self._flush()

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._send(batch))
            self._sending.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(self._sending.discard)
